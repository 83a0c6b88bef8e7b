package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders"
)

// logLines parses JSON log output.
func logLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, sc.Text())
		}
		lines = append(lines, m)
	}
	return lines
}

func accessLines(t *testing.T, out string) []map[string]any {
	var acc []map[string]any
	for _, l := range logLines(t, out) {
		if l["message"] == "request" {
			acc = append(acc, l)
		}
	}
	return acc
}

// echoGraphQL reads the body, names the operation and calls Gladly once, as the real layer would.
func echoGraphQL(client func() *gladly.Client) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			OperationName string `json:"operationName"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		st := loaders.StatsFrom(r.Context())
		st.SetOperationName(body.OperationName)
		st.AddCacheMisses(1)
		if _, _, err := client().Organization.Get(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		st.AddCacheHits(2)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"ok":true}}`)
	})
}

func TestAccessLogNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	fake, err := demo.Start(config.DemoFaults{}, gladly.DefaultRequestsPerSecond)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	var b *Backend
	build := func(bk *Backend) (Layers, error) {
		b = bk
		return Layers{GraphQL: echoGraphQL(func() *gladly.Client { return b.Gladly }), Invalidator: unexpectedInvalidator{t}}, nil
	}
	env := map[string]string{
		"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token,
		"WEBHOOK_USERNAME": "gladly", "WEBHOOK_PASSWORD": secretWebhookPass, "LOG_LEVEL": "trace",
	}
	logs := &syncBuffer{}
	_, _, srv := serveForTest(t, env, logs, func(*config.Config) zerolog.Level { return zerolog.TraceLevel }, build)

	const bearer = "Bearer client-SECRET-0006"
	const inBody = "body-SECRET-0007"
	post := func(path, body string, hdr map[string]string) *http.Response {
		req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	res := post("/graphql?token="+inBody, `{"query":"query Ada($t: String) { ada(token: $t) }","operationName":"Ada","variables":{"t":"`+inBody+`"}}`,
		map[string]string{"Authorization": bearer, "X-Request-Id": "req-abc-123"})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("graphql = %d", res.StatusCode)
	}
	if got := res.Header.Get("X-Request-Id"); got != "req-abc-123" {
		t.Errorf("X-Request-Id echoed as %q", got)
	}
	post("/webhooks/gladly", `{"type":"PING"}`, map[string]string{"Authorization": basic("gladly", secretWebhookPass)})
	post("/webhooks/gladly", `{"type":"PING"}`, map[string]string{"Authorization": basic("gladly", "wrong-"+secretWebhookPass)})

	out := logs.String()
	for _, secret := range []string{fake.Token, bearer, "client-SECRET", inBody, secretWebhookPass, "query Ada("} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
	acc := accessLines(t, out)
	if len(acc) != 3 {
		t.Fatalf("%d access lines, want 3:\n%s", len(acc), out)
	}
	first := acc[0]
	want := map[string]any{
		"request_id": "req-abc-123", "method": "POST", "path": "/graphql", "status": float64(200),
		"operation": "Ada", "upstream_calls": float64(1), "cache_hits": float64(2), "cache_misses": float64(1),
	}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("access line %s = %v, want %v", k, first[k], v)
		}
	}
	for _, k := range []string{"duration_ms", "bytes"} {
		if _, ok := first[k]; !ok {
			t.Errorf("access line lacks %s", k)
		}
	}
	_, metrics := (&testServer{URL: srv.URL, http: srv.Client()}).do(t, "GET", "/metrics", "", nil)
	for _, line := range []string{
		`gladgraph_upstream_requests_total{code="200",operation="getOrganization"}`,
		`gladgraph_http_requests_total{code="200",route="/graphql"} 1`,
		`gladgraph_cache_hits_total 2`,
		`gladgraph_cache_misses_total 1`,
		`gladgraph_upstream_limiter_wait_seconds_count`,
	} {
		if !strings.Contains(metrics, line) {
			t.Errorf("metrics lack %s", line)
		}
	}
}

func TestRecoverer(t *testing.T) {
	t.Parallel()
	ts := startTestServer(t, nil, Layers{GraphQL: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("resolver bug")
	})})
	res, body := ts.do(t, "POST", "/graphql", `{"query":"{a}"}`, map[string]string{"X-Request-Id": "panic-1", "Content-Type": "application/json"})
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("panic answered %d", res.StatusCode)
	}
	var gql struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code, RequestID string }
		}
	}
	if err := json.Unmarshal([]byte(body), &gql); err != nil || len(gql.Errors) != 1 {
		t.Fatalf("body %q is not a GraphQL error: %v", body, err)
	}
	if e := gql.Errors[0]; e.Extensions.Code != "INTERNAL_SERVER_ERROR" || e.Extensions.RequestID != "panic-1" || strings.Contains(e.Message, "resolver bug") {
		t.Errorf("error = %+v: want INTERNAL_SERVER_ERROR with the request id and no panic detail", e)
	}
	var found bool
	for _, l := range logLines(t, ts.logs.String()) {
		if l["panic"] == "resolver bug" && l["request_id"] == "panic-1" && l["stack"] != nil {
			found = true
		}
	}
	if !found {
		t.Errorf("no log line with the panic, its stack and the request id:\n%s", ts.logs.String())
	}
	// The server keeps serving.
	if res, _ := ts.do(t, "GET", "/healthz", "", nil); res.StatusCode != http.StatusOK {
		t.Errorf("healthz after a panic = %d", res.StatusCode)
	}
}

