package loaders

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/caller"
)

// CallerLimiter is the per-caller share of an organization's Gladly budget
// (CALLER_UPSTREAM_RATE): a token tokenBucket of Gladly calls per second for each caller — the
// authenticated caller (account and subject), else the client address — so that no one caller
// takes the whole account's 10 per second. It is a gladly.Limiter, chained before the
// organization's: gladly.Chain(callerLimiter, orgLimiter). The buckets live in Redis when one is
// given (every replica draws on the same tokenBucket), in the process otherwise or while Redis is
// unreachable. A call over the caller's share is refused at once with a *CallerRateLimitError;
// calls of a context with no caller identity (in-process work) pass.
type CallerLimiter struct {
	rate  float64 // tokens per second
	burst float64
	rdb   redis.UniversalClient // nil: in-process only
	key   string
	log   zerolog.Logger

	mu      sync.Mutex
	local   map[string]*tokenBucket
	sweepAt time.Time
}

// CallerRateLimitError is a Gladly call refused because its caller used up its share.
type CallerRateLimitError struct{ RetryAfter time.Duration }

func (e *CallerRateLimitError) Error() string {
	return fmt.Sprintf("this caller's share of Gladly calls is used up; retry in %s", e.RetryAfter.Round(time.Millisecond))
}

// NewCallerLimiter returns buckets of rate calls per second holding at most burst (at least 1)
// for every caller. rdb may be nil; prefix namespaces the Redis keys (per account: the
// organization's host).
func NewCallerLimiter(rdb redis.UniversalClient, prefix, host string, rate float64, burst int, log zerolog.Logger) *CallerLimiter {
	return &CallerLimiter{rate: rate, burst: math.Max(float64(burst), 1), rdb: rdb,
		key: prefix + "callerrate:{" + host + "}:", log: log, local: map[string]*tokenBucket{}}
}

// bucketScript takes one token from the tokenBucket at KEYS[1] (rate ARGV[1]/s, capacity ARGV[2]),
// on Redis's clock. It answers 0 when taken, else the µs until a token is due.
var bucketScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(b[1]), tonumber(b[2])
if not tokens then tokens, at = burst, now end
tokens = math.min(burst, tokens + (now - at) * rate / 1000000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
`)

// Wait takes a token of ctx's caller, or refuses.
func (l *CallerLimiter) Wait(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	who := caller.Key(ctx)
	if who == "" || l.rate <= 0 {
		return func() {}, nil
	}
	var wait time.Duration
	if l.rdb != nil {
		sum := sha256.Sum256([]byte(who)) // no caller identity or address spelled out in Redis
		rctx, cancel := context.WithTimeout(ctx, redisLimiterTimeout)
		us, err := bucketScript.Run(rctx, l.rdb, []string{l.key + hex.EncodeToString(sum[:12])}, l.rate, l.burst).Int64()
		cancel()
		if err == nil {
			wait = time.Duration(us) * time.Microsecond
		} else {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			l.log.Debug().Err(err).Msg("caller rate: Redis unreachable, counting in this process")
			wait = l.takeLocal(who, time.Now())
		}
	} else {
		wait = l.takeLocal(who, time.Now())
	}
	if wait > 0 {
		return nil, &CallerRateLimitError{RetryAfter: wait}
	}
	return func() {}, nil
}

// Pause does nothing: a pause is the organization's (its own limiter holds it).
func (l *CallerLimiter) Pause(time.Time) {}

type tokenBucket struct {
	tokens float64
	at     time.Time
}

func (l *CallerLimiter) takeLocal(who string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.After(l.sweepAt) { // forget callers whose tokenBucket is full again
		full := time.Duration(l.burst / l.rate * float64(time.Second))
		for k, b := range l.local {
			if now.Sub(b.at) > full {
				delete(l.local, k)
			}
		}
		l.sweepAt = now.Add(max(full, time.Second))
	}
	b, ok := l.local[who]
	if !ok {
		b = &tokenBucket{tokens: l.burst, at: now}
		l.local[who] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}
