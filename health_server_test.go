package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/health"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

func readyz(t *testing.T, ts *testServer) (int, health.Report) {
	t.Helper()
	res, body := ts.do(t, "GET", "/readyz", "", nil)
	var r health.Report
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

// Without Redis gladgraph serves from its in-process cache: readiness stays 200 and says what
// is degraded, so that a Redis outage does not pull every replica out of service at once.
func TestReadyzRedisDown(t *testing.T) {
	t.Parallel()
	ts := startTestServer(t, map[string]string{"REDIS_URL": redistest.ClosedURL(t)}, Layers{})
	code, r := readyz(t, ts)
	if code != http.StatusOK || r.Status != "degraded" {
		t.Fatalf("readyz = %d %+v, want 200 degraded", code, r)
	}
	if r.Checks["redis"].Status != "degraded" || r.Checks["redis"].Error == "" {
		t.Errorf("redis check = %+v, want degraded with a reason", r.Checks["redis"])
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
	want := health.Report{Status: "ready", Checks: map[string]health.CheckResult{"redis": {Status: "up"}, "gladly": {Status: "up"}}}
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
	// Cached reads still work without Gladly: degraded, not unavailable.
	res, body := ts.do(t, "GET", "/readyz", "", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"degraded"`) || !strings.Contains(body, "401") {
		t.Errorf("readyz = %d %s, want 200 degraded naming the 401", res.StatusCode, body)
	}
	if strings.Contains(body, secretToken) || strings.Contains(ts.logs.String(), secretToken) {
		t.Error("the token leaked into the readiness answer or the logs")
	}
}

// countingOrg answers like Gladly's organization endpoint and counts calls.
