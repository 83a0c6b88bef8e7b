package loaders

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// Resilient puts a circuit breaker around a remote Cache. Every call gets a short timeout; an
// error rate over a sliding window (with a minimum number of calls) opens the circuit, counting
// only the cache's own failures (see classify), and while it is open the cache is bypassed (reads
// miss, writes are skipped) so queries keep being answered from Gladly. An invalidation that
// cannot be delivered opens it at once, whatever the rate: serving the cache then could serve
// what the write made stale. A background probe pings the cache and,
// once it answers, replays the invalidations it could not deliver before closing the circuit:
// an entry made stale while the cache was unreachable is never served afterwards. One log line
// marks each change of state.
type Resilient struct {
	backend Cache
	timeout time.Duration
	// retryTimeout bounds the second attempt of a failed read (0: none).
	retryTimeout time.Duration
	probe        time.Duration
	log          zerolog.Logger
	onState      func(up bool)
	brk          *breaker

	opens, failures, ignored atomic.Int64

	mu       sync.Mutex
	open     bool
	pending  map[string]struct{} // tags whose invalidation has not reached the backend
	overflow bool                // too many to replay: flush the namespace instead
	probing  bool
	closed   chan struct{}
	stopOnce sync.Once
}

// flusher is a cache that can drop its whole namespace.
type flusher interface {
	Flush(ctx context.Context) error
}

// maxPending bounds the invalidations remembered while the cache is down.
const maxPending = 10000

// ResilientOption configures a Resilient cache.
type ResilientOption func(*Resilient)

// WithTimeout bounds each cache call (default 150 ms).
func WithTimeout(d time.Duration) ResilientOption { return func(r *Resilient) { r.timeout = d } }

// WithRetryTimeout bounds the second attempt of a read that failed (default 1 s; 0: no second
// attempt).
func WithRetryTimeout(d time.Duration) ResilientOption {
	return func(r *Resilient) { r.retryTimeout = d }
}

// WithProbeInterval sets how often an unreachable cache is retried (default 1 s).
func WithProbeInterval(d time.Duration) ResilientOption { return func(r *Resilient) { r.probe = d } }

// WithStateHook is called with false when the circuit opens and true when it closes (metrics).
func WithStateHook(f func(up bool)) ResilientOption { return func(r *Resilient) { r.onState = f } }

// WithBreaker sets the rule that opens the circuit: at least minCalls counted calls within window,
// of which at least ratio failed (defaults: 20 calls, 50 %, 1 s).
func WithBreaker(window time.Duration, minCalls int, ratio float64) ResilientOption {
	return func(r *Resilient) { r.brk = newBreaker(window, minCalls, ratio) }
}

// NewResilient wraps backend.
func NewResilient(backend Cache, log zerolog.Logger, opts ...ResilientOption) *Resilient {
	r := &Resilient{backend: backend, timeout: redisOpTimeout, retryTimeout: time.Second, probe: time.Second, log: log,
		pending: map[string]struct{}{}, closed: make(chan struct{}),
		brk: newBreaker(defaultBreakerWindow, defaultBreakerMinCalls, defaultBreakerRatio)}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Up reports whether the cache is in use (the circuit is closed).
func (r *Resilient) Up() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.open
}

// BreakerState is the circuit's state and history, for metrics.
type BreakerState struct {
	Up       bool  // the cache is in use
	Opens    int64 // times the circuit opened
	Failures int64 // calls counted as the cache failing
	Ignored  int64 // failed calls not counted: caller cancellation, pool waits
}

// State returns the circuit's state and counters.
func (r *Resilient) State() BreakerState {
	return BreakerState{Up: r.Up(), Opens: r.opens.Load(), Failures: r.failures.Load(), Ignored: r.ignored.Load()}
}

// observe feeds one call's outcome to the breaker and opens the circuit when the rate says so.
func (r *Resilient) observe(caller context.Context, err error) {
	switch classify(caller, err) {
	case outcomeOK:
		r.brk.record(false, time.Now())
	case outcomeIgnored:
		r.ignored.Add(1)
	case outcomeFailed:
		r.failures.Add(1)
		if r.brk.record(true, time.Now()) {
			r.trip(err)
		}
	}
}

