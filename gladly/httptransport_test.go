package gladly_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// TestDefaultTransportKeepsConnections: a client built without an HTTP client of its own keeps
// idle connections for a whole batch of concurrent calls, so the next batch opens none (Go's
// default transport keeps 2 per host and would open ~30 again).
func TestDefaultTransportKeepsConnections(t *testing.T) {
	t.Parallel()
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithLatency(50*time.Millisecond, 0), gladlytest.WithRequestLog(1000))
	c, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	const batch = 32
	round := func() {
		var wg sync.WaitGroup
		for range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := c.Agents.List(context.Background()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	conns := func() map[string]bool {
		m := map[string]bool{}
		for _, r := range fake.Requests() {
			m[r.Conn] = true
		}
		return m
	}
	round()
	first := conns()
	if len(first) < batch/2 {
		t.Fatalf("the first batch used %d connection(s): too few calls overlapped for the test to prove anything", len(first))
	}
	round()
	opened := 0
	for addr := range conns() {
		if !first[addr] {
			opened++
		}
	}
	// Every connection of the first batch was kept: only calls beyond that many (when more
	// overlapped this time) may need a new one. Go's default transport keeps 2 and would open
	// nearly all of them again.
	if limit := batch - len(first); opened > limit {
		t.Errorf("the second batch of %d calls opened %d new connections, want at most %d (the first used %d)", batch, opened, limit, len(first))
	}
}

// TestConnCounter counts new and reused connections.
func TestConnCounter(t *testing.T) {
	t.Parallel()
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cc := &gladly.ConnCounter{Base: gladly.NewTransport(4)}
	c, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}),
		gladly.WithHTTPClient(&http.Client{Transport: cc}))
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, _, err := c.Agents.List(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if cc.New.Load() != 1 || cc.Reused.Load() != 4 {
		t.Errorf("5 sequential calls: %d new, %d reused connections; want 1 and 4", cc.New.Load(), cc.Reused.Load())
	}
}
