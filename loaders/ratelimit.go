package loaders

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
)

// SharedLimiter is Gladly's per-organization rate limit shared by every gladgraph replica through
// Redis. Each request reserves a send time in a sorted set, on Redis's clock: the earliest time
// that keeps at most n requests in any window, and never earlier than the last reservation. The
// reservations therefore form one queue across replicas, served in order of arrival (no replica
// starves while others poll), and a request whose turn would come after its context's deadline
// is refused at once instead of waiting in vain. A request that wakes late from its wait checks
// its time again against the reservations made after it (see confirmScript). When Redis cannot be reached the limiter falls
// back to a local window of the same size: each replica then keeps the limit on its own, which
// is the best it can do alone.
type SharedLimiter struct {
	rdb      redis.UniversalClient
	key      string
	pauseKey string // set, with a TTL, while Gladly's Retry-After pauses the organization
	n        int
	window   time.Duration
	local    *gladly.WindowLimiter
	log      zerolog.Logger

	mu       sync.Mutex
	degraded bool
	// recovered is when Redis answered again after an outage: for a window after it, requests
	// pass the local window too (see granted).
	recovered time.Time
}

// SharedWindowGuard widens the window: the limiter counts when a request is granted, Gladly
// counts when it arrives, per calendar second of its own clock. The grant-to-arrival delay
// (waking from the wait, writing the request) varies by a few milliseconds, more on a busy
// host; a window wider than a second by more than that spread never holds n+1 arrivals.
const SharedWindowGuard = 50 * time.Millisecond

// NewSharedLimiter returns a limiter of n requests per window for the organization at host,
// keyed under prefix in Redis.
func NewSharedLimiter(rdb redis.UniversalClient, prefix, host string, n int, window time.Duration, log zerolog.Logger) *SharedLimiter {
	return &SharedLimiter{
		rdb: rdb, key: prefix + "ratelimit:{" + host + "}", pauseKey: prefix + "ratelimit:{" + host + "}:pause",
		n: max(n, 1), window: window + SharedWindowGuard,
		local: gladly.NewWindowLimiter(n, window), log: log,
	}
}

// reserveScript reserves the earliest send time (µs on Redis's clock) that is no earlier than
// the last reservation and at least a window after the n-th last: the sorted reservations then
// hold at most n in any window. It answers the wait in µs (≥ 0) with the reservation made, or
// minus the wait without one when the wait exceeds ARGV[3] (the caller's deadline).
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window, n, maxwait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local pause = math.max(redis.call('PTTL', KEYS[2]), 0) * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local at = now + pause
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) > at then at = tonumber(last[2]) end
if redis.call('ZCARD', KEYS[1]) >= n then
  local nth = redis.call('ZRANGE', KEYS[1], -n, -n, 'WITHSCORES')
  local s = tonumber(nth[2]) + window
  if s > at then at = s end
end
if at - now > maxwait then
  return {-(at - now), pause}
end
redis.call('ZADD', KEYS[1], at, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil((at - now + window) / 1000) + 1000)
return {at - now, pause}
`)

// confirmScript runs when a waiting request wakes. Woken within ARGV[5] µs of its reservation
// (the guard absorbs that much), it goes. Woken later — a busy host, a paused process — sending
// now could put it within a window of the requests reserved after it, so it takes the earliest
// time from now on that keeps at most n in every window around it (now itself when that fits),
// and waits again. Its answer reads like reserveScript's.
var confirmScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window, n, maxwait, me, tol = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local pause = math.max(redis.call('PTTL', KEYS[2]), 0) * 1000
local mine = redis.call('ZSCORE', KEYS[1], me)
if pause == 0 and mine and now - tonumber(mine) <= tol then
  return {0, 0}
end
redis.call('ZREM', KEYS[1], me)
if pause > 0 then
  -- A 429 paused the organization while this request slept: it queues again behind the pause.
  return {-1, pause}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
-- fits: with x added, every n+1 consecutive times around x span at least a window.
local function fits(x)
  local pts = redis.call('ZRANGEBYSCORE', KEYS[1], x - window, x + window, 'WITHSCORES')
  local s, k = {}, nil
  for i = 2, #pts, 2 do
    local v = tonumber(pts[i])
    if not k and v > x then
      s[#s + 1] = x
      k = #s
    end
    s[#s + 1] = v
  end
  if not k then
    s[#s + 1] = x
    k = #s
  end
  for i = math.max(1, k - n), k do
    if i + n <= #s and s[i + n] - s[i] < window then
      return false
    end
  end
  return true
end
local at = nil
if fits(now) then
  at = now
else
  -- Whether x fits changes only where a reservation leaves the window: try those in order.
  -- The last one always fits, so the loop ends with a time unless the deadline comes first.
  local pts = redis.call('ZRANGEBYSCORE', KEYS[1], now - window, '+inf', 'WITHSCORES')
  for i = 2, #pts, 2 do
    local c = tonumber(pts[i]) + window
    if c > now then
      if c - now > maxwait then
        return {-(c - now), 0}
      end
      if fits(c) then
        at = c
        break
      end
    end
  end
end
if not at then
  return {-(maxwait + 1), 0}
end
if at - now > maxwait then
  return {-(at - now), 0}
end
redis.call('ZADD', KEYS[1], at, me)
redis.call('PEXPIRE', KEYS[1], math.ceil((at - now + window) / 1000) + 1000)
return {at - now, 0}
`)

