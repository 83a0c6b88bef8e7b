package main

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// recordingInvalidator remembers every Invalidate call.
type recordingInvalidator struct {
	mu    sync.Mutex
	calls [][]loaders.Ref
	err   error
}

func (r *recordingInvalidator) Invalidate(_ context.Context, refs ...loaders.Ref) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, refs)
	return r.err
}

func (r *recordingInvalidator) got() [][]loaders.Ref {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]loaders.Ref(nil), r.calls...)
}

var webhookEnv = map[string]string{
	"WEBHOOK_USERNAME":     "gladly",
	"WEBHOOK_PASSWORD":     secretWebhookPass,
	"WEBHOOK_HEADER_NAME":  "X-Gladly-Token",
	"WEBHOOK_HEADER_VALUE": secretHeaderValue,
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

var goodCreds = map[string]string{"Authorization": basic("gladly", secretWebhookPass), "X-Gladly-Token": secretHeaderValue}

const taskEvent = `{"id":"ev-1","type":"TASK/CLOSED","timestamp":"2024-05-01T10:00:00Z",
	"initiator":{"id":"agent1","type":"AGENT"},
	"content":{"customerId":"cust-1","taskId":"task-1","context":{"createdAt":"2024-04-01T00:00:00Z"}}}`

func TestWebhookDisabledWithoutCredentials(t *testing.T) {
	t.Parallel()
	ts := startTestServer(t, nil, Layers{})
	if res, _ := ts.do(t, "POST", "/webhooks/gladly", `{"type":"PING"}`, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("POST /webhooks/gladly with no credentials configured = %d, want 404", res.StatusCode)
	}
}

func TestWebhookAuth(t *testing.T) {
	t.Parallel()
	inv := &recordingInvalidator{}
	ts := startTestServer(t, webhookEnv, Layers{Invalidator: inv})
	tests := []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"none", nil, http.StatusUnauthorized},
		{"wrong password", map[string]string{"Authorization": basic("gladly", "guess"), "X-Gladly-Token": secretHeaderValue}, http.StatusUnauthorized},
		{"wrong user", map[string]string{"Authorization": basic("admin", secretWebhookPass), "X-Gladly-Token": secretHeaderValue}, http.StatusUnauthorized},
		{"basic only", map[string]string{"Authorization": basic("gladly", secretWebhookPass)}, http.StatusUnauthorized},
		{"header only", map[string]string{"X-Gladly-Token": secretHeaderValue}, http.StatusUnauthorized},
		{"wrong header", map[string]string{"Authorization": basic("gladly", secretWebhookPass), "X-Gladly-Token": secretHeaderValue + "x"}, http.StatusUnauthorized},
		{"both right", goodCreds, http.StatusOK},
	}
	for _, tt := range tests {
		res, _ := ts.do(t, "POST", "/webhooks/gladly", `{"type":"PING"}`, tt.hdr)
		if res.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, res.StatusCode, tt.want)
		}
	}
	if n := len(inv.got()); n != 0 {
		t.Errorf("PINGs and refused deliveries invalidated %d times", n)
	}
	if res, _ := ts.do(t, "GET", "/webhooks/gladly", "", goodCreds); res.StatusCode < 400 {
		t.Errorf("GET /webhooks/gladly = %d, want a refusal", res.StatusCode)
	}
}

func TestWebhookHeaderOnly(t *testing.T) {
	t.Parallel()
	ts := startTestServer(t, map[string]string{"WEBHOOK_HEADER_NAME": "X-Api-Key", "WEBHOOK_HEADER_VALUE": secretHeaderValue}, Layers{})
	if res, _ := ts.do(t, "POST", "/webhooks/gladly", `{"type":"PING"}`, map[string]string{"X-Api-Key": secretHeaderValue}); res.StatusCode != http.StatusOK {
		t.Errorf("right header = %d", res.StatusCode)
	}
	if res, _ := ts.do(t, "POST", "/webhooks/gladly", `{"type":"PING"}`, map[string]string{"X-Api-Key": "nope"}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong header = %d", res.StatusCode)
	}
}

