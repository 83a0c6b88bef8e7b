package gladly_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["customers"] = contractCustomers }

func contractCustomers(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()

	id, resp, err := cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{
		Name:             "Francis Avallone",
		Address:          "4303 Spring Forest Ln, Westlake Village, CA 91362-5605",
		Emails:           []gladly.Email{{Original: "Francis <Existing@FrancisAvallone.com>"}},
		Phones:           []gladly.Phone{{Original: "(719) 266-2837", Type: gladly.PhoneMobile}},
		CustomAttributes: map[string]any{"albums": "6", "singles": "40"},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if resp.StatusCode != http.StatusCreated || resp.Location != "/api/v1/customer-profiles/"+id {
		t.Errorf("create: status %d location %q, want 201 and the new customer's path", resp.StatusCode, resp.Location)
	}
	if !gladly.ValidID(id) || len(id) != 22 {
		t.Errorf("generated id %q is not a 22-character URL-safe id", id)
	}

	got, _, err := cl.Customers.Get(ctx, id)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	want := &gladly.Customer{
		ID: id, Name: "Francis Avallone", Address: "4303 Spring Forest Ln, Westlake Village, CA 91362-5605",
		Emails:           []gladly.Email{{Original: "Existing@FrancisAvallone.com", Normalized: "existing@francisavallone.com"}},
		Phones:           []gladly.Phone{{Original: "(719) 266-2837", Normalized: "+17192662837", RegionCode: "US", Type: gladly.PhoneMobile}},
		CustomAttributes: map[string]any{"albums": "6", "singles": "40"},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(gladly.Customer{}, "CreatedAt", "UpdatedAt", "Raw")); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}
	if got.CreatedAt.IsZero() || len(got.Raw) == 0 {
		t.Errorf("get: createdAt %v, raw %d bytes; want both set", got.CreatedAt, len(got.Raw))
	}

	for name, opts := range map[string]gladly.FindCustomersOptions{
		"email":    {Email: "EXISTING@francisavallone.com"},
		"phone":    {PhoneNumber: "+17192662837"},
		"external": {ExternalCustomerID: "never-set"},
	} {
		found, _, err := cl.Customers.Find(ctx, opts)
		if err != nil {
			t.Fatalf("find by %s: %v", name, err)
		}
		wantN := 1
		if name == "external" {
			wantN = 0
		}
		if len(found) != wantN {
			t.Errorf("find by %s: %d customers, want %d", name, len(found), wantN)
		}
	}

	name := "Frankie Avalon"
	if _, err := cl.Customers.Update(ctx, id, &gladly.UpdateCustomerRequest{
		Name:             &name,
		Emails:           []gladly.Email{{Original: "existing@francisavallone.com"}, {Original: "new@frankieavalon.com", Primary: true}},
		CustomAttributes: map[string]any{"albums": "7"},
	}); err != nil {
		t.Fatalf("update: %v", err)
	}
	got, _, err = cl.Customers.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != name || len(got.Emails) != 2 || got.CustomAttributes["albums"] != "7" || got.CustomAttributes["singles"] != "40" {
		t.Errorf("after update: %+v", got)
	}
	if !got.UpdatedAt.After(got.CreatedAt) && !got.UpdatedAt.Equal(got.CreatedAt) {
		t.Errorf("updatedAt %v before createdAt %v", got.UpdatedAt, got.CreatedAt)
	}

	// Gladly's refusals surface as typed errors with its attr/code/detail.
	_, _, err = cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{ID: id, Name: "dup"})
	assertFieldError(t, err, http.StatusConflict, "id", gladly.CodeTaken)
	_, _, err = cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Emails: []gladly.Email{{Original: "new@frankieavalon.com"}}})
	assertFieldError(t, err, http.StatusConflict, "emails", gladly.CodeTaken)
	_, _, err = cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Emails: []gladly.Email{{Original: "not an email"}}})
	assertFieldError(t, err, http.StatusBadRequest, "emails.0.original", gladly.CodeInvalid)
	_, _, err = cl.Customers.Find(ctx, gladly.FindCustomersOptions{PhoneNumber: "555-1234"})
	assertFieldError(t, err, http.StatusBadRequest, "phoneNumber", gladly.CodeInvalid)

	if _, err := cl.Customers.Delete(ctx, id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, _, err = cl.Customers.Get(ctx, id)
	if !gladly.IsNotFound(err) {
		t.Errorf("get after delete: %v, want 404", err)
	}
	assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist)
	if _, err := cl.Customers.Update(ctx, id, &gladly.UpdateCustomerRequest{Name: &name}); !gladly.IsNotFound(err) {
		t.Errorf("update after delete: %v, want 404", err)
	}
}

