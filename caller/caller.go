package caller

import (
	"context"
	"slices"
	"strings"
)

// Kind says how a caller proved who it is.
type Kind string

const (
	// KindJWT is a caller holding a JWT verified against the configured JWKS.
	KindJWT Kind = "jwt"
	// KindAPIKey is a caller holding an API key issued by gladgraph for one account.
	KindAPIKey Kind = "api_key"
	// KindAnonymous is a caller without credentials where AUTH_MODE=none or in the demo.
	KindAnonymous Kind = "anonymous"
	// KindAdmin is a caller holding ADMIN_API_KEY (admin API only).
	KindAdmin Kind = "admin"
)

// Caller is an authenticated caller.
type Caller struct {
	Kind Kind
	// Subject identifies the caller in logs: the JWT's sub, the API key's id. Never a secret.
	Subject string
	// AccountID is the linked account the caller acts on.
	AccountID string
	// Scopes are the scopes granted to the caller.
	Scopes Scopes
}

// Has reports whether the caller holds every one of the scopes.
func (c *Caller) Has(scopes ...string) bool {
	if c == nil {
		return false
	}
	for _, s := range scopes {
		if !c.Scopes.Has(s) {
			return false
		}
	}
	return true
}

// Scopes is a set of scope names.
type Scopes map[string]struct{}

// NewScopes builds a set from names; empty names are skipped.
func NewScopes(names ...string) Scopes {
	s := make(Scopes, len(names))
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			s[n] = struct{}{}
		}
	}
	return s
}

// ParseScopes reads a space-separated scope string (the JWT "scope" claim's form).
func ParseScopes(s string) Scopes { return NewScopes(strings.Fields(s)...) }

// Has reports whether name is in the set.
func (s Scopes) Has(name string) bool {
	_, ok := s[name]
	return ok
}

// Names returns the scopes sorted.
func (s Scopes) Names() []string {
	out := make([]string, 0, len(s))
	for n := range s {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// String is the space-separated, sorted form.
func (s Scopes) String() string { return strings.Join(s.Names(), " ") }

type ctxKey struct{}

// With returns ctx carrying c.
func With(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// From returns the caller in ctx, or nil when the request was not authenticated (tests and
// in-process callers that never passed through the edge).
func From(ctx context.Context) *Caller {
	c, _ := ctx.Value(ctxKey{}).(*Caller)
	return c
}

type routerKey struct{}

// WithRouter marks ctx as a request that carried the router's shared secret
// (Router-Authorization, compared against ROUTER_SECRET by the edge).
func WithRouter(ctx context.Context) context.Context {
	return context.WithValue(ctx, routerKey{}, true)
}

// FromRouter reports whether the request carried the router's shared secret.
func FromRouter(ctx context.Context) bool {
	ok, _ := ctx.Value(routerKey{}).(bool)
	return ok
}
