package redistest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestNew(t *testing.T) {
	t.Parallel()
	srv := New(t)
	c := srv.Client(t)
	key := srv.Key("greeting")
	if !strings.HasPrefix(key, srv.Prefix) {
		t.Fatalf("Key() = %q, not under prefix %q", key, srv.Prefix)
	}
	if err := c.Set(t.Context(), key, "hello", time.Minute).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	got, err := c.Get(t.Context(), key).Result()
	if err != nil || got != "hello" {
		t.Fatalf("GET = %q, %v; want hello", got, err)
	}
}

func TestPrefixesDiffer(t *testing.T) {
	t.Parallel()
	if a, b := New(t), New(t); a.Prefix == b.Prefix {
		t.Fatalf("two servers share prefix %q", a.Prefix)
	}
}

func TestClosedURL(t *testing.T) {
	t.Parallel()
	opts, err := redis.ParseURL(ClosedURL(t))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("PING to ClosedURL succeeded")
	}
}
