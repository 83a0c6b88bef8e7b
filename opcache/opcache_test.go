package opcache_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/loaders/redistest"
	"github.com/gladgraph/gladgraph/opcache"
)

// replica is one gladgraph process: its own store, loaders and operation cache over the Redis
// every replica shares.
type replica struct {
	h     http.Handler
	store *loaders.Store
	ext   *opcache.Extension
}

func newReplica(t *testing.T, client *gladly.Client, rdb redis.UniversalClient, ns string) *replica {
	t.Helper()
	cache := loaders.NewRedisCache(rdb, ns)
	store := loaders.NewStore(cache)
	f := loaders.NewFactory(client, store)
	ext := opcache.New(cache)
	h := gqlhttp.NewHandler(gqlhttp.Config{Gladly: client, Loaders: f, Log: zerolog.Nop(),
		Limits:     gqlhttp.Limits{MaxComplexity: 100000, MaxDepth: 15, MaxEntities: 500, MaxAliases: 50, MaxTokens: 2000},
		Extensions: []graphql.HandlerExtension{ext}})
	return &replica{h: h, store: store, ext: ext}
}

// cluster is a fake Gladly and two replicas on one Redis.
type cluster struct {
	fake   *gladlytest.Server
	client *gladly.Client
	a, b   *replica
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}),
		gladly.WithRetry(gladly.RetryPolicy{MaxAttempts: 2, InitialInterval: 5 * time.Millisecond, MaxInterval: 10 * time.Millisecond, Multiplier: 2}))
	if err != nil {
		t.Fatal(err)
	}
	srv := redistest.New(t)
	ns := srv.Prefix + loaders.Namespace("test", client.Tenant())
	return &cluster{fake: fake, client: client, a: newReplica(t, client, srv.Client(t), ns), b: newReplica(t, client, srv.Client(t), ns)}
}

// do runs one operation on r and returns its data (failing on errors unless errs is set).
func (r *replica) do(t *testing.T, ctx context.Context, query string, vars map[string]any) (data map[string]any, errs []any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	r.h.ServeHTTP(w, req)
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s: %v", w.Body.String(), err)
	}
	return out.Data, out.Errors
}

const contactName = `query($id: ID!) { contact(id: $id) { id name } }`

func (r *replica) name(t *testing.T, id string) string {
	t.Helper()
	data, errs := r.do(t, t.Context(), contactName, map[string]any{"id": id})
	if len(errs) > 0 {
		t.Fatalf("contact %s: %v", id, errs)
	}
	c, _ := data["contact"].(map[string]any)
	name, _ := c["name"].(string)
	return name
}

// served runs f and reports how many of r's queries were answered from the operation cache.
func served(r *replica, f func()) int64 {
	before := r.ext.Counts().Hits
	f()
	return r.ext.Counts().Hits - before
}

// TestWriteThenRead: a mutation through one replica drops the response another replica cached,
// so that the next read on either shows the write.
func TestWriteThenRead(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	id := gladlytest.DemoCustomerID
	old := c.a.name(t, id)
	calls := c.fake.TotalCalls()
	if n := served(c.b, func() { c.b.name(t, id) }); n != 1 {
		t.Fatalf("replica b executed the query replica a had answered (hits %d)", n)
	}
	if c.fake.TotalCalls() != calls {
		t.Fatal("a cached read called Gladly")
	}

	_, errs := c.a.do(t, t.Context(), `mutation($id: ID!) { updateContact(id: $id, input: {name: "Ada Renamed"}) { contact { name } } }`, map[string]any{"id": id})
	if len(errs) > 0 {
		t.Fatalf("updateContact: %v", errs)
	}
	var got string
	if n := served(c.b, func() { got = c.b.name(t, id) }); n != 0 || got != "Ada Renamed" {
		t.Fatalf("after the write: replica b answered %q (%d from the operation cache), want the new name (was %q)", got, n, old)
	}
	if n := served(c.a, func() { got = c.a.name(t, id) }); n != 1 || got != "Ada Renamed" {
		t.Fatalf("replica a: %q (%d from the operation cache), want the new name, cached by b", got, n)
	}
}

