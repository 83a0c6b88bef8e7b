package loaders

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// TestCappedRedisCacheHoldsItsBytes: entries past the byte cap push out those closest to
// expiring, expired entries stop counting, a key already there is kept as it was, and an entry
// larger than the cap is never written.
func TestCappedRedisCacheHoldsItsBytes(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	c := NewCappedRedisCache(srv.Client(t), srv.Prefix+"{apq}:", 1000)
	ctx := t.Context()
	val := func(b byte) []byte { return bytes.Repeat([]byte{b}, 300) }
	keys := []string{"a", "b", "c", "d", "e"}
	for i, k := range keys {
		if err := c.Set(ctx, 0, []Entry{{Key: k, Value: val(byte('a' + i)), TTL: time.Hour}}); err != nil {
			t.Fatal(err)
		}
	}
	vals, _, err := c.Get(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		if want := i >= 2; (v != nil) != want {
			t.Errorf("%s kept = %v, want %v (1,500 bytes written under a cap of 1,000: the two oldest go)", keys[i], v != nil, want)
		}
	}
	if n, err := c.Bytes(ctx); err != nil || n != 900 {
		t.Errorf("bytes held = %d (%v), want 900", n, err)
	}

	// Written once: a second registration of a key changes nothing.
	if err := c.Set(ctx, 0, []Entry{{Key: "e", Value: []byte("other"), TTL: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	if vals, _, _ := c.Get(ctx, []string{"e"}); !bytes.Equal(vals[0], val('e')) {
		t.Errorf("e rewritten: %.20q", vals[0])
	}
	// Larger than the cap: never kept, nothing evicted for it.
	if err := c.Set(ctx, 0, []Entry{{Key: "huge", Value: []byte(strings.Repeat("x", 1001)), TTL: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	if vals, _, _ := c.Get(ctx, []string{"huge", "c"}); vals[0] != nil || vals[1] == nil {
		t.Errorf("an entry over the cap: kept %v, c evicted %v", vals[0] != nil, vals[1] == nil)
	}
	// Expired entries stop counting.
	if err := c.Set(ctx, 0, []Entry{{Key: "brief", Value: []byte("0123456789"), TTL: 50 * time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if err := c.Set(ctx, 0, []Entry{{Key: "f", Value: []byte("f"), TTL: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Bytes(ctx); n != 901 {
		t.Errorf("bytes held after an entry expired = %d, want 901", n)
	}
}