func TestWebhookEventInvalidatesOnce(t *testing.T) {
	t.Parallel()
	inv := &recordingInvalidator{}
	ts := startTestServer(t, webhookEnv, Layers{Invalidator: inv})
	for range 2 { // Gladly redelivers: the second must not invalidate again
		if res, body := ts.do(t, "POST", "/webhooks/gladly", taskEvent, goodCreds); res.StatusCode != http.StatusOK {
			t.Fatalf("event = %d %s", res.StatusCode, body)
		}
	}
	want := [][]loaders.Ref{{{Kind: loaders.KindTask, ID: "task-1"}, {Kind: loaders.KindCustomerTasks, ID: "cust-1"}}}
	if diff := cmp.Diff(want, inv.got()); diff != "" {
		t.Errorf("invalidations (-want +got):\n%s", diff)
	}
	// Events that make nothing stale are acknowledged without invalidating.
	ev := `{"id":"ev-2","type":"AGENT_STATUS/LOGGED_IN","timestamp":"2024-05-01T10:00:00Z","content":{"agentId":"a1"}}`
	if res, _ := ts.do(t, "POST", "/webhooks/gladly", ev, goodCreds); res.StatusCode != http.StatusOK {
		t.Errorf("agent event = %d", res.StatusCode)
	}
	if n := len(inv.got()); n != 1 {
		t.Errorf("%d invalidations, want still 1", n)
	}
	_, metrics := ts.do(t, "GET", "/metrics", "", nil)
	for _, line := range []string{
		`gladgraph_webhook_events_total{outcome="invalidated",type="TASK/CLOSED"} 1`,
		`gladgraph_webhook_events_total{outcome="duplicate",type="TASK/CLOSED"} 1`,
		`gladgraph_webhook_events_total{outcome="ignored",type="AGENT_STATUS/LOGGED_IN"} 1`,
	} {
		if !strings.Contains(metrics, line) {
			t.Errorf("metrics lack %s", line)
		}
	}
}

func TestWebhookBadBodies(t *testing.T) {
	t.Parallel()
	ts := startTestServer(t, webhookEnv, Layers{})
	for body, want := range map[string]int{
		`not json`:                          http.StatusBadRequest,
		`{"id":"x"}`:                        http.StatusBadRequest, // no type
		`{"type":"TASK/CLOSED"}`:            http.StatusBadRequest, // no id
		strings.Repeat(" ", 100<<10) + "{}": http.StatusRequestEntityTooLarge,
	} {
		if res, _ := ts.do(t, "POST", "/webhooks/gladly", body, goodCreds); res.StatusCode != want {
			t.Errorf("body %.20q: %d, want %d", body, res.StatusCode, want)
		}
	}
}

func TestWebhookInvalidationFailure(t *testing.T) {
	t.Parallel()
	inv := &recordingInvalidator{err: errors.New("redis: connection refused")}
	ts := startTestServer(t, webhookEnv, Layers{Invalidator: inv})
	for range 2 {
		// Answered 200 (see webhooks.receiver), and the id is forgotten so a redelivery retries.
		if res, _ := ts.do(t, "POST", "/webhooks/gladly", taskEvent, goodCreds); res.StatusCode != http.StatusOK {
			t.Errorf("event with failing invalidation = %d, want 200", res.StatusCode)
		}
	}
	if n := len(inv.got()); n != 2 {
		t.Errorf("redelivery after a failure invalidated %d times in all, want 2", n)
	}
	if !strings.Contains(ts.logs.String(), "cache invalidation failed") {
		t.Error("the failure was not logged")
	}
}

func TestWebhookSeenSetInRedis(t *testing.T) {
	t.Parallel()
	rs := redistest.New(t)
	inv := &recordingInvalidator{}
	fake, err := demo.Start(config.DemoFaults{}, gladly.DefaultRequestsPerSecond)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	// One tenant (organization and API user), one Redis.
	env := map[string]string{"REDIS_URL": rs.URL, "GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token}
	for k, v := range webhookEnv {
		env[k] = v
	}
	// Two replicas sharing one Redis: a delivery retried to the other replica is still a duplicate.
	a := startTestServer(t, env, Layers{Invalidator: inv})
	b := startTestServer(t, env, Layers{Invalidator: inv})
	ev := strings.Replace(taskEvent, "ev-1", "ev-redis-"+rs.Prefix, 1)
	for _, ts := range []*testServer{a, b} {
		if res, _ := ts.do(t, "POST", "/webhooks/gladly", ev, goodCreds); res.StatusCode != http.StatusOK {
			t.Fatalf("event = %d", res.StatusCode)
		}
	}
	if n := len(inv.got()); n != 1 {
		t.Errorf("%d invalidations across two replicas, want 1", n)
	}
}
