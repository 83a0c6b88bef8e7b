// Package opcache answers a repeated query from the response it produced last time, before
// execution: no resolver, no loader, no Gladly call, no re-rendering. An entry is keyed by what the
// response depends on (the caller's account, kind and scopes, the document, the operation name,
// the variables; the tenant is the cache's namespace) and tagged with every Gladly object the
// execution read (loaders.ReadSet), in the same Cache as the loaders' entries: whatever
// invalidation drops one of those entries (a mutation through the store, a webhook through the
// Invalidator, on any replica: the tags live in Redis) drops the response too, and the entry
// lives no longer than the shortest TTL it read. A response is kept only for a query, without
// errors, that read something and nothing volatile; and only when none of its tags was
// invalidated while it executed (the cache's write-back rule, from the stamp of the lookup).
//
// It is a gqlgen extension (Extension) with no HTTP of its own: the server mounts it on its
// GraphQL handler with srv.Use, after the response interceptor that sets Cache-Control (that
// one then sees a served response's remaining TTL).
package opcache

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/loaders"
)

// Extension is the gqlgen handler extension.
type Extension struct {
	cache    loaders.Cache
	cacheOf  func(context.Context) loaders.Cache
	maxBytes int
	now      func() time.Time

	hits, misses, kept atomic.Int64
}

// Counts are the extension's figures, for metrics.
type Counts struct {
	Hits   int64 // queries answered from the cache
	Misses int64 // queries executed
	Kept   int64 // responses written to the cache (the cache may still refuse a stale one)
}

// Counts returns the figures so far.
func (e *Extension) Counts() Counts {
	return Counts{Hits: e.hits.Load(), Misses: e.misses.Load(), Kept: e.kept.Load()}
}

// Option configures an Extension.
type Option func(*Extension)

// WithMaxBytes skips responses larger than n bytes (default 1 MiB): one large answer would
// crowd out many small ones.
func WithMaxBytes(n int) Option { return func(e *Extension) { e.maxBytes = n } }

// WithCacheFrom picks each operation's cache from its request context instead of the one given
// to New: a server of several accounts keeps every account's responses in that account's own
// namespace (its runtime's Cache), where that account's writes and webhooks invalidate them, and
// where no other account's key can ever reach them. An operation whose context yields nil is
// executed and not kept.
func WithCacheFrom(f func(context.Context) loaders.Cache) Option {
	return func(e *Extension) { e.cacheOf = f }
}

// New returns the extension over cache: the store's own Cache (loaders.Factory.Store().Cache()),
// so that the store's invalidations reach its entries. cache may be nil with WithCacheFrom.
func New(cache loaders.Cache, opts ...Option) *Extension {
	e := &Extension{cache: cache, maxBytes: 1 << 20, now: time.Now}
	for _, o := range opts {
		o(e)
	}
	return e
}

var (
	_ graphql.HandlerExtension     = (*Extension)(nil)
	_ graphql.OperationInterceptor = (*Extension)(nil)
	_ graphql.ResponseInterceptor  = (*Extension)(nil)
)

// ExtensionName names it in gqlgen's stats.
func (e *Extension) ExtensionName() string { return "OperationCache" }

// Validate accepts any schema.
func (e *Extension) Validate(graphql.ExecutableSchema) error { return nil }

// state is one operation's dealings with the cache.
type state struct {
	key    string
	cache  loaders.Cache
	at     loaders.Stamp
	hit    *graphql.Response
	ttl    time.Duration // a hit's remaining lifetime
	served bool
	rs     *loaders.ReadSet
}

type stateKey struct{}

// InterceptOperation looks the query up before it executes, and starts recording its reads.
func (e *Extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return next(ctx)
	}
	cache := e.cache
	if e.cacheOf != nil {
		cache = e.cacheOf(ctx)
	}
	if cache == nil {
		return next(ctx)
	}
	key, err := Key(ctx, oc)
	if err != nil {
		return next(ctx)
	}
	st := &state{key: key, cache: cache}
	if vals, at, err := cache.Get(ctx, []string{key}); err == nil {
		st.at = at
		st.hit, st.ttl = e.decode(vals[0])
	}
	ctx = context.WithValue(ctx, stateKey{}, st)
	if st.hit == nil {
		e.misses.Add(1)
		ctx, st.rs = loaders.WithReadSet(ctx)
	} else {
		e.hits.Add(1)
	}
	return next(ctx)
}

// InterceptResponse serves a hit instead of executing, or keeps what the execution produced.
func (e *Extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	st, ok := ctx.Value(stateKey{}).(*state)
	if !ok {
		return next(ctx)
	}
	if st.hit != nil {
		if st.served {
			return nil // end of the (single-response) stream
		}
		st.served = true
		loaders.StatsFrom(ctx).ObserveTTL(st.ttl) // Cache-Control: what is left of the entry's life
		return &graphql.Response{Data: st.hit.Data}
	}
	resp := next(ctx)
	if resp != nil && !st.served {
		st.served = true
		e.keep(ctx, st, resp)
	}
	return resp
}

// keep writes resp back when it may be served again.
func (e *Extension) keep(ctx context.Context, st *state, resp *graphql.Response) {
	if st.at == 0 || len(resp.Errors) > 0 || resp.HasNext != nil || len(resp.Data) == 0 || len(resp.Data) > e.maxBytes {
		return
	}
	ttl, read := st.rs.TTL()
	if !read || ttl <= 0 {
		return
	}
	tags := st.rs.Tags()
	e.kept.Add(1)
	_ = st.cache.Set(ctx, st.at, []loaders.Entry{{Key: st.key, Value: e.encode(resp.Data, ttl), TTL: ttl, Tags: tags}})
}

// An entry is its expiry (unix ms, 8 bytes) then the response's data.
func (e *Extension) encode(data json.RawMessage, ttl time.Duration) []byte {
	b := make([]byte, 8, 8+len(data))
	binary.BigEndian.PutUint64(b, uint64(e.now().Add(ttl).UnixMilli()))
	return append(b, data...)
}

func (e *Extension) decode(b []byte) (*graphql.Response, time.Duration) {
	if len(b) <= 8 {
		return nil, 0
	}
	left := time.UnixMilli(int64(binary.BigEndian.Uint64(b[:8]))).Sub(e.now())
	if left <= 0 {
		return nil, 0
	}
	return &graphql.Response{Data: json.RawMessage(b[8:])}, left
}

// Key is the cache key of an operation for the caller in ctx: everything its response depends on
// besides the tenant (the cache's namespace). The caller's subject is not part of it: no resolver
// reads it (callers of one account and scopes see the same data).
func Key(ctx context.Context, oc *graphql.OperationContext) (string, error) {
	vars, err := json.Marshal(oc.Variables) // maps marshal with sorted keys: one form per value
	if err != nil {
		return "", err
	}
	h := sha256.New()
	write := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	if c := caller.From(ctx); c != nil {
		write(string(c.Kind))
		write(c.AccountID)
		write(c.Scopes.String())
	} else {
		write("")
		write("")
		write("")
	}
	write(oc.RawQuery)
	write(oc.OperationName)
	write(string(vars))
	return "op:" + hex.EncodeToString(h.Sum(nil)[:16]), nil
}
