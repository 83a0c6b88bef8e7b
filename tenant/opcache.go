package tenant

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/opcache"
	"github.com/gladgraph/gladgraph/schema"
)

// OperationCache keeps each account's query responses in that account's cache namespace (the
// request's tenant runtime), where the account's writes and webhooks drop them on every replica
// and no other account can reach them; its hits and misses are published on reg.
func OperationCache(reg prometheus.Registerer) *opcache.Extension {
	x := opcache.New(nil, opcache.WithCacheFrom(func(ctx context.Context) loaders.Cache {
		if rt := From(ctx); rt != nil {
			return rt.Cache
		}
		return nil
	}))
	if reg != nil {
		reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "gladgraph_operation_cache_hits_total", Help: "Queries answered from the operation cache, before execution.",
			}, func() float64 { return float64(x.Counts().Hits) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "gladgraph_operation_cache_misses_total", Help: "Queries the operation cache did not hold, executed. Hit ratio: hits / (hits + misses).",
			}, func() float64 { return float64(x.Counts().Misses) }),
		)
	}
	return x
}

// PersistedQueries is the store of automatic persisted queries, apart from every account's
// response cache: in Redis when configured (so every replica knows a query once one has seen it),
// else in process; either way its documents together hold at most maxBytes (APQ_MAX_BYTES), the
// oldest going first. Keys carry the caller's account (gqlhttp's apqKey).
func PersistedQueries(rdb redis.UniversalClient, log zerolog.Logger, maxBytes int) (loaders.Cache, func()) {
	if rdb == nil {
		return loaders.NewMemoryCache(maxBytes), func() {}
	}
	r := loaders.NewResilient(loaders.NewCappedRedisCache(rdb, loaders.Namespace(schema.Version(), "persisted-queries"), int64(maxBytes)), log)
	return r, r.Close
}
