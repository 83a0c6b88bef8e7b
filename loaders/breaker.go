package loaders

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// A breaker decides from the outcomes of recent cache calls whether the cache is failing. It
// opens on an error rate, not on one error: at concurrency 64 a single slow answer is noise, and
// the first timeout opening the circuit sent warm reads to Gladly. Only the cache's own failures
// count (see countsAsFailure): a caller hanging up, or a call that never left the process because
// every pooled connection was busy, says nothing about Redis.
type breaker struct {
	mu       sync.Mutex
	bucket   time.Duration // window / len(buckets)
	buckets  [10]bucket
	minCalls int
	ratio    float64
	// streak counts counted failures since the last success: under little traffic a dead Redis
	// never makes minCalls calls in one window, yet every read waits on it.
	streak int
}

type bucket struct {
	epoch        int64 // time slot the counts belong to
	calls, fails int
}

// Breaker defaults: a failing Redis is noticed within a second under any real traffic, and a
// lone slow answer never opens the circuit.
const (
	defaultBreakerWindow   = time.Second
	defaultBreakerMinCalls = 20
	defaultBreakerRatio    = 0.5
	// breakerStreak failures in a row, with no success between them, open the circuit whatever
	// the traffic.
	breakerStreak = 10
)

func newBreaker(window time.Duration, minCalls int, ratio float64) *breaker {
	return &breaker{bucket: max(window/10, time.Millisecond), minCalls: max(minCalls, 1), ratio: ratio}
}

// record adds one counted outcome and reports whether the window's error rate now calls for
// opening.
func (b *breaker) record(failed bool, now time.Time) bool {
	slot := now.UnixNano() / int64(b.bucket)
	b.mu.Lock()
	defer b.mu.Unlock()
	cur := &b.buckets[slot%int64(len(b.buckets))]
	if cur.epoch != slot {
		*cur = bucket{epoch: slot}
	}
	cur.calls++
	if failed {
		cur.fails++
	}
	if !failed {
		b.streak = 0
		return false
	}
	if b.streak++; b.streak >= breakerStreak {
		return true
	}
	calls, fails := 0, 0
	for _, bk := range b.buckets {
		if slot-bk.epoch < int64(len(b.buckets)) {
			calls += bk.calls
			fails += bk.fails
		}
	}
	return calls >= b.minCalls && float64(fails) >= b.ratio*float64(calls)
}

// reset forgets the window (the circuit closed: old failures must not reopen it).
func (b *breaker) reset() {
	b.mu.Lock()
	b.buckets = [10]bucket{}
	b.streak = 0
	b.mu.Unlock()
}

// outcome classifies a cache call's error.
type outcome int

const (
	outcomeOK      outcome = iota
	outcomeFailed          // the cache failed: counts towards opening
	outcomeIgnored         // not the cache's doing: counts for nothing
)

// classify tells the cache's own failures from the caller's and the process's: caller is the
// context the caller passed (before the breaker's own timeout was added).
func classify(caller context.Context, err error) outcome {
	if err == nil {
		return outcomeOK
	}
	if caller.Err() != nil { // the caller hung up or ran out of time: Redis was not asked to fail
		return outcomeIgnored
	}
	if errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrPoolExhausted) {
		return outcomeIgnored // every connection busy: local saturation, the call never reached Redis
	}
	var ne *net.OpError      // not net.Error: context.DeadlineExceeded implements that interface too
	if errors.As(err, &ne) { // refused, reset, unreachable, or Redis too slow on the socket
		return outcomeFailed
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		// The breaker's own timeout fired before a connection was handed out (a socket
		// timeout is a net.Error, handled above): time spent queueing in this process.
		return outcomeIgnored
	}
	return outcomeFailed // a Redis error reply, EOF, a protocol error
}
