package loaders

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStatsNilSafe(t *testing.T) {
	t.Parallel()
	s := StatsFrom(t.Context())
	if s != nil {
		t.Fatalf("StatsFrom(context without stats) = %v, want nil", s)
	}
	// None of these may panic on a nil *Stats.
	s.AddUpstreamCall()
	s.AddCacheHits(2)
	s.AddCacheMisses(1)
	s.SetOperationName("Q")
	s.ObserveTTL(time.Second)
	if got := s.OperationName(); got != "" {
		t.Errorf("OperationName() = %q on nil", got)
	}
	if _, ok := s.MinTTL(); ok {
		t.Error("MinTTL() ok on nil")
	}
	if diff := cmp.Diff(StatsSnapshot{}, s.Snapshot()); diff != "" {
		t.Errorf("Snapshot() on nil (-want +got):\n%s", diff)
	}
}

func TestStatsCounts(t *testing.T) {
	t.Parallel()
	ctx, s := WithStats(t.Context())
	if StatsFrom(ctx) != s {
		t.Fatal("StatsFrom does not return the Stats WithStats made")
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			StatsFrom(ctx).AddUpstreamCall()
			StatsFrom(ctx).AddCacheHits(2)
			StatsFrom(ctx).AddCacheMisses(1)
		})
	}
	wg.Wait()
	s.SetOperationName("Ada")
	s.ObserveTTL(time.Minute)
	s.ObserveTTL(30 * time.Second)
	s.ObserveTTL(5 * time.Minute)
	want := StatsSnapshot{Operation: "Ada", UpstreamCalls: 50, CacheHits: 100, CacheMisses: 50, MinTTL: 30 * time.Second, HasTTL: true}
	if diff := cmp.Diff(want, s.Snapshot()); diff != "" {
		t.Errorf("Snapshot (-want +got):\n%s", diff)
	}
	s.ObserveTTL(0) // something uncacheable was read
	if ttl, ok := s.MinTTL(); !ok || ttl != 0 {
		t.Errorf("MinTTL after an uncacheable read = %v, %v; want 0, true", ttl, ok)
	}
}
