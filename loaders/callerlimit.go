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
	// refused holds, per caller, when its next call is due after a refusal (this process's
	// refusals): until then RefusedFor turns its requests away before they are read.
	refused   map[string]time.Time
	refusedAt time.Time // next sweep of refused
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
		key: prefix + "callerrate:{" + host + "}:", log: log, local: map[string]*tokenBucket{}, refused: map[string]time.Time{}}
}

// bucketScript takes ARGV[3] tokens from the bucket at KEYS[1] (rate ARGV[1]/s, capacity
// ARGV[2]), on Redis's clock, or gives -ARGV[3] back when it is negative. It answers 0 when taken
// (or given back), else the µs until that many tokens are due; nothing is taken then.
var bucketScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rate, burst, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(b[1]), tonumber(b[2])
if not tokens then tokens, at = burst, now end
tokens = math.min(burst, tokens + (now - at) * rate / 1000000)
local wait = 0
if n <= 0 then
  tokens = math.min(burst, tokens - n)
elseif tokens >= n then
  tokens = tokens - n
else
  wait = math.ceil((n - tokens) * 1000000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
`)

// Wait takes a token of ctx's caller, or refuses. A call of an admitted operation (Admit) draws
// on the operation's reservation, made at its first call.
func (l *CallerLimiter) Wait(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if a := allowanceFrom(ctx); a != nil && a.l == l {
		ok, err := a.draw(ctx)
		if err != nil || ok {
			return func() {}, err
		}
	}
	wait, err := l.take(ctx, 1)
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		l.refuse(ctx, min(wait, maxDoorShut))
		return nil, &CallerRateLimitError{RetryAfter: wait}
	}
	return func() {}, nil
}

// maxDoorShut is the longest a refused caller is turned away unread (RefusedFor).
const maxDoorShut = time.Second

// refuse remembers that ctx's caller has no call due for wait.
func (l *CallerLimiter) refuse(ctx context.Context, wait time.Duration) {
	who := caller.Key(ctx)
	if who == "" || wait <= 0 {
		return
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.After(l.refusedAt) {
		for k, until := range l.refused {
			if now.After(until) {
				delete(l.refused, k)
			}
		}
		l.refusedAt = now.Add(time.Second)
	}
	l.refused[who] = now.Add(wait)
}

// RefusedFor returns how long ctx's caller must still wait after this process refused it (0: it
// may try): a caller that ignores the refusal's retryAfterSeconds and asks again at once is
// turned away at the door, before its request is read, parsed or priced, so that it cannot spend
// the CPUs other callers need on being refused.
func (l *CallerLimiter) RefusedFor(ctx context.Context) time.Duration {
	if l == nil {
		return 0
	}
	who := caller.Key(ctx)
	if who == "" {
		return 0
	}
	l.mu.Lock()
	until, ok := l.refused[who]
	l.mu.Unlock()
	if !ok {
		return 0
	}
	return max(time.Until(until), 0)
}

// take takes n tokens of ctx's caller (gives -n back when n is negative), answering how long
// until they are due when there are not enough; callers without an identity pass.
func (l *CallerLimiter) take(ctx context.Context, n int) (time.Duration, error) {
	who := caller.Key(ctx)
	if who == "" || l.rate <= 0 || n == 0 {
		return 0, nil
	}
	if l.rdb != nil {
		sum := sha256.Sum256([]byte(who)) // no caller identity or address spelled out in Redis
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), redisLimiterTimeout)
		us, err := bucketScript.Run(rctx, l.rdb, []string{l.key + hex.EncodeToString(sum[:12])}, l.rate, l.burst, n).Int64()
		cancel()
		if err == nil {
			return time.Duration(us) * time.Microsecond, nil
		}
		if ctx.Err() != nil && n > 0 {
			return 0, ctx.Err()
		}
		l.log.Debug().Err(err).Msg("caller rate: Redis unreachable, counting in this process")
	}
	return l.takeLocal(who, float64(n), time.Now()), nil
}

// Admit readies an operation's share: the calls it may make — its estimate, at most the burst —
// are reserved from ctx's caller's bucket at its first Gladly call, all at once, so that an
// operation is never half admitted: either every call it makes is paid for, or from its first
// call on every one is refused (a *CallerRateLimitError saying when the calls are due), whatever
// it had already resolved from the cache coming back with them. An operation answered from the
// cache alone takes nothing and costs no round trip to Redis, so a caller whose share is spent
// still reads what is cached. The operation runs on the returned context; done gives back what it
// reserved and did not use (its cache hits). A caller without an identity, or an estimate of 0,
// is admitted with nothing to reserve.
func (l *CallerLimiter) Admit(ctx context.Context, estimate int) (_ context.Context, done func()) {
	if l == nil || l.rate <= 0 || estimate <= 0 || caller.Key(ctx) == "" {
		return ctx, func() {}
	}
	a := &allowance{l: l, want: min(estimate, int(l.burst))}
	return context.WithValue(ctx, allowanceKey{}, a), func() {
		if left := a.release(); left > 0 {
			_, _ = l.take(context.WithoutCancel(ctx), -left)
		}
	}
}

// allowance is an admitted operation's share: reserved at its first call.
type allowance struct {
	l    *CallerLimiter
	want int // calls to reserve at the first

	mu       sync.Mutex
	reserved bool
	left     int
	refused  *CallerRateLimitError
	until    time.Time // when refused's calls are due
	done     bool
}

// draw takes one of the operation's reserved calls, reserving them at the first. ok false with
// no error: the reservation is spent, the call goes to the bucket alone.
func (a *allowance) draw(ctx context.Context) (ok bool, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.done:
		return false, nil
	case a.refused != nil:
		return false, &CallerRateLimitError{RetryAfter: max(time.Until(a.until), time.Millisecond)}
	case !a.reserved:
		wait, err := a.l.take(ctx, a.want)
		if err != nil {
			return false, err
		}
		if wait > 0 {
			// Its next operation is likely another like it: the door is shut until this
			// one's calls are due, at most a second (a smaller operation may pass sooner).
			a.l.refuse(ctx, min(wait, maxDoorShut))
			a.refused, a.until = &CallerRateLimitError{RetryAfter: wait}, time.Now().Add(wait)
			return false, a.refused
		}
		a.reserved, a.left = true, a.want
	}
	if a.left == 0 {
		return false, nil
	}
	a.left--
	return true, nil
}

// release ends the operation's share, returning the calls it reserved and did not use.
func (a *allowance) release() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.done = true
	left := a.left
	a.left = 0
	return left
}

type allowanceKey struct{}

func allowanceFrom(ctx context.Context) *allowance {
	a, _ := ctx.Value(allowanceKey{}).(*allowance)
	return a
}

type callerLimiterKey struct{}

// WithCallerLimiter makes l the caller limiter of ctx's account (nil: none), for Admit.
func WithCallerLimiter(ctx context.Context, l *CallerLimiter) context.Context {
	if l == nil {
		return ctx
	}
	return context.WithValue(ctx, callerLimiterKey{}, l)
}

// CallerLimiterFrom returns the caller limiter of ctx's account, or nil.
func CallerLimiterFrom(ctx context.Context) *CallerLimiter {
	l, _ := ctx.Value(callerLimiterKey{}).(*CallerLimiter)
	return l
}

// Pause does nothing: a pause is the organization's (its own limiter holds it).
func (l *CallerLimiter) Pause(time.Time) {}

type tokenBucket struct {
	tokens float64
	at     time.Time
}

func (l *CallerLimiter) takeLocal(who string, n float64, now time.Time) time.Duration {
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
	switch {
	case n <= 0:
		b.tokens = math.Min(l.burst, b.tokens-n)
		return 0
	case b.tokens >= n:
		b.tokens -= n
		return 0
	}
	return time.Duration((n - b.tokens) / l.rate * float64(time.Second))
}
