package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// Whole-server tests of the limits issue 14 wires from the configuration: the per-operation
// Gladly-call budget, each caller's share of the organization's calls (callers told apart by
// client address when anonymous), and the Gladly client's caps on Retry-After and answer size.

// startBoundsServer serves gladgraph in front of a fresh fake Gladly with env added.
func startBoundsServer(t *testing.T, env map[string]string) (*testServer, *gladlytest.Server) {
	t.Helper()
	fake, err := gladlytest.Start(gladlytest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	full := map[string]string{"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token}
	for k, v := range env {
		full[k] = v
	}
	return startTestServerWith(t, full, buildLayers), fake
}

// boundsResponse is a GraphQL answer with its errors' codes.
type boundsResponse struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []gqlError                 `json:"errors"`
}

func (r boundsResponse) codes() map[string]int {
	out := map[string]int{}
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out[c]++
	}
	return out
}

// postGraphQL sends one operation with client hc (ts.http when nil).
func postGraphQL(t *testing.T, ts *testServer, hc *http.Client, query string, vars map[string]any) boundsResponse {
	t.Helper()
	if hc == nil {
		hc = ts.http
	}
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+"/graphql", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out boundsResponse
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("status %d: %v", res.StatusCode, err)
	}
	return out
}

// MAX_OPERATION_UPSTREAM_CALLS refuses, before any Gladly call, an operation estimated over it.
func TestOperationUpstreamBudgetFromConfig(t *testing.T) {
	t.Parallel()
	ts, fake := startBoundsServer(t, map[string]string{"MAX_OPERATION_UPSTREAM_CALLS": "5"})
	reps := make([]any, 6)
	for i := range reps {
		reps[i] = map[string]any{"__typename": "Contact", "id": fmt.Sprintf("nobody-%d", i)}
	}
	resp := postGraphQL(t, ts, nil, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }`, map[string]any{"r": reps})
	if resp.codes()["OPERATION_TOO_EXPENSIVE"] != 1 || len(resp.Errors) != 1 {
		t.Fatalf("6 contacts under a budget of 5: %+v", resp.Errors)
	}
	if n := fake.TotalCalls(); n != 0 {
		t.Errorf("%d Gladly calls for a refused operation", n)
	}
	if resp := postGraphQL(t, ts, nil, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }`, map[string]any{"r": reps[:5]}); len(resp.Errors) != 0 {
		t.Errorf("5 contacts under a budget of 5: %+v", resp.Errors)
	}
}

// clientFrom is an HTTP client whose connections leave from the loopback address ip.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// CALLER_UPSTREAM_RATE and CALLER_UPSTREAM_BURST give each caller its share: a caller past its
// burst gets RATE_LIMITED (with retryAfterSeconds) at the fields that needed Gladly, without
// reaching Gladly, while another caller — here an anonymous client from another address — still
// has its whole burst.
func TestCallerShareFromConfig(t *testing.T) {
	t.Parallel()
	ts, fake := startBoundsServer(t, map[string]string{"CALLER_UPSTREAM_RATE": "0.01", "CALLER_UPSTREAM_BURST": "3"})
	five := "{ " + strings.Join([]string{`a: contact(id: "n1") { id }`, `b: contact(id: "n2") { id }`, `c: contact(id: "n3") { id }`,
		`d: contact(id: "n4") { id }`, `e: contact(id: "n5") { id }`}, " ") + " }"
	first := postGraphQL(t, ts, clientFrom("127.0.0.1"), five, nil)
	if got := first.codes()["RATE_LIMITED"]; got != 2 {
		t.Fatalf("5 cold contacts with a burst of 3: %d RATE_LIMITED, want 2: %+v", got, first.Errors)
	}
	for _, e := range first.Errors {
		if e.Extensions["retryAfterSeconds"] == nil {
			t.Errorf("RATE_LIMITED without retryAfterSeconds: %+v", e)
		}
	}
	if n := fake.Calls("getCustomer"); n != 3 {
		t.Errorf("Gladly got %d customer reads, want the burst of 3", n)
	}
	// Another client address is another caller, with a burst of its own.
	other := postGraphQL(t, ts, clientFrom("127.0.0.2"), strings.NewReplacer(`"n`, `"m`).Replace(five), nil)
	if got := other.codes()["RATE_LIMITED"]; got != 2 {
		t.Errorf("another address: %d RATE_LIMITED, want 2 (its own burst of 3): %+v", got, other.Errors)
	}
	if n := fake.Calls("getCustomer"); n != 6 {
		t.Errorf("Gladly got %d customer reads, want 6", n)
	}
}

// GLADLY_MAX_RESPONSE_BYTES caps what the client reads of one Gladly answer.
func TestGladlyMaxResponseBytesFromConfig(t *testing.T) {
	t.Parallel()
	ts, fake := startBoundsServer(t, map[string]string{"GLADLY_MAX_RESPONSE_BYTES": "1KiB"})
	fake.FailNext("getOrganization", gladlytest.Fault{Kind: gladlytest.FaultRaw, Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"id":"org","name":"` + strings.Repeat("x", 4<<10) + `"}`)})
	resp := postGraphQL(t, ts, nil, `{ organization { id name } }`, nil)
	if resp.codes()["UPSTREAM_RESPONSE_TOO_LARGE"] != 1 {
		t.Fatalf("a 4 KiB answer under a 1 KiB cap: %+v", resp.Errors)
	}
}

// GLADLY_MAX_RETRY_AFTER caps the pause a 429's Retry-After imposes: Retry-After: 3600 is
// reported (and waited) as the configured 1 s, not an hour nor the default minute.
func TestGladlyMaxRetryAfterFromConfig(t *testing.T) {
	t.Parallel()
	ts, fake := startBoundsServer(t, map[string]string{"GLADLY_MAX_RETRY_AFTER": "1s"})
	faults := make([]gladlytest.Fault, 10)
	for i := range faults {
		faults[i] = gladlytest.Fault{Kind: gladlytest.FaultRateLimit, RetryAfter: "3600"}
	}
	fake.FailNext("getOrganization", faults...)
	resp := postGraphQL(t, ts, nil, `{ organization { id } }`, nil)
	if len(resp.Errors) != 1 || resp.codes()["UPSTREAM_RATE_LIMITED"] != 1 {
		t.Fatalf("429s with Retry-After: 3600: %+v", resp.Errors)
	}
	if secs, _ := resp.Errors[0].Extensions["retryAfterSeconds"].(float64); secs < 1 || secs > 1 {
		t.Errorf("retryAfterSeconds %v, want the configured cap of 1", resp.Errors[0].Extensions["retryAfterSeconds"])
	}
}
