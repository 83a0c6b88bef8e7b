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

// Key tells callers apart for their share of Gladly calls: an authenticated caller by account
// and subject wherever it connects from; anonymous callers, who share one subject, by address.
func TestKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if Key(ctx) != "" {
		t.Error("an empty context has a key")
	}
	from := func(addr string, c *Caller) string {
		ctx := WithAddress(ctx, addr)
		if c != nil {
			ctx = With(ctx, c)
		}
		return Key(ctx)
	}
	key := &Caller{Kind: KindAPIKey, Subject: "k1", AccountID: "demo"}
	if a, b := from("10.0.0.1", key), from("10.0.0.2", key); a != b || a == "" {
		t.Errorf("one API key from two addresses: %q, %q", a, b)
	}
	anon := &Caller{Kind: KindAnonymous, Subject: "anonymous", AccountID: "demo"}
	if a, b := from("10.0.0.1", anon), from("10.0.0.2", anon); a == b {
		t.Errorf("two anonymous clients share the key %q", a)
	}
	if from("10.0.0.1", anon) == from("10.0.0.1", &Caller{Kind: KindAnonymous, Subject: "anonymous", AccountID: "demo-2"}) {
		t.Error("one address on two accounts shares a key")
	}
	if from("10.0.0.1", nil) == "" {
		t.Error("an address alone has no key")
	}
}
