package loaders

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Stats counts what one request cost: the access log and the metrics read it when the request
// ends, the Cache-Control header is derived from the smallest TTL. The server puts a fresh one in
// every request's context; loaders, the cache and the Gladly observer add to it. Every method is
// safe on a nil *Stats (a context without one), so producers never need to check.
type Stats struct {
	// UpstreamCalls counts HTTP attempts sent to Gladly (a retried call counts each attempt:
	// each one spends the organization's rate limit).
	UpstreamCalls atomic.Int64
	// CacheHits and CacheMisses count response-cache lookups by key.
	CacheHits   atomic.Int64
	CacheMisses atomic.Int64

	mu        sync.Mutex
	operation string
	minTTL    time.Duration
	hasTTL    bool
}

type statsKey struct{}

// WithStats returns a context carrying a fresh Stats, and that Stats.
func WithStats(ctx context.Context) (context.Context, *Stats) {
	s := &Stats{}
	return context.WithValue(ctx, statsKey{}, s), s
}

// StatsFrom returns the request's Stats, or nil (on which every method is a no-op).
func StatsFrom(ctx context.Context) *Stats {
	s, _ := ctx.Value(statsKey{}).(*Stats)
	return s
}

// AddUpstreamCall counts one HTTP attempt to Gladly.
func (s *Stats) AddUpstreamCall() {
	if s != nil {
		s.UpstreamCalls.Add(1)
	}
}

// AddCacheHits counts n keys found in the response cache.
func (s *Stats) AddCacheHits(n int) {
	if s != nil && n > 0 {
		s.CacheHits.Add(int64(n))
	}
}

// AddCacheMisses counts n keys missing from the response cache.
func (s *Stats) AddCacheMisses(n int) {
	if s != nil && n > 0 {
		s.CacheMisses.Add(int64(n))
	}
}

// SetOperationName records the GraphQL operation's name (empty for anonymous operations).
func (s *Stats) SetOperationName(name string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.operation = name
	s.mu.Unlock()
}

// OperationName returns the recorded GraphQL operation name.
func (s *Stats) OperationName() string {
	if s == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.operation
}

// ObserveTTL records that the response read something cacheable for ttl. Zero (or negative)
// means something uncacheable was read, which makes the whole response uncacheable.
func (s *Stats) ObserveTTL(ttl time.Duration) {
	if s == nil {
		return
	}
	ttl = max(ttl, 0)
	s.mu.Lock()
	if !s.hasTTL || ttl < s.minTTL {
		s.minTTL, s.hasTTL = ttl, true
	}
	s.mu.Unlock()
}

// MinTTL returns the smallest TTL observed; ok is false when nothing was observed.
func (s *Stats) MinTTL() (ttl time.Duration, ok bool) {
	if s == nil {
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.minTTL, s.hasTTL
}

// StatsSnapshot is a plain copy of a Stats, for logs and metrics.
type StatsSnapshot struct {
	Operation     string
	UpstreamCalls int64
	CacheHits     int64
	CacheMisses   int64
	MinTTL        time.Duration
	HasTTL        bool
}

// Snapshot copies the current values (zero for a nil Stats).
func (s *Stats) Snapshot() StatsSnapshot {
	if s == nil {
		return StatsSnapshot{}
	}
	ttl, ok := s.MinTTL()
	return StatsSnapshot{
		Operation:     s.OperationName(),
		UpstreamCalls: s.UpstreamCalls.Load(),
		CacheHits:     s.CacheHits.Load(),
		CacheMisses:   s.CacheMisses.Load(),
		MinTTL:        ttl,
		HasTTL:        ok,
	}
}
