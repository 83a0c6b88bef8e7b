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

// TuneRedisOptions sets the options of the cache's go-redis client for the breaker's rules: a
// pool sized by RedisPoolSize with warm idle connections; a pool wait ending in ErrPoolTimeout
// within the cache call's timeout (local saturation, not counted against Redis); context
// deadlines honoured on the socket, so that the call's timeout bounds a slow Redis and ends as a
// network timeout (counted); one immediate retry, for a pooled connection Redis closed; one dial
// attempt (go-redis's five, 100 ms apart, held each read of a dead Redis for half a second).
func TuneRedisOptions(o *redis.Options, fetchConcurrency int) {
	o.PoolSize = RedisPoolSize(fetchConcurrency)
	o.MinIdleConns = 2 * runtime.GOMAXPROCS(0)
	o.PoolTimeout = time.Second
	o.ContextTimeoutEnabled = true
	o.MaxRetries = 1
	o.MinRetryBackoff = -1 // go-redis: -1 is no backoff
	o.MaxRetryBackoff = -1
	o.DialerRetries = 1
}
