package main

import (
	"bytes"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// /metrics after a successful operation and a failing one: operations by name, type and outcome
// with their durations, errors by code, the response cache's breaker, the limiter's queue, Gladly
// calls by operation and status, the build. promtool (Debian's prometheus package) lints the
// exposition when it is installed.
func TestMetricsOfOperations(t *testing.T) {
	t.Parallel()
	rs := redistest.New(t)
	ts := startTestServerWith(t, map[string]string{"REDIS_URL": rs.URL}, buildLayers)
	json := map[string]string{"Content-Type": "application/json"}
	if res, body := ts.do(t, "POST", "/graphql", `{"query":"query Ada { contacts(email: \"ada@example.com\") { nodes { name } } }"}`, json); res.StatusCode != http.StatusOK || !strings.Contains(body, "Ada Lovelace") {
		t.Fatalf("query = %d %s", res.StatusCode, body)
	}
	if res, body := ts.do(t, "POST", "/graphql", `{"query":"query Nope { nope }"}`, json); !strings.Contains(body, "GRAPHQL_VALIDATION_FAILED") {
		t.Logf("invalid query = %d %s", res.StatusCode, body)
	}
	if res, body := ts.do(t, "POST", "/graphql", `{"query":"query Missing { contact(id: \"nobody-at-all\") { id } }"}`, json); res.StatusCode != http.StatusOK {
		t.Logf("missing contact = %d %s", res.StatusCode, body)
	}
	_, text := ts.do(t, "GET", "/metrics", "", nil)
	for _, want := range []string{
		`gladgraph_graphql_operations_total{name="Ada",outcome="ok",type="query"} 1`,
		`gladgraph_graphql_operation_duration_seconds_count{name="Ada",type="query"} 1`,
		`gladgraph_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"} 1`,
		`gladgraph_graphql_operations_total{name="unknown",outcome="refused",type="unknown"} 1`,
		`gladgraph_cache_breaker_open 0`,
		`gladgraph_cache_breaker_opens_total 0`,
		`gladgraph_upstream_limiter_queue 0`,
		`gladgraph_upstream_limiter_wait_seconds_count`,
		`gladgraph_upstream_requests_total{code="200",operation=`,
		`gladgraph_build_info{`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "ada@example.com") || strings.Contains(text, "nobody-at-all") {
		t.Error("/metrics carries what a query looked up")
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Log("promtool not installed (Debian: apt-get install prometheus); exposition not linted")
		return
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out.String())
	}
}
