package caller

import "context"

type addrKey struct{}

// WithAddress returns ctx carrying the client's network address (the edge's view of the remote
// IP, after any trusted proxy headers): the identity of a caller that has not authenticated.
func WithAddress(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey{}, addr)
}

// Address returns the client address in ctx, or "".
func Address(ctx context.Context) string {
	a, _ := ctx.Value(addrKey{}).(string)
	return a
}

// Key identifies the caller for per-caller budgets: the account and subject of an
// authenticated caller, else the client address; "" when ctx knows neither. Anonymous callers
// (AUTH_MODE=none, the demo) all share one subject, so they are told apart by address.
func Key(ctx context.Context) string {
	c := From(ctx)
	a := Address(ctx)
	if c != nil && c.Kind == KindAnonymous && a != "" {
		return "addr:" + c.AccountID + "/" + a
	}
	if c != nil && (c.Subject != "" || c.AccountID != "") {
		return "caller:" + c.AccountID + "/" + string(c.Kind) + ":" + c.Subject
	}
	if a != "" {
		return "addr:" + a
	}
	return ""
}
