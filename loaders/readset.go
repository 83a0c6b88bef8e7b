package loaders

import (
	"context"
	"sync"
	"time"
)

// ReadSet records what one operation read through the loaders: the cache tags of every answer
// (an answer's key, and the objects it holds) and the shortest TTL among them. A response built
// from those answers is stale exactly when one of the tags is invalidated or one of the answers
// expires, so the operation-level response cache (package opcache) tags its entries with them
// and gives them that TTL: the invalidations of today's entries drop it too.
type ReadSet struct {
	mu     sync.Mutex
	tags   map[string]struct{}
	minTTL time.Duration
	hasTTL bool
}

type readSetKey struct{}

// WithReadSet returns ctx recording the reads made under it, and the ReadSet.
func WithReadSet(ctx context.Context) (context.Context, *ReadSet) {
	rs := &ReadSet{tags: map[string]struct{}{}}
	return context.WithValue(ctx, readSetKey{}, rs), rs
}

// readSetFrom returns ctx's ReadSet, or nil (every method is a no-op on nil).
func readSetFrom(ctx context.Context) *ReadSet {
	rs, _ := ctx.Value(readSetKey{}).(*ReadSet)
	return rs
}

func (rs *ReadSet) addTags(tags ...string) {
	if rs == nil {
		return
	}
	rs.mu.Lock()
	for _, t := range tags {
		rs.tags[t] = struct{}{}
	}
	rs.mu.Unlock()
}

func (rs *ReadSet) observeTTL(ttl time.Duration) {
	if rs == nil {
		return
	}
	ttl = max(ttl, 0)
	rs.mu.Lock()
	if !rs.hasTTL || ttl < rs.minTTL {
		rs.minTTL, rs.hasTTL = ttl, true
	}
	rs.mu.Unlock()
}

// Tags returns the tags read (in no order).
func (rs *ReadSet) Tags() []string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := make([]string, 0, len(rs.tags))
	for t := range rs.tags {
		out = append(out, t)
	}
	return out
}

// TTL returns how long what was read may be kept: the shortest TTL read, 0 when something
// volatile (or uncached) was read; ok is false when nothing was read through the loaders.
func (rs *ReadSet) TTL() (ttl time.Duration, ok bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.minTTL, rs.hasTTL
}
