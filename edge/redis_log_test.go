package edge

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// TestRedisLoggerThrottles: a flood of go-redis dial failures (Redis down under load) becomes one
// line per kind per interval, which then says how many were held back.
func TestRedisLoggerThrottles(t *testing.T) {
	t.Parallel()
	var buf strings.Builder
	now := time.Unix(1000, 0)
	l := NewRedisLogger(zerolog.New(&buf))
	l.now = func() time.Time { return now }
	ctx := context.Background()
	for i := range 500 {
		l.Printf(ctx, "redis: connection pool: failed to dial after %d attempts: %v", 5, "connection refused")
		if i%100 == 0 {
			l.Printf(ctx, "redis: failed to close connection: %v", "closed")
		}
		now = now.Add(time.Millisecond)
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Fatalf("%d lines for 500 dial failures and 5 close failures in 0.5 s, want 2 (one per kind):\n%s", n, buf.String())
	}
	now = now.Add(time.Minute)
	l.Printf(ctx, "redis: connection pool: failed to dial after %d attempts: %v", 5, "connection refused")
	var lines []map[string]any
	for line := range strings.Lines(buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, line)
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 || lines[2]["suppressed"] != float64(499) {
		t.Errorf("after the interval: %v, want a third line with suppressed=499", lines)
	}
}
