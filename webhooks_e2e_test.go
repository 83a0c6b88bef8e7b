package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// TestWebhookDeliveryEvictsTheCache runs the whole path: a change made in Gladly outside
// gladgraph, Gladly's webhook delivery (with its PING on enable) to /webhooks/gladly, and the
// next GraphQL read, which must show the change although the old profile was cached.
func TestWebhookDeliveryEvictsTheCache(t *testing.T) {
	t.Parallel()
	// gladgraph behind TLS: Gladly delivers webhooks to https URLs only.
	hs := httptest.NewUnstartedServer(http.NotFoundHandler())
	hs.StartTLS()
	t.Cleanup(hs.Close)
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(hs.Client()))

	env := map[string]string{
		"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token,
		"WEBHOOK_USERNAME": "gladly", "WEBHOOK_PASSWORD": "webhook-secret-0123456789",
		"PUBLIC_URL": hs.URL, "LOG_FORMAT": "json",
	}
	cfg, err := config.Load(nil, envOf(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newServer(cfg, edge.NewLogger(&syncBuffer{}, "json", zerolog.InfoLevel), buildLayers)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	hs.Config.Handler = s.handler

	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, _, err := client.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{
		Name: "gladgraph cache", URL: hs.URL + "/webhooks/gladly", Events: []string{"CUSTOMER_PROFILE/UPDATED"},
		Enabled:     true,
		Credentials: &gladly.WebhookCredentials{Username: "gladly", Password: "webhook-secret-0123456789"},
	}); err != nil {
		t.Fatalf("create an enabled webhook (gladgraph must answer its PING): %v", err)
	}

	name := func() string {
		t.Helper()
		body := `{"query":"{ contact(id: \"` + gladlytest.DemoCustomerID + `\") { name } }"}`
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hs.URL+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct {
			Data struct{ Contact struct{ Name string } }
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out.Data.Contact.Name
	}
	if got := name(); got != "Ada Lovelace" {
		t.Fatalf("before: %q", got)
	}
	before := fake.Calls("getCustomer")
	_ = name()
	if fake.Calls("getCustomer") != before {
		t.Fatal("the second read was not served from the cache")
	}

	renamed := "Augusta Ada King"
	if _, err := client.Customers.Update(ctx, gladlytest.DemoCustomerID, &gladly.UpdateCustomerRequest{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitWebhookDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != renamed {
		t.Errorf("after Gladly's CUSTOMER_PROFILE/UPDATED delivery: %q, want %q (the cached profile was not evicted)", got, renamed)
	}
	if n := fake.Calls("getCustomer") - before; n != 1 {
		t.Errorf("%d profile reads after the delivery, want 1", n)
	}
}