// assertFieldError checks that err is a *gladly.Error with the status and one entry of attr/code.
func assertFieldError(t *testing.T, err error, status int, attr, code string) {
	t.Helper()
	var ge *gladly.Error
	if !errors.As(err, &ge) {
		t.Errorf("error %v (%T), want *gladly.Error %d %s %s", err, err, status, attr, code)
		return
	}
	if ge.StatusCode != status {
		t.Errorf("status %d, want %d (%v)", ge.StatusCode, status, err)
	}
	for _, fe := range ge.Errors {
		if fe.Attr == attr && fe.Code == code {
			if fe.Detail == "" {
				t.Errorf("%s %s: empty detail", attr, code)
			}
			return
		}
	}
	t.Errorf("errors %+v, want one with attr %q code %q", ge.Errors, attr, code)
}

func TestCustomerMergedAnswersMoved(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	from, _, err := cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Name: "Old profile"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.MergeCustomers(from, gladlytest.DemoCustomerID); err != nil {
		t.Fatal(err)
	}
	_, _, err = cl.Customers.Get(ctx, from)
	newID, ok := gladly.IsMoved(err)
	if !ok || newID != gladlytest.DemoCustomerID {
		t.Fatalf("get merged: %v; want moved to %s", err, gladlytest.DemoCustomerID)
	}
	var me *gladly.MovedError
	if !errors.As(err, &me) || me.OldID != from || me.Err.StatusCode != http.StatusMovedPermanently {
		t.Errorf("moved error %+v", me)
	}
	name := "x"
	if _, err := cl.Customers.Update(ctx, from, &gladly.UpdateCustomerRequest{Name: &name}); !gladly.IsNotFound(err) {
		t.Errorf("update merged: %v, want 404 as Gladly documents", err)
	}
}

func TestCustomerDeleteNeedsComplianceAdmin(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(),
		gladlytest.WithUser(gladlytest.User{Email: "plain@babbage.example.com", Token: "t1", APIUser: true}),
		gladlytest.WithUser(gladlytest.User{Email: "agent@babbage.example.com", Token: "t2"}))
	ctx := t.Context()
	plain := newClient(t, srv, gladly.WithBasicAuth("plain@babbage.example.com", "t1"))
	if _, err := plain.Customers.Delete(ctx, gladlytest.DemoCustomerID); !gladly.IsForbidden(err) {
		t.Errorf("delete without Compliance Admin: %v, want 403", err)
	}
	agent := newClient(t, srv, gladly.WithBasicAuth("agent@babbage.example.com", "t2"))
	if _, _, err := agent.Customers.Get(ctx, gladlytest.DemoCustomerID); !gladly.IsForbidden(err) {
		t.Errorf("get without API User: %v, want 403", err)
	}
	wrong := newClient(t, srv, gladly.WithBasicAuth(srv.Username, "wrong-token"))
	if _, _, err := wrong.Customers.Get(ctx, gladlytest.DemoCustomerID); !gladly.IsUnauthorized(err) {
		t.Errorf("get with a wrong token: %v, want 401", err)
	}
}

func TestFindNeedsExactlyOneIdentifier(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	for _, opts := range []gladly.FindCustomersOptions{{}, {Email: "a@b.c", PhoneNumber: "+14155550100"}} {
		_, _, err := cl.Customers.Find(t.Context(), opts)
		var ae *gladly.ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("find %+v: %v, want an ArgumentError", opts, err)
		}
	}
	if n := srv.TotalCalls(); n != 0 {
		t.Errorf("refused finds sent %d requests", n)
	}
}
