package gladly

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// read; limiters that bound concurrency free their slot there. Pause holds every request until
// a time (Gladly's 429 with Retry-After): a Wait whose deadline comes first fails at once with a
// *PausedError, the others wait.
type Limiter interface {
	Wait(ctx context.Context) (release func(), err error)
	Pause(until time.Time)
}

// ErrLimiterDeadline is returned by Wait when the context's deadline comes before the slot.
var ErrLimiterDeadline = errors.New("rate limit slot is later than the context deadline")

// PausedError is returned by Wait during a pause that outlasts the context's deadline.
type PausedError struct{ RetryAfter time.Duration }

func (e *PausedError) Error() string {
	return fmt.Sprintf("requests to Gladly are paused for %s (Retry-After)", e.RetryAfter.Round(time.Millisecond))
}

// pause is the pause every limiter of this package honours.
type pause struct {
	mu    sync.Mutex
	until time.Time
}

// Pause extends the pause to until (never shortens it).
func (p *pause) Pause(until time.Time) {
	p.mu.Lock()
	if until.After(p.until) {
		p.until = until
	}
	p.mu.Unlock()
}

// wait sleeps through the pause, or fails at once when ctx's deadline comes first.
func (p *pause) wait(ctx context.Context) error {
	p.mu.Lock()
	until := p.until
	p.mu.Unlock()
	d := time.Until(until)
	if d <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && dl.Before(until) {
		return &PausedError{RetryAfter: d}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// WindowLimiter admits at most n requests in any sliding window of the given length, which is
// what "10 requests per second" means to a server that counts per second: a token bucket with a
// burst would let twice the limit through around a second boundary. Requests are served in
// order of arrival: each reserves the earliest time that keeps at most n in every window and is
// no earlier than the last reservation. A request whose context ends while it waits gives its
// reservation back, so that abandoned requests do not hold the organization's budget.
type WindowLimiter struct {
	n      int
	window time.Duration
	pause  pause

	mu       sync.Mutex
	reserved []time.Time // grant times within the last window and ahead, ascending
}

// NewWindowLimiter returns a limiter of n requests per window (plus a small guard).
func NewWindowLimiter(n int, window time.Duration) *WindowLimiter {
	if n < 1 {
		n = 1
	}
	return &WindowLimiter{n: n, window: window + windowGuard}
}

// Pause holds every request until until.
func (l *WindowLimiter) Pause(until time.Time) { l.pause.Pause(until) }

// Wait reserves the earliest slot and sleeps until it.
func (l *WindowLimiter) Wait(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := l.pause.wait(ctx); err != nil {
		return nil, err
	}
	now := time.Now()
	l.mu.Lock()
	l.prune(now)
	at := now
	if k := len(l.reserved); k > 0 {
		at = later(at, l.reserved[k-1])
		if k >= l.n {
			at = later(at, l.reserved[k-l.n].Add(l.window)) // the n-th last must leave the window
		}
	}
	if dl, ok := ctx.Deadline(); ok && at.After(dl) {
		l.mu.Unlock()
		return nil, fmt.Errorf("%w (wait %s)", ErrLimiterDeadline, at.Sub(now).Round(time.Millisecond))
	}
	l.reserved = append(l.reserved, at)
	l.mu.Unlock()

	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			l.cancel(at)
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	return func() {}, nil
}

// Record counts a request sent now on another limiter's grant (a shared limiter's), without
// waiting: should this window take over, it knows what was sent in the last one.
func (l *WindowLimiter) Record(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	i := len(l.reserved)
	for i > 0 && l.reserved[i-1].After(now) { // kept in order: waits reserve after the last
		i--
	}
	l.reserved = slices.Insert(l.reserved, i, now)
}

// prune drops grants that left the window.
func (l *WindowLimiter) prune(now time.Time) {
	i := 0
	for i < len(l.reserved) && !l.reserved[i].After(now.Add(-l.window)) {
		i++
	}
	l.reserved = l.reserved[i:]
}

// cancel gives a reservation back. Removing one never puts more than n in a window, so the
// requests queued behind it keep their times.
func (l *WindowLimiter) cancel(at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.reserved) - 1; i >= 0; i-- {
		if l.reserved[i].Equal(at) {
			l.reserved = append(l.reserved[:i], l.reserved[i+1:]...)
			return
		}
	}
}

// Queued reports how many reservations lie in the future (requests waiting for their slot).
func (l *WindowLimiter) Queued() int {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, t := range l.reserved {
		if t.After(now) {
			n++
		}
	}
	return n
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// ConcurrencyLimiter admits at most n requests in flight.
type ConcurrencyLimiter struct {
	sem   chan struct{}
	pause pause
}

// NewConcurrencyLimiter returns a limiter of n concurrent requests.
func NewConcurrencyLimiter(n int) *ConcurrencyLimiter {
	if n < 1 {
		n = 1
	}
	return &ConcurrencyLimiter{sem: make(chan struct{}, n)}
}

// Pause holds every request until until.
func (l *ConcurrencyLimiter) Pause(until time.Time) { l.pause.Pause(until) }

// Wait blocks until fewer than n requests are in flight.
func (l *ConcurrencyLimiter) Wait(ctx context.Context) (func(), error) {
	if err := l.pause.wait(ctx); err != nil {
		return nil, err
	}
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

func (c chain) Pause(until time.Time) {
	for _, l := range c {
		l.Pause(until)
	}
}

// Unlimited admits every request at once; it ignores pauses too (tests and the naive baseline).
type Unlimited struct{}

// Wait returns immediately.
func (Unlimited) Wait(context.Context) (func(), error) { return func() {}, nil }

// Pause does nothing: an unlimited limiter limits nothing.
func (Unlimited) Pause(time.Time) {}

// NewReportLimiter returns Gladly's report limit: 10 per minute and 2 at once per organization.
// The concurrency slot is taken first so that a report waiting for its minute does not hold one.
func NewReportLimiter() Limiter {
	return Chain(NewConcurrencyLimiter(ReportsConcurrent), NewWindowLimiter(ReportsPerMinute, time.Minute))
}
