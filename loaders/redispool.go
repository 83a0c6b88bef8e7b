package loaders

import (
	"runtime"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisPoolSize is the connection pool a replica needs for the cache: every batch of a request
// reads and writes back in one round trip each, and up to fetchConcurrency batches (bounded by
// the store's fetch concurrency) can be in flight at once; go-redis's default (10 per CPU) made
// batches queue for a connection under load, and the queueing counted as Redis failing.
func RedisPoolSize(fetchConcurrency int) int {
	return max(fetchConcurrency, 10*runtime.GOMAXPROCS(0))
}

// RedisTuning is the go-redis client settings the breaker's rules need: a pool sized by
// RedisPoolSize with warm idle connections; a pool wait ending in ErrPoolTimeout within the cache
// call's timeout (local saturation, not counted against Redis); context deadlines honoured on the
// socket, so that the call's timeout bounds a slow Redis and ends as a network timeout (counted);
// one immediate retry, for a pooled connection Redis closed; one dial attempt. go-redis's five
// dial attempts, 100 ms apart, held each call to a dead Redis past the cache's 150 ms timeout, so
// that every failure ended as the caller's deadline, which the breaker does not count: the cache
// never opened and each read waited out its timeouts.
type RedisTuning struct {
	PoolSize, MinIdleConns, MaxRetries, DialerRetries int
	PoolTimeout                                       time.Duration
	RetryBackoff                                      time.Duration // min and max; -1 is none
	ContextTimeoutEnabled                             bool
}

// Tuning returns the settings for a store fetching up to fetchConcurrency batches at once.
func Tuning(fetchConcurrency int) RedisTuning {
	return RedisTuning{
		PoolSize:              RedisPoolSize(fetchConcurrency),
		MinIdleConns:          2 * runtime.GOMAXPROCS(0),
		MaxRetries:            1,
		DialerRetries:         1,
		PoolTimeout:           time.Second,
		RetryBackoff:          -1, // go-redis: -1 is no backoff
		ContextTimeoutEnabled: true,
	}
}

// TuneRedisOptions applies Tuning(fetchConcurrency) to one server's options.
func TuneRedisOptions(o *redis.Options, fetchConcurrency int) {
	t := Tuning(fetchConcurrency)
	o.PoolSize, o.MinIdleConns, o.PoolTimeout = t.PoolSize, t.MinIdleConns, t.PoolTimeout
	o.ContextTimeoutEnabled = t.ContextTimeoutEnabled
	o.MaxRetries, o.MinRetryBackoff, o.MaxRetryBackoff = t.MaxRetries, t.RetryBackoff, t.RetryBackoff
	o.DialerRetries = t.DialerRetries
}
