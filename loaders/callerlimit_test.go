package loaders

import (
	"context"
	"errors"
	"testing"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// TestCallerLimiterSharesOneBucketAcrossReplicas: a caller's calls count in one bucket whichever
// replica makes them; another caller keeps its own share; work with no caller identity passes.
func TestCallerLimiterSharesOneBucketAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	a := NewCallerLimiter(srv.Client(t), srv.Prefix, "acme.gladly.com", 0.5, 3, testLogger(t))
	b := NewCallerLimiter(srv.Client(t), srv.Prefix, "acme.gladly.com", 0.5, 3, testLogger(t))
	testCallerBuckets(t, a, b)
}

// TestCallerLimiterInProcess: without Redis, the same buckets in the process.
func TestCallerLimiterInProcess(t *testing.T) {
	t.Parallel()
	l := NewCallerLimiter(nil, "", "acme.gladly.com", 0.5, 3, testLogger(t))
	testCallerBuckets(t, l, l)
}

func testCallerBuckets(t *testing.T, a, b *CallerLimiter) {
	t.Helper()
	abuser := caller.With(t.Context(), &caller.Caller{Kind: caller.KindAPIKey, Subject: "key-1", AccountID: "acct"})
	polite := caller.WithAddress(t.Context(), "203.0.113.9")
	for i, l := range []*CallerLimiter{a, b, a} { // the burst of 3, over two replicas
		if _, err := l.Wait(abuser); err != nil {
			t.Fatalf("call %d within the burst: %v", i, err)
		}
	}
	_, err := b.Wait(abuser)
	var rl *CallerRateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > 2e9 {
		t.Fatalf("fourth call: %v; want a refusal with a retry within 2 s", err)
	}
	if _, err := a.Wait(polite); err != nil {
		t.Errorf("another caller was refused: %v", err)
	}
	for range 10 {
		if _, err := a.Wait(context.Background()); err != nil {
			t.Fatalf("in-process work without a caller: %v", err)
		}
	}
}
