package caller

import (
	"context"
	"testing"
)

func TestCallerScopes(t *testing.T) {
	t.Parallel()
	c := &Caller{Scopes: ParseScopes(" contacts:read  tickets:read ")}
	if !c.Has(ContactsRead, TicketsRead) || c.Has(ContactsRead, AdminRead) {
		t.Errorf("Has: scopes %v", c.Scopes.Names())
	}
	if got := c.Scopes.String(); got != "contacts:read tickets:read" {
		t.Errorf("String = %q", got)
	}
	var none *Caller
	if none.Has() || none.Has(ContactsRead) {
		t.Error("a missing caller holds nothing")
	}
	if !Known(AccountsAdmin) || Known("contacts:admin") {
		t.Error("Known")
	}
}

func TestContext(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if From(ctx) != nil || FromRouter(ctx) {
		t.Fatal("empty context carries a caller")
	}
	c := &Caller{Subject: "k1"}
	ctx = WithRouter(With(ctx, c))
	if From(ctx) != c || !FromRouter(ctx) {
		t.Error("round trip")
	}
}
