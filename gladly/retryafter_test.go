package gladly_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in    string
		limit time.Duration
		want  time.Duration
		ok    bool
	}{
		{"3", 0, 3 * time.Second, true},
		{" 120 ", time.Minute, time.Minute, true},
		{"3600", gladly.DefaultMaxRetryAfter, gladly.DefaultMaxRetryAfter, true},
		{now.Add(5 * time.Second).Format(http.TimeFormat), 0, 5 * time.Second, true},
		{now.Add(2 * time.Hour).Format(http.TimeFormat), time.Minute, time.Minute, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, 0, true},
		{"99999999999999999999", time.Minute, time.Minute, true},
		{"", 0, 0, false},
		{"-1", 0, 0, false},
		{"soon", 0, 0, false},
	} {
		got, ok := gladly.ParseRetryAfter(tc.in, now, tc.limit)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q, cap %v) = %v, %v; want %v, %v", tc.in, tc.limit, got, ok, tc.want, tc.ok)
		}
	}
}

// TestRetryAfterHTTPDateIsRead: the HTTP-date form of Retry-After reaches the error (it was
// ignored), capped by WithMaxRetryAfter.
func TestRetryAfterHTTPDateIsRead(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t)
	cl := newClient(t, srv, gladly.WithRetry(gladly.NoRetry()), gladly.WithMaxRetryAfter(7*time.Second))
	srv.FailNext("getOrganization", gladlytest.Fault{Kind: gladlytest.FaultRateLimit, RetryAfter: time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)})
	_, _, err := cl.Organization.Get(t.Context())
	var rl *gladly.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("err = %v (%+v); want a 429 with RetryAfter capped at 7s", err, rl)
	}
}

// TestRetryAfterPausesTheWholeClient: a 429 with Retry-After: 3600 pauses every request of the
// account (capped at the client's maximum): a request whose deadline comes before the pause ends
// fails at once as rate limited without reaching Gladly; one that can wait, waits.
func TestRetryAfterPausesTheWholeClient(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t)
	cl := newClient(t, srv, gladly.WithRetry(gladly.NoRetry()), gladly.WithRateLimit(gladly.NewWindowLimiter(10, time.Second)),
		gladly.WithMaxRetryAfter(time.Second))
	srv.FailNext("getOrganization", gladlytest.Fault{Kind: gladlytest.FaultRateLimit, RetryAfter: "3600"})
	if _, _, err := cl.Organization.Get(t.Context()); !gladly.IsRateLimited(err) {
		t.Fatalf("first call: %v, want the injected 429", err)
	}
	srv.ResetStats()

	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, _, err := cl.Agents.List(ctx)
	var rl *gladly.RateLimitError
	if !errors.As(err, &rl) || !rl.Paused || rl.RetryAfter <= 0 || rl.RetryAfter > time.Second {
		t.Fatalf("during the pause: %v (%+v); want a local rate-limit refusal with RetryAfter ≤ 1s", err, rl)
	}
	if n := srv.TotalCalls(); n != 0 {
		t.Errorf("%d calls reached Gladly during the pause, want 0", n)
	}

	start := time.Now()
	if _, _, err := cl.Agents.List(t.Context()); err != nil {
		t.Fatalf("a request that can wait: %v", err)
	}
	if waited := time.Since(start); waited < 500*time.Millisecond {
		t.Errorf("a request that can wait went after %v, before the pause ended", waited)
	}
}

// TestCancelledWaitsReleaseTheirSlots: requests that give up while queued in the limiter give
// their reservations back, so that a request after them is not queued behind abandoned ones.
func TestCancelledWaitsReleaseTheirSlots(t *testing.T) {
	t.Parallel()
	l := gladly.NewWindowLimiter(1, time.Second)
	if _, err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	errs := make(chan error, 20)
	for range 20 {
		go func() { _, err := l.Wait(ctx); errs <- err }()
	}
	for l.Queued() < 20 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	for range 20 {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Fatalf("abandoned wait: %v", err)
		}
	}
	if n := l.Queued(); n != 0 {
		t.Errorf("%d reservations still queued after their requests left", n)
	}
	// Without the release, the next slot would be 20 windows away, past this deadline.
	dctx, dcancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer dcancel()
	if _, err := l.Wait(dctx); err != nil {
		t.Errorf("the next request: %v", err)
	}
}
