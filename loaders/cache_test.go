package loaders

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// backends returns each Cache implementation for conformance tests.
func backends(t *testing.T) map[string]func(t *testing.T) Cache {
	return map[string]func(t *testing.T) Cache{
		"memory": func(t *testing.T) Cache { return NewMemoryCache(1 << 20) },
		"redis": func(t *testing.T) Cache {
			srv := redistest.New(t)
			return NewRedisCache(srv.Client(t), srv.Prefix+"{ns}:")
		},
	}
}

func TestCacheConformance(t *testing.T) {
	t.Parallel()
	for name, mk := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()

			t.Run("read back what was written", func(t *testing.T) {
				c := mk(t)
				vals, at, err := c.Get(ctx, []string{"a", "b"})
				if err != nil || vals[0] != nil || vals[1] != nil {
					t.Fatalf("empty cache: %q %v", vals, err)
				}
				if err := c.Set(ctx, at, []Entry{{Key: "a", Value: []byte("1"), TTL: time.Minute, Tags: []string{"a"}}}); err != nil {
					t.Fatal(err)
				}
				vals, _, err = c.Get(ctx, []string{"a", "b"})
				if err != nil || string(vals[0]) != "1" || vals[1] != nil {
					t.Fatalf("after write: %q %v", vals, err)
				}
			})

			t.Run("invalidating a tag drops every entry carrying it", func(t *testing.T) {
				c := mk(t)
				_, at, _ := c.Get(ctx, nil)
				_ = c.Set(ctx, at, []Entry{
					{Key: "customer:1", Value: []byte("c1"), TTL: time.Minute, Tags: []string{"customer:1"}},
					{Key: "lookup:x", Value: []byte("[c1,c2]"), TTL: time.Minute, Tags: []string{"lookup:x", "customer:1", "customer:2"}},
					{Key: "customer:2", Value: []byte("c2"), TTL: time.Minute, Tags: []string{"customer:2"}},
				})
				if err := c.Invalidate(ctx, []string{"customer:1"}); err != nil {
					t.Fatal(err)
				}
				vals, _, _ := c.Get(ctx, []string{"customer:1", "lookup:x", "customer:2"})
				if vals[0] != nil || vals[1] != nil || string(vals[2]) != "c2" {
					t.Fatalf("after invalidating customer:1: %q", vals)
				}
			})

			t.Run("a write-back after an invalidation is dropped", func(t *testing.T) {
				c := mk(t)
				// A loader reads (miss), Gladly answers slowly, meanwhile a write invalidates.
				_, at, _ := c.Get(ctx, []string{"task:9"})
				if err := c.Invalidate(ctx, []string{"task:9"}); err != nil {
					t.Fatal(err)
				}
				_ = c.Set(ctx, at, []Entry{{Key: "task:9", Value: []byte("stale"), TTL: time.Minute, Tags: []string{"task:9"}}})
				vals, at2, _ := c.Get(ctx, []string{"task:9"})
				if vals[0] != nil {
					t.Fatalf("stale write-back survived an invalidation: %q", vals[0])
				}
				// A read that starts after the invalidation writes back normally.
				_ = c.Set(ctx, at2, []Entry{{Key: "task:9", Value: []byte("fresh"), TTL: time.Minute, Tags: []string{"task:9"}}})
				if vals, _, _ := c.Get(ctx, []string{"task:9"}); string(vals[0]) != "fresh" {
					t.Fatalf("fresh write-back: %q", vals[0])
				}
			})

			t.Run("entries expire", func(t *testing.T) {
				c := mk(t)
				_, at, _ := c.Get(ctx, nil)
				_ = c.Set(ctx, at, []Entry{{Key: "k", Value: []byte("v"), TTL: 50 * time.Millisecond, Tags: []string{"k"}}})
				deadline := time.Now().Add(5 * time.Second)
				for {
					vals, _, _ := c.Get(ctx, []string{"k"})
					if vals[0] == nil {
						return
					}
					if time.Now().After(deadline) {
						t.Fatal("entry did not expire")
					}
					time.Sleep(20 * time.Millisecond)
				}
			})
		})
	}
}

func TestMemoryCacheIsBounded(t *testing.T) {
	t.Parallel()
	c := NewMemoryCache(10 << 10)
	_, at, _ := c.Get(t.Context(), nil)
	for i := range 1000 {
		_ = c.Set(t.Context(), at, []Entry{{Key: fmt.Sprint(i), Value: make([]byte, 100), TTL: time.Minute}})
	}
	if n := c.Len(); n >= 1000 || n == 0 {
		t.Fatalf("%d entries held within 10 KiB", n)
	}
	vals, _, _ := c.Get(t.Context(), []string{"0", "999"})
	if vals[0] != nil || vals[1] == nil {
		t.Errorf("least recently used not evicted first: %v", vals)
	}
}

