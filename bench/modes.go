package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
	"github.com/gladgraph/gladgraph/opcache"
)

// The modes, in the order they run for each query.
//
//   - naive: loaders with batch capacity 1 and no per-request memory (an organization-wide list
//     is fetched again by every field that needs it), directory objects read one by one by id, no
//     shared cache — the N+1 a resolver-per-field server makes.
//   - batched: gladgraph's loaders (batching, per-request memory, org-wide lists), no shared cache.
//   - cold: gladgraph as deployed, over Redis, every operation seeing an empty Redis (a key
//     namespace of its own). Identical fetches in flight at the same moment are still collapsed
//     across requests, as in production.
//   - warm: the same, with the Redis namespace filled by an earlier run of the operation.
//   - opcache: warm, with the operation-level response cache (package opcache) mounted on the
//     GraphQL handler: a repeated query is answered from the response it produced, before
//     execution.
//   - memory: the same resolvers and loaders over an in-process cache filled with the same
//     answers, and a Gladly client whose transport fails the run if it is ever used: no upstream,
//     no network, no Redis — the floor gqlgen and the loaders set. (Not run for the mutation mix:
//     writes need an upstream.)
//   - peer-cold, peer-warm: the Node peer (bench/peer.go), cold and warm; -modes peer selects both.
var modeNames = []string{"naive", "batched", "cold", "warm", "opcache", "memory", peerCold, peerWarm}

// scopeHeader carries the Redis namespace of an operation (cold: a fresh one each time).
const scopeHeader = "X-Bench-Scope"

type scopeKey struct{}

// warmScope starts the namespaces of warm mode (one per query); their writes are also copied into
// memory mode's cache.
const warmScope = "warm"

// scopedCache is the Redis response cache under a per-operation namespace taken from the request
// context, its reads coalesced per namespace as in production (loaders.Coalesced). Entries
// written under warmScope are copied, unscoped, into mirror (memory mode's cache).
type scopedCache struct {
	rdb    redis.UniversalClient
	ns     string
	mirror loaders.Cache
	scopes sync.Map // namespace → *loaders.Coalesced
}

func (c *scopedCache) scope(ctx context.Context) (loaders.Cache, bool) {
	s, _ := ctx.Value(scopeKey{}).(string)
	if s == "" {
		s = warmScope
	}
	warm := strings.HasPrefix(s, warmScope)
	if !warm { // a cold namespace serves one operation: nothing to share
		return loaders.NewRedisCache(c.rdb, c.ns+s+":"), false
	}
	if v, ok := c.scopes.Load(s); ok {
		return v.(loaders.Cache), true
	}
	v, _ := c.scopes.LoadOrStore(s, loaders.NewCoalesced(loaders.NewRedisCache(c.rdb, c.ns+s+":"), 0))
	return v.(loaders.Cache), true
}

func (c *scopedCache) Get(ctx context.Context, keys []string) ([][]byte, loaders.Stamp, error) {
	r, _ := c.scope(ctx)
	return r.Get(ctx, keys)
}

func (c *scopedCache) Set(ctx context.Context, at loaders.Stamp, entries []loaders.Entry) error {
	r, warm := c.scope(ctx)
	if warm && c.mirror != nil {
		if _, mat, err := c.mirror.Get(ctx, nil); err == nil {
			_ = c.mirror.Set(ctx, mat, entries)
		}
	}
	return r.Set(ctx, at, entries)
}

func (c *scopedCache) Invalidate(ctx context.Context, tags []string) error {
	r, _ := c.scope(ctx)
	return r.Invalidate(ctx, tags)
}

func (c *scopedCache) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

// withScope puts the request's cache namespace (scopeHeader) in its context.
func withScope(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := r.Header.Get(scopeHeader); s != "" {
			r = r.WithContext(context.WithValue(r.Context(), scopeKey{}, s))
		}
		next.ServeHTTP(w, r)
	})
}

// noUpstream is memory mode's transport: it counts and refuses every request.
type noUpstream struct{ calls atomic.Int64 }

func (n *noUpstream) RoundTrip(*http.Request) (*http.Response, error) {
	n.calls.Add(1)
	return nil, errors.New("bench: memory mode reached for Gladly")
}

// benchTTLs keep every answer for the whole run: warm means warm from the first request to the
// last (the defaults, 30–60 s for work items, would expire during a long cell).
func benchTTLs() loaders.TTLs {
	const h = time.Hour
	return loaders.TTLs{Directory: h, Profile: h, Conversation: h, Item: h, Task: h, Knowledge: h, Admin: h, NotFound: h}
}

