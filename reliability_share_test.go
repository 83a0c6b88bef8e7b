package main

import (
	"context"
	"net/http"
	"strconv"
	"testing"
)

// TestCallerShareAdmitsWholeOperations: with a caller's share on (CALLER_UPSTREAM_BURST 3, one
// call due every 5 s), a cold read (a contact and its tickets: 2 calls) reserves its calls at its
// first and answers whole, leaving 1; the same read again, from the cache, takes nothing and is
// served; two contacts in one operation (2 calls, 1 left) are refused from the first call on —
// both fields RATE_LIMITED with retryAfterSeconds, no Gladly call made, where call by call one
// would have been answered and the other not; asked again at once, the caller is turned away at
// the door with 429 and Retry-After; another caller is served meanwhile.
func TestCallerShareAdmitsWholeOperations(t *testing.T) {
	t.Parallel()
	fx := newRelFixture(t, 100, 10)
	env := relEnv(fx.fake, 100, "")
	env["CALLER_UPSTREAM_RATE"], env["CALLER_UPSTREAM_BURST"] = "0.2", "3"
	in := startRelInstance(t, env)
	other := in.from(t, "127.0.0.2")
	ctx := context.WithoutCancel(t.Context())

	setup := fx.fake.TotalCalls()
	first, err := fx.read(ctx, in, 1)
	if err != nil || first.Status != http.StatusOK || len(first.Errors) > 0 || !first.HasData {
		t.Fatalf("first read, a full share: %v %d %+v", err, first.Status, first.Errors)
	}
	calls := fx.fake.TotalCalls()
	if calls-setup != 2 {
		t.Fatalf("the first read made %d Gladly calls, want 2 (the contact, its tickets)", calls-setup)
	}

	warm, err := fx.read(ctx, in, 1)
	if err != nil || warm.Status != http.StatusOK || len(warm.Errors) > 0 || string(warm.Data) != string(first.Data) {
		t.Fatalf("the same read from the cache, the share spent: %v %d %s %+v", err, warm.Status, warm.Data, warm.Errors)
	}

	refused, err := in.query(ctx, `query($a: ID!, $b: ID!) { a: contact(id: $a) { name } b: contact(id: $b) { name } }`,
		map[string]any{"a": fx.customers[2], "b": fx.customers[3]})
	if err != nil {
		t.Fatal(err)
	}
	if len(refused.Errors) == 0 || refused.Status != http.StatusOK {
		t.Fatalf("a cold read with the share spent: %d %s %+v; want RATE_LIMITED", refused.Status, refused.Data, refused.Errors)
	}
	for _, e := range refused.Errors {
		secs, _ := e.Extensions["retryAfterSeconds"].(float64)
		if e.Extensions["code"] != "RATE_LIMITED" || secs < 1 || secs > 10 {
			t.Errorf("error %+v: want RATE_LIMITED with the seconds until two calls are due (≤ 10)", e)
		}
	}
	if string(refused.Data) != `{"a":null,"b":null}` || len(refused.Errors) != 2 {
		t.Errorf("refused read: data %s, %d errors; want both contacts null, each with its error", refused.Data, len(refused.Errors))
	}
	if n := fx.fake.TotalCalls(); n != calls {
		t.Errorf("the cache hit and the refused read made %d Gladly calls, want none", n-calls)
	}

	door, err := fx.read(ctx, in, 3)
	if err != nil {
		t.Fatal(err)
	}
	if door.Status != http.StatusTooManyRequests || len(door.Errors) != 1 || door.codes()[0] != "RATE_LIMITED" {
		t.Fatalf("asked again at once: %d %+v; want 429 RATE_LIMITED", door.Status, door.Errors)
	}
	if ra, err := strconv.Atoi(door.Header.Get("Retry-After")); err != nil || ra != 1 {
		t.Errorf("Retry-After %q, want 1: the door shuts for a second at most", door.Header.Get("Retry-After"))
	}

	served, err := fx.read(ctx, other, 4)
	if err != nil || served.Status != http.StatusOK || len(served.Errors) > 0 {
		t.Fatalf("another caller meanwhile: %v %d %+v", err, served.Status, served.Errors)
	}
}