// Get reads through the backend, or reports every key missing while the circuit is open. A read
// that fails while the circuit stays closed is tried once more with a longer deadline: a miss
// costs a Gladly call against the organization's 10 per second, so a replica short of CPU (reads
// queueing for a connection or for the scheduler past their deadline) must not turn its own
// overload into upstream traffic; a Redis really failing opens the circuit within its window,
// and then nothing waits.
func (r *Resilient) Get(ctx context.Context, keys []string) ([][]byte, Stamp, error) {
	for attempt, timeout := range []time.Duration{r.timeout, r.retryTimeout} {
		if !r.Up() || (attempt > 0 && (timeout <= 0 || ctx.Err() != nil)) {
			break
		}
		cctx, cancel := context.WithTimeout(ctx, timeout)
		vals, at, err := r.backend.Get(cctx, keys)
		cancel()
		r.observe(ctx, err)
		if err == nil {
			return vals, at, nil
		}
	}
	return make([][]byte, len(keys)), 0, nil
}

// Set writes back through the backend, or does nothing while the circuit is open.
func (r *Resilient) Set(ctx context.Context, at Stamp, entries []Entry) error {
	if at == 0 || !r.Up() { // a read that bypassed the cache has no stamp to check against
		return nil
	}
	caller := context.WithoutCancel(ctx) // the write-back outlives the request that read
	ctx, cancel := context.WithTimeout(caller, r.timeout)
	defer cancel()
	r.observe(caller, r.backend.Set(ctx, at, entries))
	return nil
}

// Invalidate drops tagged entries; when the backend cannot be reached the tags are kept and
// replayed before the cache is used again.
func (r *Resilient) Invalidate(ctx context.Context, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	if r.Up() {
		err := r.invalidate(context.WithoutCancel(ctx), tags)
		if err == nil {
			return nil
		}
		r.trip(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range tags {
		if len(r.pending) >= maxPending {
			r.overflow = true
			break
		}
		r.pending[t] = struct{}{}
	}
	return nil
}

// invalidate delivers tags, trying twice when the first attempt did not reach the cache (a pool
// wait): a lost invalidation opens the circuit, so it is worth a second chance.
func (r *Resilient) invalidate(caller context.Context, tags []string) error {
	var err error
	for range 2 {
		ctx, cancel := context.WithTimeout(caller, r.timeout)
		err = r.backend.Invalidate(ctx, tags)
		cancel()
		r.observe(caller, err)
		if classify(caller, err) != outcomeIgnored {
			return err
		}
	}
	return err
}

// Ping reports whether the backend answers now.
func (r *Resilient) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	return r.backend.Ping(ctx)
}

// Close stops the background probe.
func (r *Resilient) Close() { r.stopOnce.Do(func() { close(r.closed) }) }

func (r *Resilient) trip(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.open {
		r.open = true
		r.opens.Add(1)
		r.log.Warn().Err(err).Msg("cache: unreachable, bypassing it until it answers again")
		if r.onState != nil {
			r.onState(false)
		}
	}
	if !r.probing {
		r.probing = true
		go r.recover()
	}
}

// recover probes the backend until it answers and the lost invalidations are delivered.
func (r *Resilient) recover() {
	t := time.NewTicker(r.probe)
	defer t.Stop()
	for {
		select {
		case <-r.closed:
			return
		case <-t.C:
		}
		if r.tryClose() {
			return
		}
	}
}

func (r *Resilient) tryClose() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*r.timeout)
	defer cancel()
	if r.backend.Ping(ctx) != nil {
		return false
	}
	r.mu.Lock()
	tags := make([]string, 0, len(r.pending))
	for t := range r.pending {
		tags = append(tags, t)
	}
	overflow := r.overflow
	r.mu.Unlock()

	var err error
	switch f, ok := r.backend.(flusher); {
	case overflow && ok:
		err = f.Flush(ctx)
	case len(tags) > 0:
		err = r.backend.Invalidate(ctx, tags)
	}
	if err != nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range tags {
		delete(r.pending, t)
	}
	if overflow {
		r.overflow = false
	}
	if len(r.pending) > 0 || r.overflow { // more arrived meanwhile: next probe replays them
		return false
	}
	r.open, r.probing = false, false
	r.brk.reset()
	r.log.Info().Int("replayed_invalidations", len(tags)).Bool("flushed", overflow).Msg("cache: reachable again, back in use")
	if r.onState != nil {
		r.onState(true)
	}
	return true
}
