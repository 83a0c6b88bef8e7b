package loaders

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// TestAbandonedBatchStopsCallingGladly: an _entities-style batch of 500 contacts whose caller
// leaves after a moment stops costing Gladly calls (it ran on for ~30 s, the organization's whole
// budget for nobody).
func TestAbandonedBatchStopsCallingGladly(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithSize(gladlytest.Size{Customers: 520}))
	client, err := gladly.NewClient(srv.URL, gladly.WithBasicAuth(srv.Username, srv.Token),
		gladly.WithRateLimit(gladly.NewWindowLimiter(gladly.DefaultRequestsPerSecond, time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	factory := NewFactory(client, NewStore(NewMemoryCache(64<<20)))
	ids := srv.CustomerIDs()[:500]
	srv.ResetStats()

	ctx, cancel := context.WithTimeout(factory.WithLoaders(t.Context()), 500*time.Millisecond)
	defer cancel()
	if _, err := For(ctx).Contacts.LoadAll(ctx, ids); err == nil {
		t.Fatal("500 contacts at 10/s loaded within 500 ms")
	}
	time.Sleep(300 * time.Millisecond) // calls already on the wire land
	settled := srv.Calls("getCustomer")
	time.Sleep(2 * time.Second)
	if after := srv.Calls("getCustomer"); after != settled {
		t.Errorf("Gladly got %d more calls in the 2 s after the caller left (%d before)", after-settled, settled)
	}
	if settled >= 50 {
		t.Errorf("%d calls for a caller that waited 500 ms", settled)
	}
	t.Logf("calls made for the abandoned batch: %d of 500", settled)
}

// TestSharedFetchRunsWhileAnyoneWaits: a fetch two callers share keeps running when one leaves,
// and stops when the last one does.
func TestSharedFetchRunsWhileAnyoneWaits(t *testing.T) {
	t.Parallel()
	var g flightGroup
	started := make(chan struct{})
	stopped := make(chan error, 1)
	release := make(chan struct{})
	fetch := func(ctx context.Context) (fetched, error) {
		close(started)
		select {
		case <-ctx.Done():
			stopped <- ctx.Err()
			return fetched{}, ctx.Err()
		case <-release:
			return fetched{Body: []byte(`{}`)}, nil
		}
	}
	ctxA, cancelA := context.WithCancel(t.Context())
	ctxB, cancelB := context.WithCancel(t.Context())
	resA := make(chan error, 1)
	go func() { _, err := g.do(ctxA, "k", time.Minute, fetch); resA <- err }()
	<-started
	resB := make(chan error, 1)
	go func() { _, err := g.do(ctxB, "k", time.Minute, fetch); resB <- err }()
	for {
		g.mu.Lock()
		w := g.m["k"].waiters
		g.mu.Unlock()
		if w == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancelA()
	if err := <-resA; !errors.Is(err, context.Canceled) {
		t.Fatalf("the caller that left: %v", err)
	}
	select {
	case err := <-stopped:
		t.Fatalf("the fetch stopped (%v) while a caller still waited", err)
	default:
	}
	cancelB()
	if err := <-resB; !errors.Is(err, context.Canceled) {
		t.Fatalf("the last caller: %v", err)
	}
	if err := <-stopped; !errors.Is(err, context.Canceled) {
		t.Errorf("the fetch ended with %v after the last caller left", err)
	}
	if n := g.inFlight(); n != 0 {
		t.Errorf("%d calls still registered", n)
	}
}