// stack is everything the modes run on.
type stack struct {
	fake      *gladlytest.Server
	resilient *loaders.Resilient  // the breaker of cold, warm and opcache
	conns     *gladly.ConnCounter // connections of the modes that call Gladly
	opcache   *opcache.Extension
	handlers  map[string]http.Handler // by mode; cold and warm share one (the scope differs)
	memory    *noUpstream
	memCache  *loaders.MemoryCache
	closers   []func()
}

func (s *stack) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

type stackConfig struct {
	fake        *gladlytest.Server
	rdb         redis.UniversalClient
	ns          string
	limiter     gladly.Limiter
	factoryOpts []loaders.FactoryOption
	storeOpts   []loaders.StoreOption
}

func buildStack(cfg stackConfig) (*stack, error) {
	s := &stack{fake: cfg.fake, handlers: map[string]http.Handler{}, memory: &noUpstream{},
		conns: &gladly.ConnCounter{Base: gladly.NewTransport(gladly.DefaultIdleConnsPerHost)}}
	newClient := func(extra ...gladly.Option) (*gladly.Client, error) {
		opts := []gladly.Option{gladly.WithBasicAuth(cfg.fake.Username, cfg.fake.Token), gladly.WithRateLimit(cfg.limiter),
			gladly.WithHTTPClient(&http.Client{Timeout: 60 * time.Second, Transport: s.conns})}
		return gladly.NewClient(cfg.fake.URL, append(opts, extra...)...)
	}
	upstream, err := newClient()
	if err != nil {
		return nil, err
	}
	offline, err := newClient(gladly.WithHTTPClient(&http.Client{Transport: s.memory}), gladly.WithRateLimit(gladly.Unlimited{}),
		gladly.WithRetry(gladly.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		return nil, err
	}
	handler := func(client *gladly.Client, store *loaders.Store, opts ...loaders.FactoryOption) http.Handler {
		return gqlhttp.NewHandler(gqlhttp.Config{
			Gladly:  client,
			Loaders: loaders.NewFactory(client, store, append(append([]loaders.FactoryOption{}, cfg.factoryOpts...), opts...)...),
			Media:   media.NewSigner([]byte("bench-media-key-0123456789abcdef"), client.Tenant(), "http://gladgraph.bench", 15*time.Minute),
			Log:     zerolog.Nop(),
			Limits:  gqlhttp.Limits{MaxComplexity: 100000, MaxDepth: 15, MaxEntities: 500},
		})
	}
	storeOpts := func(extra ...loaders.StoreOption) []loaders.StoreOption {
		return append(append([]loaders.StoreOption{loaders.WithTTLs(benchTTLs())}, cfg.storeOpts...), extra...)
	}

	s.handlers["naive"] = handler(upstream, loaders.NewStore(loaders.NewMemoryCache(1<<20), storeOpts(loaders.WithoutCache())...), loaders.Naive())
	s.handlers["batched"] = handler(upstream, loaders.NewStore(loaders.NewMemoryCache(1<<20), storeOpts(loaders.WithoutCache())...))

	s.memCache = loaders.NewMemoryCache(256 << 20)
	resilient := loaders.NewResilient(&scopedCache{rdb: cfg.rdb, ns: cfg.ns, mirror: s.memCache}, zerolog.Nop())
	s.resilient = resilient
	s.closers = append(s.closers, resilient.Close)
	sharedStore := loaders.NewStore(resilient, storeOpts()...)
	shared := withScope(handler(upstream, sharedStore))
	s.handlers["cold"], s.handlers["warm"] = shared, shared
	s.opcache = opcache.New(resilient)
	s.handlers["opcache"] = withScope(opcacheHandler(upstream, loaders.NewFactory(upstream, sharedStore, cfg.factoryOpts...), s.opcache))

	s.handlers["memory"] = handler(offline, loaders.NewStore(s.memCache, storeOpts()...))
	return s, nil
}

// opcacheHandler is the GraphQL handler with the operation cache mounted, as the server mounts it.
func opcacheHandler(client *gladly.Client, f *loaders.Factory, ext *opcache.Extension) http.Handler {
	return gqlhttp.NewHandler(gqlhttp.Config{
		Gladly:     client,
		Loaders:    f,
		Media:      media.NewSigner([]byte("bench-media-key-0123456789abcdef"), client.Tenant(), "http://gladgraph.bench", 15*time.Minute),
		Log:        zerolog.Nop(),
		Limits:     gqlhttp.Limits{MaxComplexity: 100000, MaxDepth: 15, MaxEntities: 500},
		Extensions: []graphql.HandlerExtension{ext},
	})
}
