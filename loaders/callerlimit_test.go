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

// TestCallerLimiterAdmitsWholeOperations: an operation reserves its estimate (at most the burst)
// at its first call, its calls draw on the reservation, what it did not use goes back; one whose
// calls are not all due is refused from its first call on, every call alike, with nothing taken;
// one that makes no call takes nothing. In Redis (every replica's bucket) and in process alike.
func TestCallerLimiterAdmitsWholeOperations(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	for name, l := range map[string]*CallerLimiter{
		"redis":      NewCallerLimiter(srv.Client(t), srv.Prefix, "acme.gladly.com", 0.1, 3, testLogger(t)),
		"in-process": NewCallerLimiter(nil, "", "acme.gladly.com", 0.1, 3, testLogger(t)),
	} {
		t.Run(name, func(t *testing.T) {
			ctx := caller.With(t.Context(), &caller.Caller{Kind: caller.KindAPIKey, Subject: "key-" + name, AccountID: "acct"})
			var rl *CallerRateLimitError

			// An operation answered from the cache alone takes nothing.
			_, done := l.Admit(ctx, 3)
			done()

			// An estimate over the burst reserves the burst at the first call; three calls draw
			// on it, a fourth on the (empty) bucket.
			op, done := l.Admit(ctx, 10)
			for i := range 3 {
				if _, err := l.Wait(op); err != nil {
					t.Fatalf("call %d within the reservation: %v", i, err)
				}
			}
			if _, err := l.Wait(op); !errors.As(err, &rl) {
				t.Fatalf("a call past the reservation and the bucket: %v, want a refusal", err)
			}
			done()
			op, done = l.Admit(ctx, 1)
			if _, err := l.Wait(op); !errors.As(err, &rl) || rl.RetryAfter <= 0 {
				t.Fatalf("an operation's first call with an empty bucket: %v, want a refusal saying when", err)
			}
			done()
			// Refused, the caller is turned away at the door until its call is due, at most a
			// second (its call is 10 s away here); others not.
			if d := l.RefusedFor(ctx); d <= 0 || d > maxDoorShut || rl.RetryAfter <= maxDoorShut {
				t.Errorf("RefusedFor after a refusal = %v (retry after %v), want (0, %v]", d, rl.RetryAfter, maxDoorShut)
			}
			if d := l.RefusedFor(caller.WithAddress(t.Context(), "203.0.113.7")); d != 0 {
				t.Errorf("RefusedFor of a caller never refused = %v", d)
			}
			l.mu.Lock()
			delete(l.refused, caller.Key(ctx)) // the rest of the test is about the bucket
			l.mu.Unlock()

			// Given back: an operation that used one of its three leaves two for the next.
			_, _ = l.take(ctx, -3)
			op, done = l.Admit(ctx, 3)
			if _, err := l.Wait(op); err != nil {
				t.Fatal(err)
			}
			done()
			done() // twice: nothing more given back
			// Three due with two in the bucket: refused at the first call, and at every later one
			// although one call alone would have been paid for.
			op, done = l.Admit(ctx, 3)
			for i := range 2 {
				if _, err := l.Wait(op); !errors.As(err, &rl) {
					t.Fatalf("call %d of an operation whose three calls are not due: %v, want a refusal", i, err)
				}
			}
			done()
			for i := range 2 { // the refusal took nothing
				if _, err := l.Wait(ctx); err != nil {
					t.Fatalf("call %d of the two given back: %v", i, err)
				}
			}
			if _, err := l.Wait(ctx); !errors.As(err, &rl) {
				t.Fatalf("a third call: %v, want a refusal", err)
			}

			// Work with no caller, an estimate of nothing, or no limiter: nothing to reserve.
			for _, c := range []struct {
				l   *CallerLimiter
				ctx context.Context
				n   int
			}{{l, context.Background(), 5}, {l, ctx, 0}, {nil, ctx, 5}} {
				op, done := c.l.Admit(c.ctx, c.n)
				if allowanceFrom(op) != nil {
					t.Errorf("Admit(%v, %d) readied a reservation", c.l != nil, c.n)
				}
				done()
			}
		})
	}
}