// TestWebhookThenRead: a change made outside gladgraph is served from the cache until the
// webhook's invalidation (the Invalidator of either replica) drops it; then both read it anew.
func TestWebhookThenRead(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	ctx := t.Context()
	id := gladlytest.DemoCustomerID
	old := c.a.name(t, id)
	name := "Ada Elsewhere"
	if _, err := c.client.Customers.Update(ctx, id, &gladly.UpdateCustomerRequest{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if got := c.b.name(t, id); got != old {
		t.Fatalf("before the webhook: %q, want the cached %q (the test proves nothing otherwise)", got, old)
	}
	var inv loaders.Invalidator = c.b.store
	if err := inv.Invalidate(ctx, loaders.Ref{Kind: loaders.KindCustomer, ID: id}); err != nil {
		t.Fatal(err)
	}
	var got string
	if n := served(c.a, func() { got = c.a.name(t, id) }); n != 0 || got != name {
		t.Fatalf("after the webhook: replica a answered %q (%d from the operation cache), want %q", got, n, name)
	}
}

// TestWhatIsNotKept: responses with errors, and mutations, never come from the cache; the key
// separates callers' accounts and scopes.
func TestWhatIsNotKept(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	ctx := t.Context()
	failing := map[string]any{"id": gladlytest.DemoCustomerID}
	for range 2 { // Gladly failing (after the client's retries): the response carries an error
		fault := gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503}
		c.fake.FailNext("getCustomer", fault, fault) // both attempts
		_, errs := c.a.do(t, ctx, contactName, failing)
		if len(errs) == 0 {
			t.Fatal("a failing Gladly answered without an error: the test needs one")
		}
	}
	if st := c.a.ext.Counts(); st.Hits != 0 || st.Kept != 0 {
		t.Errorf("responses with errors: %+v, want none kept or served", st)
	}

	reader := caller.With(ctx, &caller.Caller{Kind: caller.KindAPIKey, AccountID: "acc1", Scopes: caller.NewScopes("contacts:read")})
	other := caller.With(ctx, &caller.Caller{Kind: caller.KindAPIKey, AccountID: "acc1", Scopes: caller.NewScopes("contacts:read", "tickets:read")})
	vars := map[string]any{"id": gladlytest.DemoCustomerID}
	c.a.do(t, reader, contactName, vars)
	if n := served(c.a, func() { c.a.do(t, other, contactName, vars) }); n != 0 {
		t.Error("a caller with other scopes was answered from another caller's entry")
	}
	if n := served(c.a, func() { c.a.do(t, reader, contactName, vars) }); n != 1 {
		t.Error("the same caller's repeated query was not answered from the cache")
	}
	m := `mutation($id: ID!) { updateContact(id: $id, input: {name: "Same"}) { contact { name } } }`
	for range 2 {
		if n := served(c.a, func() { c.a.do(t, ctx, m, vars) }); n != 0 {
			t.Fatal("a mutation was answered from the cache")
		}
	}
}

// TestKeyParts: each part of the key changes it.
func TestKeyParts(t *testing.T) {
	t.Parallel()
	base := func() (*graphql.OperationContext, context.Context) {
		return &graphql.OperationContext{RawQuery: "{ a }", OperationName: "A", Variables: map[string]any{"x": 1, "y": "b"}},
			caller.With(context.Background(), &caller.Caller{Kind: caller.KindAPIKey, AccountID: "acc", Scopes: caller.NewScopes("s1")})
	}
	oc, ctx := base()
	k0, _ := opcache.Key(ctx, oc)
	same, _ := opcache.Key(ctx, &graphql.OperationContext{RawQuery: "{ a }", OperationName: "A", Variables: map[string]any{"y": "b", "x": 1}})
	if same != k0 {
		t.Error("the order of variables changed the key")
	}
	for name, mutate := range map[string]func(oc *graphql.OperationContext, ctx context.Context) context.Context{
		"document": func(oc *graphql.OperationContext, ctx context.Context) context.Context {
			oc.RawQuery = "{ b }"
			return ctx
		},
		"operation": func(oc *graphql.OperationContext, ctx context.Context) context.Context {
			oc.OperationName = "B"
			return ctx
		},
		"variables": func(oc *graphql.OperationContext, ctx context.Context) context.Context {
			oc.Variables["x"] = 2
			return ctx
		},
		"account": func(_ *graphql.OperationContext, ctx context.Context) context.Context {
			return caller.With(ctx, &caller.Caller{Kind: caller.KindAPIKey, AccountID: "other", Scopes: caller.NewScopes("s1")})
		},
		"scopes": func(_ *graphql.OperationContext, ctx context.Context) context.Context {
			return caller.With(ctx, &caller.Caller{Kind: caller.KindAPIKey, AccountID: "acc", Scopes: caller.NewScopes("s1", "s2")})
		},
	} {
		oc, ctx := base()
		ctx = mutate(oc, ctx)
		if k, _ := opcache.Key(ctx, oc); k == k0 {
			t.Errorf("a different %s gave the same key", name)
		}
	}
}

type cacheKey struct{}

// WithCacheFrom keeps each operation in the cache its context names (the server: the account's
// namespace): an entry kept under one is never served under another, and an operation whose
// context names none is executed and not kept.
func TestCacheFromContext(t *testing.T) {
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	ext := opcache.New(nil, opcache.WithCacheFrom(func(ctx context.Context) loaders.Cache {
		c, _ := ctx.Value(cacheKey{}).(loaders.Cache)
		return c
	}))
	f := loaders.NewFactory(client, loaders.NewStore(loaders.NewMemoryCache(1<<20)))
	r := &replica{ext: ext, h: gqlhttp.NewHandler(gqlhttp.Config{Gladly: client, Loaders: f, Log: zerolog.Nop(),
		Limits:     gqlhttp.Limits{MaxComplexity: 100000, MaxDepth: 15, MaxEntities: 500, MaxAliases: 50, MaxTokens: 2000},
		Extensions: []graphql.HandlerExtension{ext}})}
	x, y := loaders.NewMemoryCache(1<<20), loaders.NewMemoryCache(1<<20)
	in := func(c loaders.Cache) context.Context {
		if c == nil {
			return t.Context()
		}
		return context.WithValue(t.Context(), cacheKey{}, c)
	}
	const q = `query($id: ID!) { contact(id: $id) { name } }`
	vars := map[string]any{"id": gladlytest.DemoCustomerID}
	steps := []struct {
		name         string
		cache        loaders.Cache
		hits, misses int64
	}{
		{"first in x", x, 0, 1},
		{"again in x", x, 1, 1},
		{"first in y", y, 1, 2},
		{"no cache", nil, 1, 2},
		{"again in y", y, 2, 2},
	}
	for _, s := range steps {
		data, _ := r.do(t, in(s.cache), q, vars)
		if c, _ := data["contact"].(map[string]any); c["name"] != "Ada Lovelace" {
			t.Fatalf("%s: %v", s.name, data)
		}
		if got := ext.Counts(); got.Hits != s.hits || got.Misses != s.misses {
			t.Errorf("%s: %+v, want %d hits, %d misses", s.name, got, s.hits, s.misses)
		}
	}
}
