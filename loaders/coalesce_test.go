package loaders

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedCache holds its first Get until open is closed, and records every Get's keys.
type gatedCache struct {
	Cache
	open  chan struct{}
	first atomic.Bool
	mu    sync.Mutex
	gets  [][]string
}

func (g *gatedCache) Get(ctx context.Context, keys []string) ([][]byte, Stamp, error) {
	g.mu.Lock()
	g.gets = append(g.gets, keys)
	g.mu.Unlock()
	if g.first.CompareAndSwap(false, true) {
		<-g.open
	}
	return g.Cache.Get(ctx, keys)
}

// TestCoalescedReadsShareOneRoundTrip: reads arriving while the only allowed round trip is on the
// wire wait for it, then go out together as one read of the union of their keys; a read arriving
// when nothing is in flight goes out at once (no timer).
func TestCoalescedReadsShareOneRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	mem := NewMemoryCache(1 << 20)
	var entries []Entry
	for i := range 10 {
		k := fmt.Sprintf("customer:%d", i)
		entries = append(entries, Entry{Key: k, Value: []byte("v" + k), TTL: time.Minute, Tags: []string{k}})
	}
	_, at, _ := mem.Get(ctx, nil)
	if err := mem.Set(ctx, at, entries); err != nil {
		t.Fatal(err)
	}
	g := &gatedCache{Cache: mem, open: make(chan struct{})}
	c := NewCoalesced(g, 1)

	firstDone := make(chan struct{})
	go func() {
		defer close(firstDone)
		if vals, _, err := c.Get(ctx, []string{"customer:0"}); err != nil || string(vals[0]) != "vcustomer:0" {
			t.Errorf("first read: %q %v", vals, err)
		}
	}()
	waitFor(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.gets) == 1 })

	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys := []string{fmt.Sprintf("customer:%d", i), "customer:9", "missing"}
			vals, _, err := c.Get(ctx, keys)
			if err != nil || string(vals[0]) != "v"+keys[0] || string(vals[1]) != "vcustomer:9" || vals[2] != nil {
				t.Errorf("queued read %v: %q %v", keys, vals, err)
			}
		}()
	}
	waitFor(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return len(c.queue) == 10 })
	close(g.open)
	wg.Wait()
	<-firstDone

	if len(g.gets) != 2 {
		t.Fatalf("%d round trips for 11 reads, want 2 (the first, then the 10 queued together)", len(g.gets))
	}
	if n := len(g.gets[1]); n != 11 {
		t.Errorf("the shared round trip read %d keys, want the 11 distinct ones", n)
	}
	// Nothing in flight: the next read goes out at once, alone.
	if _, _, err := c.Get(ctx, []string{"customer:3"}); err != nil || len(g.gets) != 3 {
		t.Fatalf("idle read: %v, %d round trips", err, len(g.gets))
	}
}

// TestCoalescedQueuedReadStopsWithItsCaller: a read waiting for the next round trip returns when
// its caller gives up.
func TestCoalescedQueuedReadStopsWithItsCaller(t *testing.T) {
	t.Parallel()
	g := &gatedCache{Cache: NewMemoryCache(1 << 20), open: make(chan struct{})}
	defer close(g.open)
	c := NewCoalesced(g, 1)
	go func() { _, _, _ = c.Get(context.Background(), []string{"a"}) }()
	waitFor(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.gets) == 1 })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := c.Get(ctx, []string{"b"}); err != context.Canceled {
		t.Fatalf("queued read of a cancelled caller: %v, want context.Canceled", err)
	}
}