// wakeTolerance is how late a waiting request may wake and still take its reserved time: well
// inside SharedWindowGuard, which must also cover the trip from here to Gladly.
const wakeTolerance = 20 * time.Millisecond

// redisLimiterTimeout bounds one reservation round trip; beyond it Redis counts as down.
const redisLimiterTimeout = 200 * time.Millisecond

// noDeadline is the longest wait a request without a deadline accepts (µs): a day.
const noDeadline = int64(24 * time.Hour / time.Microsecond)

// Wait reserves the organization's next free send time and sleeps until it.
func (l *SharedLimiter) Wait(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	member := requestID()
	script := reserveScript
	for {
		maxWait := noDeadline
		if dl, ok := ctx.Deadline(); ok {
			// The round trip to Redis eats into the wait the deadline allows.
			maxWait = max(time.Until(dl)-redisLimiterTimeout/4, 0).Microseconds()
		}
		rctx, cancel := context.WithTimeout(ctx, redisLimiterTimeout)
		out, err := script.Run(rctx, l.rdb, []string{l.key, l.pauseKey}, l.window.Microseconds(), l.n, maxWait, member, wakeTolerance.Microseconds()).Int64Slice()
		cancel()
		if err == nil && len(out) != 2 {
			err = fmt.Errorf("rate limit script answered %d values", len(out))
		}
		if err != nil {
			if ctx.Err() != nil {
				l.cancel(ctx, member)
				return nil, ctx.Err()
			}
			l.setDegraded(true, err)
			return l.local.Wait(ctx)
		}
		l.setDegraded(false, nil)
		res, paused := out[0], time.Duration(out[1])*time.Microsecond
		if res < 0 && paused > 0 && paused.Microseconds() > maxWait {
			return nil, &gladly.PausedError{RetryAfter: paused}
		}
		if res < 0 && paused > 0 && script == confirmScript {
			script, member = reserveScript, requestID() // queue again behind the pause
			continue
		}
		if res < 0 {
			wait := time.Duration(-res) * time.Microsecond
			return nil, fmt.Errorf("%w (shared limit, wait %s)", gladly.ErrLimiterDeadline, wait.Round(time.Millisecond))
		}
		if res == 0 {
			return l.granted(ctx)
		}
		t := time.NewTimer(time.Duration(res) * time.Microsecond)
		select {
		case <-ctx.Done():
			t.Stop()
			l.cancel(ctx, member)
			return nil, ctx.Err()
		case <-t.C:
		}
		script = confirmScript
	}
}

// granted completes a shared grant with the local window. Every grant is recorded in it, so that
// when Redis fails the replica limits itself knowing what it sent the second before; and for a
// window after Redis comes back (restarted, it may have lost the reservations) a request also
// waits its turn in the local window, which holds what this replica sent while limiting alone.
// Either way the replica never sends more than the limit in a window across the change.
func (l *SharedLimiter) granted(ctx context.Context) (func(), error) {
	l.mu.Lock()
	recent := !l.recovered.IsZero() && time.Since(l.recovered) < l.window
	l.mu.Unlock()
	if recent {
		return l.local.Wait(ctx)
	}
	l.local.Record(time.Now())
	return func() {}, nil
}

// pauseScript extends the organization's pause to ARGV[1] ms from now (never shortens it).
var pauseScript = redis.NewScript(`
local want = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < want then
  redis.call('SET', KEYS[1], '1', 'PX', want)
end
return 1
`)

// Pause holds every replica's requests until until (Gladly's Retry-After), through Redis; the
// local fallback pauses too, so the pause holds on this replica while Redis is unreachable.
func (l *SharedLimiter) Pause(until time.Time) {
	l.local.Pause(until)
	ms := time.Until(until).Milliseconds()
	if ms <= 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisLimiterTimeout)
	defer cancel()
	if err := pauseScript.Run(ctx, l.rdb, []string{l.pauseKey}, ms).Err(); err != nil {
		l.setDegraded(true, err)
	}
}

// cancel gives a reservation back. Removing a reservation never puts more than n in a window,
// so the requests queued behind it keep their times.
func (l *SharedLimiter) cancel(ctx context.Context, member string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), redisLimiterTimeout)
	defer cancel()
	_ = l.rdb.ZRem(rctx, l.key, member).Err()
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
		l.recovered = time.Now()
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
