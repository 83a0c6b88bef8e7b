package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The bench at a tiny scale (1 ms latency, no rate limit, a few samples): every query answers in
// full in every mode, and upstream calls are at the minimum where the issue asks for it. Figures
// of time are not checked: they are the bench's output, not a test's.
func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a fake Gladly and Redis and runs the whole query set")
	}
	cfg := config{
		concurrency: []int{1, 2}, latency: time.Millisecond, duration: 50 * time.Millisecond,
		minSamples: 1, maxSamples: 3, redisURL: os.Getenv("REDIS_URL"),
	}
	_, err := exec.LookPath("node")
	node := err == nil // the Node peer's modes run where Node is installed
	rep, err := run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rep.Rows {
		seen[r.Query+"/"+r.Mode] = true
		isPeer := r.Mode == peerCold || r.Mode == peerWarm
		if r.Samples == 0 || r.P50Ms <= 0 || len(r.Throughput) != 2 || (r.AllocsPerOp <= 0) != isPeer {
			t.Errorf("%s/%s: empty figures: %+v", r.Query, r.Mode, r)
		}
		switch r.Mode {
		case peerWarm:
			if r.Answers != "identical" {
				t.Errorf("%s: the Node peer's answer is not gladgraph's: %s", r.Query, r.Answers)
			}
			fallthrough
		case "batched", "cold", "warm", "opcache", "memory":
			if r.UpstreamCalls != float64(r.MinimumCalls) {
				t.Errorf("%s/%s: %.1f upstream calls, the minimum is %d", r.Query, r.Mode, r.UpstreamCalls, r.MinimumCalls)
			}
		case "naive":
			if r.UpstreamCalls < float64(r.MinimumCalls) {
				t.Errorf("%s/naive: %.1f upstream calls, below the minimum %d: the minimum is wrong", r.Query, r.UpstreamCalls, r.MinimumCalls)
			}
		}
		if r.Query == "contact360" && r.Mode == "naive" && r.UpstreamCalls < 10*16 {
			t.Logf("contact360/naive: %.0f calls (the N+1 ratio against cold's 16 is %.1f×)", r.UpstreamCalls, r.UpstreamCalls/16)
		}
	}
	for _, q := range []string{"contact360", "directory", "timeline", "entities", "mutation"} {
		for _, m := range modeNames {
			want := !(q == "mutation" && (m == "memory" || m == "opcache"))
			if m == peerCold || m == peerWarm {
				want = q != "mutation" && node
			}
			if seen[q+"/"+m] != want {
				t.Errorf("%s/%s: row present %v, want %v", q, m, seen[q+"/"+m], want)
			}
		}
	}

	var md, js bytes.Buffer
	if err := rep.writeMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| contact360 | cold |") {
		t.Errorf("the table has no contact360/cold row:\n%s", md.String())
	}
	if err := rep.writeJSON(&js); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(js.Bytes(), &rows); err != nil || len(rows) != len(rep.Rows) {
		t.Fatalf("JSON: %v, %d rows", err, len(rows))
	}
	for _, k := range []string{"query", "mode", "upstreamCalls", "minimumCalls", "p50Ms", "p95Ms", "p99Ms", "rps", "allocsPerOp"} {
		if _, ok := rows[0][k]; !ok {
			t.Errorf("JSON rows lack %q", k)
		}
	}
}

// firstDifference finds what the peer answers differently, and nothing in equal answers.
func TestFirstDifference(t *testing.T) {
	var a, b, c any
	_ = json.Unmarshal([]byte(`{"x":{"ys":[{"id":"1","n":null},{"id":"2"}]}}`), &a)
	_ = json.Unmarshal([]byte(`{"x":{"ys":[{"n":null,"id":"1"},{"id":"2"}]}}`), &b)
	_ = json.Unmarshal([]byte(`{"x":{"ys":[{"id":"1","n":"z"},{"id":"2"}]}}`), &c)
	if d := firstDifference("data", a, b); d != "" {
		t.Errorf("equal answers: %s", d)
	}
	if d := firstDifference("data", a, c); !strings.HasPrefix(d, "data.x.ys[0].n:") {
		t.Errorf("difference: %q", d)
	}
}
