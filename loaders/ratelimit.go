package loaders

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
)

// SharedLimiter is Gladly's per-organization rate limit shared by every gladgraph replica through
// Redis: a sliding-window log of the last requests in a sorted set, on Redis's clock, so that
// replicas together never send more than n requests in any window. A request that finds the
// window full waits (queues) until the oldest request leaves it, within its context's deadline.
// When Redis cannot be reached the limiter falls back to a local window of the same size: each
// replica then keeps the limit on its own, which is the best it can do alone.
type SharedLimiter struct {
	rdb    redis.UniversalClient
	key    string
	n      int
	window time.Duration
	local  *gladly.WindowLimiter
	log    zerolog.Logger

	mu       sync.Mutex
	degraded bool
}

// windowGuard matches the local limiter's: the window is counted when a request leaves, Gladly
// counts when it arrives.
const sharedWindowGuard = 50 * time.Millisecond

// NewSharedLimiter returns a limiter of n requests per window for the organization at host,
// keyed under prefix in Redis.
func NewSharedLimiter(rdb redis.UniversalClient, prefix, host string, n int, window time.Duration, log zerolog.Logger) *SharedLimiter {
	return &SharedLimiter{
		rdb: rdb, key: prefix + "ratelimit:{" + host + "}", n: max(n, 1), window: window + sharedWindowGuard,
		local: gladly.NewWindowLimiter(n, window), log: log,
	}
}

var acquireScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window, n = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < n then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(tonumber(oldest[2]) + window - now, 1)
`)

// redisLimiterTimeout bounds one acquisition round trip; beyond it Redis counts as down.
const redisLimiterTimeout = 200 * time.Millisecond

// Wait blocks until the organization's window has room for one more request.
func (l *SharedLimiter) Wait(ctx context.Context) (func(), error) {
	member := requestID()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rctx, cancel := context.WithTimeout(ctx, redisLimiterTimeout)
		res, err := acquireScript.Run(rctx, l.rdb, []string{l.key}, l.window.Microseconds(), l.n, member).Int64()
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			l.setDegraded(true, err)
			return l.local.Wait(ctx)
		}
		l.setDegraded(false, nil)
		if res == 0 {
			return func() {}, nil
		}
		// Wait for the oldest request to leave the window, plus a little jitter so that waiting
		// replicas do not all retry at the same instant.
		wait := time.Duration(res)*time.Microsecond + time.Duration(rand.Int64N(int64(5*time.Millisecond)))
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return nil, fmt.Errorf("%w (shared limit, wait %s)", gladly.ErrLimiterDeadline, wait.Round(time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func (l *SharedLimiter) setDegraded(degraded bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.degraded == degraded {
		return
	}
	l.degraded = degraded
	if degraded {
		l.log.Warn().Err(err).Msg("rate limit: Redis unreachable, limiting this replica alone until it answers")
	} else {
		l.log.Info().Msg("rate limit: Redis reachable again, the limit is shared")
	}
}

// Degraded reports whether the limiter is limiting this replica alone (Redis unreachable).
func (l *SharedLimiter) Degraded() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.degraded
}

// requestID names one request in the window (members of a sorted set must be unique).
func requestID() string {
	var b [12]byte
	_, _ = crand.Read(b[:])
	return hex.EncodeToString(b[:])
}
