package main

import (
	"context"
	"net/http"
	"strconv"
	"testing"
)

// TestCallerShareAdmitsWholeOperations: with a caller's share on (CALLER_UPSTREAM_BURST 2, one
// call due every 5 s), a read estimated at 2 calls is admitted with both reserved and answers
// whole; the next read, its calls not due, is refused whole before it runs (RATE_LIMITED with
// retryAfterSeconds, no data, no Gladly call) rather than half answered; asked again at once, the
// caller is turned away at the door with 429 and Retry-After; another caller is served meanwhile.
func TestCallerShareAdmitsWholeOperations(t *testing.T) {
	t.Parallel()
	fx := newRelFixture(t, 100, 10)
	env := relEnv(fx.fake, 100, "")
	env["CACHE_TTL_PROFILE"], env["CACHE_TTL_TASK"] = "0", "0" // every read is Gladly calls
	env["CALLER_UPSTREAM_RATE"], env["CALLER_UPSTREAM_BURST"] = "0.2", "2"
	in := startRelInstance(t, env)
	other := in.from(t, "127.0.0.2")
	ctx := context.WithoutCancel(t.Context())

	first, err := fx.read(ctx, in, 1)
	if err != nil || first.Status != http.StatusOK || len(first.Errors) > 0 || !first.HasData {
		t.Fatalf("first read, a full share: %v %d %+v", err, first.Status, first.Errors)
	}
	calls := fx.fake.TotalCalls()

	refused, err := fx.read(ctx, in, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(refused.Errors) != 1 || refused.codes()[0] != "RATE_LIMITED" || (len(refused.Data) > 0 && string(refused.Data) != "null") {
		t.Fatalf("second read: %d %s %+v; want one RATE_LIMITED error and no data", refused.Status, refused.Data, refused.Errors)
	}
	if secs, _ := refused.Errors[0].Extensions["retryAfterSeconds"].(float64); secs < 1 || secs > 10 {
		t.Errorf("retryAfterSeconds = %v, want the seconds until two calls are due (≤ 10)", refused.Errors[0].Extensions["retryAfterSeconds"])
	}
	if n := fx.fake.TotalCalls(); n != calls {
		t.Errorf("the refused read made %d Gladly calls; a refusal is decided before any", n-calls)
	}

	door, err := fx.read(ctx, in, 3)
	if err != nil {
		t.Fatal(err)
	}
	if door.Status != http.StatusTooManyRequests || len(door.Errors) != 1 || door.codes()[0] != "RATE_LIMITED" {
		t.Fatalf("asked again at once: %d %+v; want 429 RATE_LIMITED", door.Status, door.Errors)
	}
	if ra, err := strconv.Atoi(door.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 10 {
		t.Errorf("Retry-After %q, want the seconds until the calls are due", door.Header.Get("Retry-After"))
	}

	served, err := fx.read(ctx, other, 4)
	if err != nil || served.Status != http.StatusOK || len(served.Errors) > 0 {
		t.Fatalf("another caller meanwhile: %v %d %+v", err, served.Status, served.Errors)
	}
}
