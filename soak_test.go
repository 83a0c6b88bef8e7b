package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// relDirectoryQuery reads org-wide lists: after the first, cache hits.
const relDirectoryQuery = `{ users { nodes { id name } } groups { nodes { name } } inboxes { nodes { name } } }`

// TestSoak runs mixed reads and writes at concurrency 64 against one replica (Redis cache and
// shared limiter) over a Gladly failing 20 % of requests with a 5xx and 10 % with a 429, all on
// loopback. It checks that nothing crashes, that every answer is 200 with clean data or typed
// errors, that no write is lost or duplicated, and that goroutines and the heap stay flat: the
// figures are sampled (after a GC) before the load, early, midway, at its end and once the
// connections have closed. GLADGRAPH_SOAK=2m runs it for two minutes (make soak).
//
// Not parallel: the goroutine counts are the process's, and the other tests of the package are
// held until the sequential ones end. The fake Gladly runs in this process, so its goroutines
// and heap (its data grows with the writes; its request log keeps every request) are counted too.
func TestSoak(t *testing.T) {
	d, long := relDuration(t, "GLADGRAPH_SOAK", 3*time.Second)
	if os.Getenv("GLADGRAPH_SOAK_HEAPPROFILE") != "" {
		runtime.MemProfileRate = 4096 // fine enough to see small retained structures
	}
	const workers = 64
	fx := newRelFixture(t, 200, 200)
	in := startRelInstance(t, relEnv(fx.fake, 200, redistest.New(t).URL))
	// One request of each kind first, before the faults: the workers that start on first use and
	// live as long as the server (the account's runtime, its cache and limiter, the event bus's
	// reader) are then counted in the baseline, not as a leak.
	wl0 := newWriteLog()
	for _, warm := range []func() (gqlResult, error){
		func() (gqlResult, error) { return fx.read(t.Context(), in, 0) },
		func() (gqlResult, error) { return in.query(t.Context(), relDirectoryQuery, nil) },
		func() (gqlResult, error) { return fx.update(t.Context(), in, wl0, 1, "w0") },
	} {
		if _, err := warm(); err != nil {
			t.Fatalf("warm-up: %v", err)
		}
	}
	if err := fx.fake.SetFaults(relFaults); err != nil {
		t.Fatal(err)
	}
	before := sampleMem()

	res := newTally()
	wl := newWriteLog()
	var seq atomic.Int64
	samples := map[string]memSample{}
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for _, at := range []struct {
			name  string
			after time.Duration
		}{{"early", d / 10}, {"mid", d/2 - d/10}, {"late", d/2 - d/10}} {
			select {
			case <-time.After(at.after):
			case <-t.Context().Done():
				return
			}
			samples[at.name] = sampleMem()
		}
	}()
	start := time.Now()
	runWorkers(t.Context(), workers, d, func(ctx context.Context, _, _ int) {
		i := int(seq.Add(1))
		ctx = context.WithoutCancel(ctx) // a request started is let finish
		switch i % 20 {
		case 0:
			res.add(fx.create(ctx, in, wl, i, fmt.Sprintf("c%d", i)))
		case 1:
			res.add(fx.update(ctx, in, wl, i, fmt.Sprintf("u%d", i)))
		case 2, 3, 4, 5:
			res.add(fx.read(ctx, in, i*7919)) // spread over the customers
		case 6, 7, 8:
			res.add(in.query(ctx, relDirectoryQuery, nil))
		default:
			res.add(fx.read(ctx, in, i%10)) // a few hot contacts
		}
	})
	elapsed := time.Since(start)
	<-sampled
	end := sampleMem()
	_ = fx.fake.SetFaults(gladlytest.Faults{})

	// Once the clients' idle connections are closed, the goroutines serving them end; gladgraph's
	// own pooled connections to Gladly (up to 100 per host, each with its reader and writer) end
	// when the fake closes them idle after 2 s, later on a loaded machine.
	in.http.CloseIdleConnections()
	settled := sampleMem()
	for deadline := time.Now().Add(30 * time.Second); settled.Goroutines > before.Goroutines+10 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		settled = sampleMem()
	}

	if p := os.Getenv("GLADGRAPH_SOAK_HEAPPROFILE"); p != "" {
		// The live heap at the end of the load, to tell gladgraph's share from the fake's:
		// go tool pprof -sample_index=inuse_space -top <file>
		writeHeapProfile(t, p)
	}
	t.Logf("soak: %v at concurrency %d: %s; %.0f requests/s", elapsed.Round(time.Millisecond), workers, res, float64(res.requests)/elapsed.Seconds())
	t.Logf("soak: %d Gladly requests (%.0f/s, 20%% 5xx and 10%% 429 injected); %s", fx.fake.TotalCalls(), float64(fx.fake.TotalCalls())/elapsed.Seconds(), wl.verify(t, fx.fake))
	t.Logf("soak: before load %s; early %s; mid %s; late %s; end %s; settled %s", before, samples["early"], samples["mid"], samples["late"], end, settled)
	res.check(t)
	if res.requests == 0 {
		t.Fatal("no request completed")
	}
	if settled.Goroutines > before.Goroutines+10 {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("goroutines: %d before the load, %d after it settled: a leak; the goroutines now:\n%s", before.Goroutines, settled.Goroutines, buf)
	}
	if long {
		// Under steady load the heap holds what the load keeps in flight plus the fake's
		// growing data: from the early sample to the end it may grow, but not without bound.
		if e, l := samples["early"], end; l.HeapMiB > 2*e.HeapMiB+32 {
			t.Errorf("heap grew from %.1f MiB early to %.1f MiB at the end", e.HeapMiB, l.HeapMiB)
		}
		if e, l := samples["early"], samples["late"]; l.Goroutines > 2*e.Goroutines+50 {
			t.Errorf("goroutines grew from %d early to %d late in the load", e.Goroutines, l.Goroutines)
		}
	}
}

func writeHeapProfile(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		t.Fatal(err)
	}
}