func TestNamespacesSeparateTenants(t *testing.T) {
	t.Parallel()
	if Namespace("v1", "acme.gladly.com|a@acme.com") == Namespace("v1", "acme.gladly.com|b@acme.com") {
		t.Fatal("two API users of one organization share a namespace")
	}
	if Namespace("v1", "t") == Namespace("v2", "t") {
		t.Fatal("two schema versions share a namespace")
	}
	srv := redistest.New(t)
	rdb := srv.Client(t)
	a := NewRedisCache(rdb, srv.Prefix+Namespace("v1", "tenant-a"))
	b := NewRedisCache(rdb, srv.Prefix+Namespace("v1", "tenant-b"))
	_, at, _ := a.Get(t.Context(), nil)
	_ = a.Set(t.Context(), at, []Entry{{Key: "customer:1", Value: []byte("a's"), TTL: time.Minute, Tags: []string{"customer:1"}}})
	if vals, _, _ := b.Get(t.Context(), []string{"customer:1"}); vals[0] != nil {
		t.Fatalf("tenant b read tenant a's entry: %q", vals[0])
	}
	_ = b.Invalidate(t.Context(), []string{"customer:1"})
	if vals, _, _ := a.Get(t.Context(), []string{"customer:1"}); string(vals[0]) != "a's" {
		t.Fatalf("tenant b's invalidation reached tenant a: %q", vals[0])
	}
}

// countingCache counts round trips to the cache under it.
type countingCache struct {
	Cache
	gets, sets, invalidations atomic.Int64
}

func (c *countingCache) Get(ctx context.Context, keys []string) ([][]byte, Stamp, error) {
	c.gets.Add(1)
	return c.Cache.Get(ctx, keys)
}

func (c *countingCache) Set(ctx context.Context, at Stamp, entries []Entry) error {
	c.sets.Add(1)
	return c.Cache.Set(ctx, at, entries)
}

func (c *countingCache) Invalidate(ctx context.Context, tags []string) error {
	c.invalidations.Add(1)
	return c.Cache.Invalidate(ctx, tags)
}

// failingCache answers every call with an error while down is set.
type failingCache struct {
	Cache
	down atomic.Bool
}

var errDown = fmt.Errorf("cache down")

func (c *failingCache) Get(ctx context.Context, keys []string) ([][]byte, Stamp, error) {
	if c.down.Load() {
		return nil, 0, errDown
	}
	return c.Cache.Get(ctx, keys)
}

func (c *failingCache) Set(ctx context.Context, at Stamp, e []Entry) error {
	if c.down.Load() {
		return errDown
	}
	return c.Cache.Set(ctx, at, e)
}

func (c *failingCache) Invalidate(ctx context.Context, tags []string) error {
	if c.down.Load() {
		return errDown
	}
	return c.Cache.Invalidate(ctx, tags)
}

func (c *failingCache) Ping(ctx context.Context) error {
	if c.down.Load() {
		return errDown
	}
	return nil
}

func TestResilientBypassesAndReplays(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	under := &failingCache{Cache: NewMemoryCache(1 << 20)}
	var states []bool
	r := NewResilient(under, testLogger(t), WithProbeInterval(10*time.Millisecond), WithStateHook(func(up bool) { states = append(states, up) }))
	t.Cleanup(r.Close)

	_, at, _ := r.Get(ctx, nil)
	_ = r.Set(ctx, at, []Entry{{Key: "customer:1", Value: []byte("old"), TTL: time.Minute, Tags: []string{"customer:1"}}})

	under.down.Store(true)
	vals, _, err := r.Get(ctx, []string{"customer:1"})
	if err != nil || vals[0] != nil {
		t.Fatalf("down cache: %q %v; want a miss and no error", vals, err)
	}
	// A write while the cache is down: its invalidation must not be lost.
	_ = r.Invalidate(ctx, []string{"customer:1"})
	if r.Up() {
		t.Fatal("circuit still closed after failures")
	}
	under.down.Store(false)
	deadline := time.Now().Add(5 * time.Second)
	for !r.Up() {
		if time.Now().After(deadline) {
			t.Fatal("circuit did not close after the cache came back")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if vals, _, _ := r.Get(ctx, []string{"customer:1"}); vals[0] != nil {
		t.Fatalf("stale entry served after recovery: %q (the invalidation was not replayed)", vals[0])
	}
	if len(states) != 2 || states[0] || !states[1] {
		t.Errorf("state changes %v, want [false true]", states)
	}
}

func TestRedisKilledAndRestarted(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t) // a private server this test may kill
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	r := NewResilient(NewRedisCache(rdb, "gg:test:{t}:"), testLogger(t), WithProbeInterval(20*time.Millisecond))
	t.Cleanup(r.Close)
	ctx := t.Context()

	_, at, _ := r.Get(ctx, nil)
	_ = r.Set(ctx, at, []Entry{{Key: "k", Value: []byte("v"), TTL: time.Minute, Tags: []string{"k"}}})
	srv.Kill(t)
	for range 3 {
		if vals, _, err := r.Get(ctx, []string{"k"}); err != nil || vals[0] != nil {
			t.Fatalf("with Redis dead: %q %v; want misses and no error", vals, err)
		}
	}
	srv.Restart(t)
	deadline := time.Now().Add(10 * time.Second)
	for !r.Up() {
		if time.Now().After(deadline) {
			t.Fatal("cache not back in use after Redis restarted")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, at, _ = r.Get(ctx, nil)
	_ = r.Set(ctx, at, []Entry{{Key: "k2", Value: []byte("v2"), TTL: time.Minute, Tags: []string{"k2"}}})
	if vals, _, _ := r.Get(ctx, []string{"k2"}); string(vals[0]) != "v2" {
		t.Fatalf("after restart: %q", vals[0])
	}
}
