package loaders

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// TestSharedLimiterAcrossReplicas: three limiters (three replicas) over one Redis admit at most n
// requests in any window between them, and queue the rest.
func TestSharedLimiterAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	const n, window = 5, 200 * time.Millisecond
	var limiters []*SharedLimiter
	for range 3 {
		limiters = append(limiters, NewSharedLimiter(srv.Client(t), srv.Prefix, "acme.gladly.com", n, window, testLogger(t)))
	}
	var mu sync.Mutex
	var grants []time.Time
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			if _, err := limiters[i%3].Wait(t.Context()); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			grants = append(grants, time.Now())
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(grants) != 30 {
		t.Fatalf("%d of 30 requests admitted", len(grants))
	}
	slices.SortFunc(grants, func(a, b time.Time) int { return a.Compare(b) })
	for i := n; i < len(grants); i++ {
		// The window is counted on Redis's clock; allow the local clock a few ms of skew.
		if d := grants[i].Sub(grants[i-n]); d < window-10*time.Millisecond {
			t.Errorf("requests %d and %d admitted %v apart: more than %d in a %v window", i-n, i, d, n, window)
		}
	}
}

func TestSharedLimiterHonoursTheDeadline(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	l := NewSharedLimiter(srv.Client(t), srv.Prefix, "acme.gladly.com", 1, time.Second, testLogger(t))
	if _, err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.Wait(ctx); err == nil {
		t.Fatal("a full window admitted a request that could not wait for it")
	} else if !errors.Is(err, gladly.ErrLimiterDeadline) {
		t.Errorf("err %v, want ErrLimiterDeadline", err)
	}
}

