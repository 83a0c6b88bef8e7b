package loaders

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// TestBreakerIgnoresCallerCancellation: requests that hang up (cancelled, or out of time before the
// cache could answer) never open the circuit of a healthy Redis, however many they are.
func TestBreakerIgnoresCallerCancellation(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	r := NewResilient(NewRedisCache(srv.Client(t), srv.Prefix+"{ns}:"), testLogger(t), WithBreaker(time.Minute, 5, 0.5))
	t.Cleanup(r.Close)

	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	expired, cancel2 := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel2()
	for range 100 {
		for _, ctx := range []context.Context{cancelled, expired} {
			if vals, _, err := r.Get(ctx, []string{"k"}); err != nil || vals[0] != nil {
				t.Fatalf("cancelled read: %q %v; want a miss and no error", vals, err)
			}
		}
	}
	st := r.State()
	if !st.Up || st.Opens != 0 || st.Failures != 0 {
		t.Fatalf("after 200 cancelled reads: %+v; want the circuit closed and no failure counted", st)
	}
	if st.Ignored != 200 {
		t.Errorf("ignored %d calls, want 200", st.Ignored)
	}
}

// TestBreakerIgnoresSaturatedPool: with every pooled connection busy, reads time out waiting for
// one (in go-redis's pool, or on the breaker's own deadline): the process is saturated, Redis is
// fine, and the circuit stays closed.
func TestBreakerIgnoresSaturatedPool(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	for name, poolTimeout := range map[string]time.Duration{
		"pool timeout first":    10 * time.Millisecond, // ErrPoolTimeout
		"call deadline first":   time.Second,           // the breaker's 50 ms deadline
		"pool timeout at equal": 50 * time.Millisecond,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts, err := redis.ParseURL(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			opts.PoolSize, opts.PoolTimeout, opts.ContextTimeoutEnabled = 1, poolTimeout, true
			rdb := redis.NewClient(opts)
			t.Cleanup(func() { _ = rdb.Close() })
			r := NewResilient(NewRedisCache(rdb, srv.Prefix+"{ns}:"), testLogger(t), WithTimeout(50*time.Millisecond), WithBreaker(time.Minute, 5, 0.5))
			t.Cleanup(r.Close)

			// Hold the only connection: a blocking pop on a list nobody pushes to.
			held := make(chan error, 1)
			go func() { held <- rdb.BLPop(context.Background(), time.Second, srv.Key("never")).Err() }()
			waitFor(t, func() bool { return rdb.PoolStats().TotalConns == 1 && rdb.PoolStats().IdleConns == 0 })

			var wg sync.WaitGroup
			for range 40 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, _ = r.Get(t.Context(), []string{"k"})
				}()
			}
			wg.Wait()
			st := r.State()
			if !st.Up || st.Opens != 0 || st.Failures != 0 {
				t.Fatalf("saturated pool: %+v; want the circuit closed and no failure counted", st)
			}
			if st.Ignored == 0 {
				t.Fatal("no read waited for the pool: the test did not saturate it")
			}
			if err := <-held; !errors.Is(err, redis.Nil) {
				t.Fatalf("the blocking pop: %v", err)
			}
		})
	}
}

// TestBreakerOpensOnDeadRedis: a Redis that stops answering opens the circuit as soon as the
// window holds enough failed calls (20 at the defaults, well within a second at any real
// traffic), and reads keep answering (as misses) meanwhile.
func TestBreakerOpensOnDeadRedis(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	opts, err := redis.ParseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	TuneRedisOptions(opts, 8)
	opts.DialTimeout = 100 * time.Millisecond
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	ctx := t.Context()
	if _, _, err := NewRedisCache(rdb, "gg:test:{t}:").Get(ctx, []string{"k"}); err != nil {
		t.Fatalf("healthy Redis: %v", err)
	}
	r := NewResilient(NewRedisCache(rdb, "gg:test:{t}:"), testLogger(t))
	t.Cleanup(r.Close)

	srv.Kill(t)
	killed := time.Now()
	var wg sync.WaitGroup
	for range 8 { // eight requests reading until the circuit opens
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r.Up() && time.Since(killed) < 30*time.Second {
				if vals, _, err := r.Get(ctx, []string{"k"}); err != nil || vals[0] != nil {
					t.Errorf("with Redis dead: %q %v; want a miss and no error", vals, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	st := r.State()
	if st.Up || st.Opens != 1 {
		t.Fatalf("dead Redis: %+v; want the circuit open, once", st)
	}
	// Every counted call failed: it opens on the 20th; the eight readers racing past the check
	// may add a few more.
	if limit := int64(defaultBreakerMinCalls + 8); st.Failures > limit {
		t.Errorf("opened after %d failed calls, want at most %d", st.Failures, limit)
	}
	t.Logf("opened %v after Redis died, after %d failed calls", time.Since(killed), st.Failures)
}

// waitFor polls cond until it holds (or fails the test after a generous while).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestSaturatedReadsWaitInsteadOfMissing: reads that time out queueing for a connection are tried
// again with a longer deadline and answer from the cache, instead of missing (each miss would be a
// Gladly call: a replica's own overload turned into upstream traffic).
func TestSaturatedReadsWaitInsteadOfMissing(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	opts, err := redis.ParseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	TuneRedisOptions(opts, 1)
	opts.PoolSize, opts.MinIdleConns = 1, 0
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	r := NewResilient(NewRedisCache(rdb, srv.Prefix+"{ns}:"), testLogger(t), WithTimeout(20*time.Millisecond))
	t.Cleanup(r.Close)
	ctx := t.Context()
	_, at, _ := r.Get(ctx, nil)
	if err := r.Set(ctx, at, []Entry{{Key: "k", Value: []byte("v"), TTL: time.Minute, Tags: []string{"k"}}}); err != nil {
		t.Fatal(err)
	}

	// Take the only connection out of the pool, and give it back 300 ms later.
	held := rdb.Conn()
	if err := held.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(300*time.Millisecond, func() { _ = held.Close() })
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if vals, _, err := r.Get(ctx, []string{"k"}); err != nil || string(vals[0]) != "v" {
				t.Errorf("a read queued behind a busy pool: %q %v; want the cached value", vals, err)
			}
		}()
	}
	wg.Wait()
	if st := r.State(); !st.Up || st.Failures != 0 || st.Ignored == 0 {
		t.Errorf("%+v: want the first attempts ignored and nothing counted against Redis", st)
	}
}
