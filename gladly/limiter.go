package gladly

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Gladly's documented limits (per organization, across all of its API tokens).
const (
	DefaultRequestsPerSecond = 10
	ReportsPerMinute         = 10
	ReportsConcurrent        = 2
)

// windowGuard widens each window a little: the limiter counts when a request leaves, Gladly
// counts when it arrives, and the two clocks' views differ by the variance of network delay.
const windowGuard = 50 * time.Millisecond

// Limiter decides when a request may be sent. Wait blocks until then (or fails when ctx ends or
// its deadline cannot be met) and returns a release function, called once the answer has been
// read; limiters that bound concurrency free their slot there.
type Limiter interface {
	Wait(ctx context.Context) (release func(), err error)
}

// ErrLimiterDeadline is returned by Wait when the context's deadline comes before the slot.
var ErrLimiterDeadline = errors.New("rate limit slot is later than the context deadline")

// WindowLimiter admits at most n requests in any sliding window of the given length, which is
// what "10 requests per second" means to a server that counts per second: a token bucket with a
// burst would let twice the limit through around a second boundary. Requests are served in
// order of arrival.
type WindowLimiter struct {
	n      int
	window time.Duration

	mu    sync.Mutex
	slots []time.Time // ring of the last n grant times
	next  int
}

// NewWindowLimiter returns a limiter of n requests per window (plus a small guard).
func NewWindowLimiter(n int, window time.Duration) *WindowLimiter {
	if n < 1 {
		n = 1
	}
	return &WindowLimiter{n: n, window: window + windowGuard, slots: make([]time.Time, n)}
}

// Wait reserves the earliest slot and sleeps until it.
func (l *WindowLimiter) Wait(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := time.Now()
	l.mu.Lock()
	at := l.slots[l.next].Add(l.window) // the n-th most recent grant must leave the window
	if at.Before(now) {
		at = now
	}
	if dl, ok := ctx.Deadline(); ok && at.After(dl) {
		l.mu.Unlock()
		return nil, fmt.Errorf("%w (wait %s)", ErrLimiterDeadline, at.Sub(now).Round(time.Millisecond))
	}
	l.slots[l.next] = at
	l.next = (l.next + 1) % l.n
	l.mu.Unlock()

	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	return func() {}, nil
}

// ConcurrencyLimiter admits at most n requests in flight.
type ConcurrencyLimiter struct{ sem chan struct{} }

// NewConcurrencyLimiter returns a limiter of n concurrent requests.
func NewConcurrencyLimiter(n int) *ConcurrencyLimiter {
	if n < 1 {
		n = 1
	}
	return &ConcurrencyLimiter{sem: make(chan struct{}, n)}
}

// Wait blocks until fewer than n requests are in flight.
func (l *ConcurrencyLimiter) Wait(ctx context.Context) (func(), error) {
	select {
	case l.sem <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-l.sem }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Chain applies limiters in order; the request goes when all have admitted it.
func Chain(ls ...Limiter) Limiter { return chain(ls) }

type chain []Limiter

func (c chain) Wait(ctx context.Context) (func(), error) {
	releases := make([]func(), 0, len(c))
	releaseAll := func() {
		for i := len(releases) - 1; i >= 0; i-- {
			releases[i]()
		}
	}
	for _, l := range c {
		r, err := l.Wait(ctx)
		if err != nil {
			releaseAll()
			return nil, err
		}
		releases = append(releases, r)
	}
	return releaseAll, nil
}

// Unlimited admits every request at once.
type Unlimited struct{}

// Wait returns immediately.
func (Unlimited) Wait(context.Context) (func(), error) { return func() {}, nil }

// NewReportLimiter returns Gladly's report limit: 10 per minute and 2 at once per organization.
// The concurrency slot is taken first so that a report waiting for its minute does not hold one.
func NewReportLimiter() Limiter {
	return Chain(NewConcurrencyLimiter(ReportsConcurrent), NewWindowLimiter(ReportsPerMinute, time.Minute))
}