// TestGraphQLRouteAndIDE: /graphql reaches the GraphQL layer (here one that always answers 503)
// except for browsers asking for a page, which get the IDE, as / does.
func TestGraphQLRouteAndIDE(t *testing.T) {
	t.Parallel()
	unavailable := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		edge.WriteGraphQLError(w, r, http.StatusServiceUnavailable, "unavailable in this test", "INTERNAL_SERVER_ERROR")
	})
	ts := startTestServer(t, nil, Layers{GraphQL: unavailable})
	res, body := ts.do(t, "POST", "/graphql", `{"query":"{a}"}`, map[string]string{"Content-Type": "application/json"})
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"INTERNAL_SERVER_ERROR"`) {
		t.Errorf("GraphQL layer = %d %s", res.StatusCode, body)
	}
	for path, hdr := range map[string]string{"/": "", "/graphiql/": "", "/graphql": "text/html,application/xhtml+xml,*/*;q=0.8"} {
		res, body := ts.do(t, "GET", path, "", map[string]string{"Accept": hdr})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="gg-config"`) {
			t.Errorf("GET %s = %d, want the IDE", path, res.StatusCode)
			continue
		}
		// The page's scripts and its endpoint resolve, relative to where it is served, to
		// routes that exist.
		base, _ := url.Parse(ts.URL + path)
		srcs := regexp.MustCompile(`src="([^"]+)"`).FindAllStringSubmatch(body, -1)
		if len(srcs) == 0 {
			t.Errorf("GET %s: no scripts in the page", path)
		}
		for _, m := range srcs {
			u, _ := base.Parse(m[1])
			if res, _ := ts.do(t, "GET", u.RequestURI(), "", nil); res.StatusCode != http.StatusOK {
				t.Errorf("page at %s: script %s = %d", path, u.RequestURI(), res.StatusCode)
			}
		}
		cfg := regexp.MustCompile(`"endpoint":"([^"]+)"`).FindStringSubmatch(body)
		if cfg == nil {
			t.Errorf("GET %s: no endpoint in the page's configuration", path)
		} else if u, _ := base.Parse(cfg[1]); u.Path != "/graphql" {
			t.Errorf("page at %s posts to %s, want /graphql", path, u.Path)
		}
	}
	// A GET carrying a query is a GraphQL request, even from a browser.
	if res, _ := ts.do(t, "GET", "/graphql?query=%7Ba%7D", "", map[string]string{"Accept": "text/html"}); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /graphql?query= = %d, want the GraphQL handler", res.StatusCode)
	}
	if res, _ := ts.do(t, "GET", "/nope", "", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path = %d", res.StatusCode)
	}
}

func TestGraphQLBodyLimit(t *testing.T) {
	t.Parallel()
	read := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		if _, ok := r.Context().Deadline(); !ok {
			http.Error(w, "no deadline", http.StatusInternalServerError)
		}
	})
	ts := startTestServer(t, map[string]string{"MAX_BODY_BYTES": "1KiB"}, Layers{GraphQL: read})
	if res, _ := ts.do(t, "POST", "/graphql", strings.Repeat("x", 1000), nil); res.StatusCode != http.StatusOK {
		t.Errorf("body under the limit = %d", res.StatusCode)
	}
	if res, _ := ts.do(t, "POST", "/graphql", strings.Repeat("x", 2000), nil); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("body over the limit = %d", res.StatusCode)
	}
}

func TestRunServesAndShutsDown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	addr := make(chan string, 1)
	logs := &syncBuffer{}
	done := make(chan error, 1)
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "LOG_FORMAT": "json", "GLADLY_DEMO_FAULTS": "latency=1ms", "SHUTDOWN_DELAY": "0"}
	go func() {
		done <- runWith(ctx, nil, envOf(env), logs, buildLayers, runHooks{listening: func(a string) { addr <- a }})
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not start listening")
	}
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run = %v after shutdown, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
	lines := logLines(t, logs.String())
	if len(lines) < 4 {
		t.Fatalf("too few log lines:\n%s", logs.String())
	}
	// The first lines tell a newcomer what is running and where to look.
	head := ""
	for _, l := range lines[:4] {
		b, _ := json.Marshal(l)
		head += string(b) + "\n"
	}
	for _, want := range []string{"demo mode", "gladly/gladlytest", "cache: in-process", "open this URL", "http://localhost:"} {
		if !strings.Contains(head, want) {
			t.Errorf("first log lines lack %q:\n%s", want, head)
		}
	}
	if !strings.Contains(logs.String(), `"message":"stopped"`) {
		t.Error("no stopped line")
	}
}

func TestRunConfigError(t *testing.T) {
	t.Parallel()
	err := run(t.Context(), []string{"-gladly-api-token", secretToken}, envOf(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "GLADLY_BASE_URL") || strings.Contains(err.Error(), secretToken) {
		t.Errorf("run = %v", err)
	}
}
