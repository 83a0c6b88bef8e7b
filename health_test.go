package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

func readyz(t *testing.T, ts *testServer) (int, readiness) {
	t.Helper()
	res, body := ts.do(t, "GET", "/readyz", "", nil)
	var r readiness
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("readyz body %q: %v", body, err)
	}
	return res.StatusCode, r
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	ts := startTestServer(t, map[string]string{"REDIS_URL": redistest.ClosedURL(t)}, Layers{})
	// Liveness does not depend on Redis or Gladly.
	if res, body := ts.do(t, "GET", "/healthz", "", nil); res.StatusCode != http.StatusOK {
		t.Errorf("healthz = %d %s", res.StatusCode, body)
	}
}

func TestReadyzRedisDown(t *testing.T) {
	t.Parallel()
	ts := startTestServer(t, map[string]string{"REDIS_URL": redistest.ClosedURL(t)}, Layers{})
	code, r := readyz(t, ts)
	if code != http.StatusServiceUnavailable || r.Status != "unavailable" {
		t.Fatalf("readyz = %d %+v, want 503 unavailable", code, r)
	}
	if r.Checks["redis"].Status != "down" || r.Checks["redis"].Error == "" {
		t.Errorf("redis check = %+v, want down with a reason", r.Checks["redis"])
	}
	if r.Checks["gladly"].Status != "up" {
		t.Errorf("gladly check = %+v, want up (the demo's fake answers)", r.Checks["gladly"])
	}
}

func TestReadyzRedisUp(t *testing.T) {
	t.Parallel()
	rs := redistest.New(t)
	ts := startTestServer(t, map[string]string{"REDIS_URL": rs.URL}, Layers{})
	code, r := readyz(t, ts)
	want := readiness{Status: "ready", Checks: map[string]checkResult{"redis": {Status: "up"}, "gladly": {Status: "up"}}}
	if code != http.StatusOK {
		t.Errorf("readyz = %d, want 200", code)
	}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("readyz (-want +got):\n%s", diff)
	}
}

func TestReadyzGladlyDown(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) }))
	defer dead.Close()
	ts := startTestServer(t, map[string]string{
		"GLADLY_BASE_URL": dead.URL, "GLADLY_USERNAME": "api@acme.com", "GLADLY_API_TOKEN": secretToken,
	}, Layers{})
	res, body := ts.do(t, "GET", "/readyz", "", nil)
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "401") {
		t.Errorf("readyz = %d %s, want 503 naming the 401", res.StatusCode, body)
	}
	if strings.Contains(body, secretToken) || strings.Contains(ts.logs.String(), secretToken) {
		t.Error("the token leaked into the readiness answer or the logs")
	}
}

// countingOrg answers like Gladly's organization endpoint and counts calls.
type countingOrg struct {
	calls atomic.Int32
	err   error
}

func (o *countingOrg) Get(context.Context) (*gladly.Organization, *gladly.Response, error) {
	o.calls.Add(1)
	return &gladly.Organization{}, nil, o.err
}

func TestReadyzCachesGladlySuccess(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	org := &countingOrg{}
	h := &health{org: org, now: func() time.Time { return now }}
	probe := func() int {
		rec := httptest.NewRecorder()
		h.readiness(rec, httptest.NewRequest("GET", "/readyz", nil))
		return rec.Code
	}
	for range 3 {
		if code := probe(); code != http.StatusOK {
			t.Fatalf("readyz = %d", code)
		}
	}
	if n := org.calls.Load(); n != 1 {
		t.Errorf("3 probes within %s made %d Gladly calls, want 1", gladlyOKFor, n)
	}
	now = now.Add(gladlyOKFor + time.Second)
	probe()
	if n := org.calls.Load(); n != 2 {
		t.Errorf("after %s: %d calls, want 2", gladlyOKFor, n)
	}

	// A 429 is Gladly answering: ready. Any other failure is not, and is not cached.
	org2 := &countingOrg{err: &gladly.RateLimitError{Err: &gladly.Error{StatusCode: 429}}}
	h2 := &health{org: org2, now: time.Now}
	rec := httptest.NewRecorder()
	h2.readiness(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("readyz on a 429 = %d, want 200", rec.Code)
	}
	org3 := &countingOrg{err: &gladly.Error{StatusCode: 503}}
	h3 := &health{org: org3, now: time.Now}
	for range 2 {
		rec := httptest.NewRecorder()
		h3.readiness(rec, httptest.NewRequest("GET", "/readyz", nil))
		if rec.Code != http.StatusServiceUnavailable {
			t.Errorf("readyz on a 503 = %d", rec.Code)
		}
	}
	if n := org3.calls.Load(); n != 2 {
		t.Errorf("failures cached: %d calls for 2 probes", n)
	}
}

func TestReadyzDraining(t *testing.T) {
	t.Parallel()
	h := &health{org: &countingOrg{}, now: time.Now}
	h.draining.Store(true)
	rec := httptest.NewRecorder()
	h.readiness(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "shutting_down") {
		t.Errorf("readyz while draining = %d %s", rec.Code, rec.Body.String())
	}
}