func TestSharedLimiterFallsBackWithoutRedis(t *testing.T) {
	t.Parallel()
	opts, _ := redis.ParseURL(redistest.ClosedURL(t))
	opts.MaxRetries = -1
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	l := NewSharedLimiter(rdb, "x:", "acme.gladly.com", 3, 100*time.Millisecond, testLogger(t))
	start := time.Now()
	for range 6 {
		if _, err := l.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if !l.Degraded() {
		t.Error("limiter not degraded with Redis down")
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("6 requests at 3 per 100 ms admitted in %v: the local fallback did not limit", d)
	}
}

// TestSharedLimiterQueuesWithinTheDeadline: more requests than one window holds, from three
// replicas at once, all get their turn within a deadline that leaves room for the queue: the
// reservations are one queue, so none starves while others are served.
func TestSharedLimiterQueuesWithinTheDeadline(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	const n, window, requests = 4, 100 * time.Millisecond, 48
	var limiters []*SharedLimiter
	for range 3 {
		limiters = append(limiters, NewSharedLimiter(srv.Client(t), srv.Prefix, "acme.gladly.com", n, window, testLogger(t)))
	}
	// 48 requests at 4 per 150 ms (window and guard) need 1.8 s; the deadline leaves 3 s.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, requests)
	for i := range requests {
		wg.Go(func() {
			if _, err := limiters[i%3].Wait(ctx); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a queued request failed: %v", err)
	}
}

// TestSharedLimiterGivesBackCanceledReservations: a request canceled while it waits frees its
// turn for the next one.
func TestSharedLimiterGivesBackCanceledReservations(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	l := NewSharedLimiter(srv.Client(t), srv.Prefix, "acme.gladly.com", 1, 300*time.Millisecond, testLogger(t))
	if _, err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The second request reserves the next turn (~350 ms away), then gives up.
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := l.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want the cancellation", err)
	}
	// The third takes that turn rather than the one after it (~700 ms away).
	ctx3, cancel3 := context.WithTimeout(t.Context(), 600*time.Millisecond)
	defer cancel3()
	if _, err := l.Wait(ctx3); err != nil {
		t.Errorf("the canceled turn was not given back: %v", err)
	}
}

// TestSharedLimiterRecheckLateWakers: a request that wakes from its wait later than the
// tolerance goes only if that keeps n in every window around it; else it is rescheduled after
// the requests reserved behind it (which woke on time and went).
func TestSharedLimiterRecheckLateWakers(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	rdb := srv.Client(t)
	const n, window = 2, 250 * time.Millisecond // window with its guard
	ctx := t.Context()
	for _, tc := range []struct {
		name     string
		mine     time.Duration   // my reservation, from now
		others   []time.Duration // the other reservations, from now
		min, max time.Duration   // the wait confirmScript answers
	}{
		{"on time", -5 * time.Millisecond, []time.Duration{150 * time.Millisecond, 150 * time.Millisecond}, 0, 0},
		{"late, room now", -100 * time.Millisecond, []time.Duration{300 * time.Millisecond, 300 * time.Millisecond}, 0, 0},
		{"late, no room", -100 * time.Millisecond, []time.Duration{150 * time.Millisecond, 150 * time.Millisecond}, 350 * time.Millisecond, 400 * time.Millisecond},
		{"late, the first gap", -100 * time.Millisecond, []time.Duration{0, 100 * time.Millisecond, 250 * time.Millisecond, 350 * time.Millisecond}, 450 * time.Millisecond, 500 * time.Millisecond},
	} {
		key := srv.Key("late", tc.name)
		tm, err := rdb.Time(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		at := func(d time.Duration) float64 { return float64(tm.Add(d).UnixMicro()) }
		rdb.ZAdd(ctx, key, redis.Z{Score: at(tc.mine), Member: "me"})
		for i, d := range tc.others {
			rdb.ZAdd(ctx, key, redis.Z{Score: at(d), Member: i})
		}
		out, err := confirmScript.Run(ctx, rdb, []string{key, key + ":pause"}, window.Microseconds(), n, noDeadline, "me", wakeTolerance.Microseconds()).Int64Slice()
		if err != nil {
			t.Fatal(err)
		}
		if got := time.Duration(out[0]) * time.Microsecond; got < tc.min || got > tc.max {
			t.Errorf("%s: wait %v, want %v to %v", tc.name, got, tc.min, tc.max)
		}
	}
}

// TestSharedLimiterPauseHoldsEveryReplica: a pause set through one replica (a 429 with
// Retry-After) holds the requests of another: one whose deadline comes first is refused at once
// with the time left, one that can wait goes after the pause.
func TestSharedLimiterPauseHoldsEveryReplica(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	a := NewSharedLimiter(srv.Client(t), srv.Prefix, "acme.gladly.com", 10, time.Second, testLogger(t))
	b := NewSharedLimiter(srv.Client(t), srv.Prefix, "acme.gladly.com", 10, time.Second, testLogger(t))
	a.Pause(time.Now().Add(time.Second))

	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err := b.Wait(ctx)
	var pe *gladly.PausedError
	if !errors.As(err, &pe) || pe.RetryAfter <= 0 || pe.RetryAfter > time.Second {
		t.Fatalf("during another replica's pause: %v; want a PausedError of at most 1s", err)
	}
	start := time.Now()
	if _, err := b.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 500*time.Millisecond {
		t.Errorf("granted after %v, inside the pause", waited)
	}
	if b.Degraded() {
		t.Error("the limiter fell back to local limiting")
	}
}

// TestSharedLimiterAbandonedWaitsLeaveTheQueue: requests that give up while queued leave the
// shared FIFO, so that the next request is not queued behind them.
func TestSharedLimiterAbandonedWaitsLeaveTheQueue(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	rdb := srv.Client(t)
	l := NewSharedLimiter(rdb, srv.Prefix, "acme.gladly.com", 1, time.Second, testLogger(t))
	if _, err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { _, _ = l.Wait(ctx) })
	}
	for rdb.ZCard(t.Context(), l.key).Val() < 11 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	wg.Wait()
	if n := rdb.ZCard(t.Context(), l.key).Val(); n != 1 {
		t.Errorf("%d reservations left after 10 of 11 requests gave up, want 1", n)
	}
}

// TestSharedLimiterKeepsTheLimitAcrossAnOutage: a replica that sent the window's n requests
// through Redis and then loses Redis does not send n more at once on its own (its local window
// knew of them), and when Redis comes back restarted, without the reservations, it does not
// either (for a window the local one is kept too). A request whose turn is past its deadline is
// refused at once, so the test needs no clock.
func TestSharedLimiterKeepsTheLimitAcrossAnOutage(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	opts, _ := redis.ParseURL(rs.URL)
	TuneRedisOptions(opts, 4)
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	l := NewSharedLimiter(rdb, rs.Prefix, "acme.gladly.com", 5, 3*time.Second, testLogger(t))
	soon := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(t.Context(), 200*time.Millisecond)
	}
	for i := range 5 {
		if _, err := l.Wait(t.Context()); err != nil {
			t.Fatalf("request %d of the window: %v", i, err)
		}
	}
	if l.Degraded() {
		t.Fatal("degraded with Redis up")
	}

	rs.Kill(t)
	ctx, cancel := soon()
	_, err := l.Wait(ctx)
	cancel()
	if !l.Degraded() {
		t.Fatal("not degraded with Redis down")
	}
	if !errors.Is(err, gladly.ErrLimiterDeadline) {
		t.Fatalf("a sixth request in the window, Redis down: %v; want it refused for its deadline (the local window knew of the five)", err)
	}

	rs.Restart(t) // empty: the five reservations are gone
	ctx, cancel = soon()
	_, err = l.Wait(ctx)
	cancel()
	if l.Degraded() {
		t.Fatal("still degraded with Redis back")
	}
	if !errors.Is(err, gladly.ErrLimiterDeadline) {
		t.Fatalf("a sixth request in the window, Redis back empty: %v; want it refused for its deadline", err)
	}
}
