package gladly_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["customAttributes"] = contractCustomAttributes }

func contractCustomAttributes(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()
	for _, want := range []gladly.CustomAttribute{
		{ID: gladlytest.DemoCustomAttributeID("orderId"), Key: "orderId", Label: "Order ID"},
		{ID: gladlytest.DemoCustomAttributeID("carrier"), Key: "carrier", Label: "Carrier"},
		{ID: gladlytest.DemoCustomAttributeID("giftMessage"), Key: "giftMessage", Label: "Gift Message", Deactivated: true},
	} {
		got, _, err := cl.CustomAttributes.Get(ctx, want.ID)
		if err != nil {
			t.Fatalf("get %s: %v", want.Key, err)
		}
		if diff := cmp.Diff(&want, got, cmpopts.IgnoreFields(gladly.CustomAttribute{}, "CreatedAt", "CreatedBy")); diff != "" {
			t.Errorf("get %s (-want +got):\n%s", want.Key, diff)
		}
		if got.CreatedAt.IsZero() || got.CreatedBy == "" {
			t.Errorf("get %s: createdAt %v, createdBy %q; want both", want.Key, got.CreatedAt, got.CreatedBy)
		}
	}
	_, _, err := cl.CustomAttributes.Get(ctx, "no-such-attribute")
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "custom attribute no-such-attribute does not exist")
}
