package loaders

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// MemoryCache is the in-process Cache used when no Redis is configured: an LRU bounded by bytes,
// with per-entry TTLs, tags and the same write-back rule as Redis. Its clock is a counter, so the
// ordering of reads and invalidations is exact.
type MemoryCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	lru      *list.List // of *memEntry, most recent first
	entries  map[string]*list.Element
	tags     map[string]map[string]struct{} // tag → keys
	marks    map[string]memMark             // tag → last invalidation
	clock    Stamp
	now      func() time.Time
}

type memEntry struct {
	key     string
	value   []byte
	expires time.Time
	tags    []string
}

type memMark struct {
	at      Stamp
	expires time.Time
}

// NewMemoryCache returns an in-process cache holding at most maxBytes of values (keys and
// bookkeeping included, approximately).
func NewMemoryCache(maxBytes int) *MemoryCache {
	return &MemoryCache{
		maxBytes: maxBytes,
		lru:      list.New(),
		entries:  map[string]*list.Element{},
		tags:     map[string]map[string]struct{}{},
		marks:    map[string]memMark{},
		now:      time.Now,
	}
}

// Get returns the live values of keys.
func (c *MemoryCache) Get(_ context.Context, keys []string) ([][]byte, Stamp, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		el, ok := c.entries[k]
		if !ok {
			continue
		}
		e := el.Value.(*memEntry)
		if !now.Before(e.expires) {
			c.remove(el)
			continue
		}
		c.lru.MoveToFront(el)
		vals[i] = e.value
	}
	c.clock++
	return vals, c.clock, nil
}

// Set writes entries not invalidated since at.
func (c *MemoryCache) Set(_ context.Context, at Stamp, entries []Entry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for _, e := range entries {
		if c.invalidatedSince(e.Tags, at, now) {
			continue
		}
		if el, ok := c.entries[e.Key]; ok {
			c.remove(el)
		}
		me := &memEntry{key: e.Key, value: e.Value, expires: now.Add(e.TTL), tags: e.Tags}
		c.entries[e.Key] = c.lru.PushFront(me)
		c.bytes += size(me)
		for _, t := range e.Tags {
			set, ok := c.tags[t]
			if !ok {
				set = map[string]struct{}{}
				c.tags[t] = set
			}
			set[e.Key] = struct{}{}
		}
	}
	for c.bytes > c.maxBytes && c.lru.Len() > 0 {
		c.remove(c.lru.Back())
	}
	return nil
}

func (c *MemoryCache) invalidatedSince(tags []string, at Stamp, now time.Time) bool {
	for _, t := range tags {
		if m, ok := c.marks[t]; ok {
			if !now.Before(m.expires) {
				delete(c.marks, t)
				continue
			}
			if m.at >= at {
				return true
			}
		}
	}
	return false
}

// Invalidate drops every entry tagged with one of tags.
func (c *MemoryCache) Invalidate(_ context.Context, tags []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	expires := c.now().Add(invalidationMemory)
	for _, t := range tags {
		for k := range c.tags[t] {
			if el, ok := c.entries[k]; ok {
				c.remove(el)
			}
		}
		delete(c.tags, t)
		c.marks[t] = memMark{at: c.clock, expires: expires}
	}
	if len(c.marks) > 4096 { // forget expired marks now and then
		now := c.now()
		for t, m := range c.marks {
			if !now.Before(m.expires) {
				delete(c.marks, t)
			}
		}
	}
	return nil
}

// Ping always succeeds.
func (c *MemoryCache) Ping(context.Context) error { return nil }

// Len returns the number of entries held (expired ones included until touched).
func (c *MemoryCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

func (c *MemoryCache) remove(el *list.Element) {
	e := el.Value.(*memEntry)
	c.lru.Remove(el)
	delete(c.entries, e.key)
	c.bytes -= size(e)
	for _, t := range e.tags {
		if set, ok := c.tags[t]; ok {
			delete(set, e.key)
			if len(set) == 0 {
				delete(c.tags, t)
			}
		}
	}
}

func size(e *memEntry) int {
	n := len(e.key) + len(e.value) + 64
	for _, t := range e.tags {
		n += len(t) + 16
	}
	return n
}
