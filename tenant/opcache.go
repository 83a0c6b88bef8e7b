package tenant

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/opcache"
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
