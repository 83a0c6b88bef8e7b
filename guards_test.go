package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostRequest sends GET path with the Host header host.
func hostRequest(t *testing.T, ts *testServer, path, host string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", ts.URL+path, nil)
	req.Host = host
	res, err := ts.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// TestForeignHostRefused: the demo answers its loopback names only, ALLOWED_HOSTS names others;
// a foreign Host (a DNS-rebinding page) gets 421 on every route but the health probes, which the
// kubelet sends by pod IP.
func TestForeignHostRefused(t *testing.T) {
	t.Parallel()
	demo := startTestServer(t, nil, Layers{})
	for host, want := range map[string]int{"localhost:4001": 200, "127.0.0.1": 200, "[::1]:80": 200, "rebind.attacker.example:4001": 421, "10.1.2.3:4001": 421} {
		if got := hostRequest(t, demo, "/", host); got != want {
			t.Errorf("demo, Host %q: %d, want %d", host, got, want)
		}
	}
	if got := hostRequest(t, demo, "/graphql", "rebind.attacker.example"); got != 421 {
		t.Errorf("demo, foreign Host on /graphql: %d, want 421", got)
	}
	configured := startTestServer(t, map[string]string{"ALLOWED_HOSTS": "graph.internal"}, Layers{})
	for host, want := range map[string]int{"graph.internal:4001": 200, "GRAPH.internal": 200, "127.0.0.1": 421, "evil.example": 421} {
		if got := hostRequest(t, configured, "/", host); got != want {
			t.Errorf("ALLOWED_HOSTS=graph.internal, Host %q: %d, want %d", host, got, want)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if got := hostRequest(t, configured, path, "10.244.3.17:4001"); got != 200 {
			t.Errorf("%s by pod IP: %d, want 200", path, got)
		}
	}
}

// TestCORSThroughServer: without CORS_ALLOWED_ORIGINS no answer carries CORS headers; with it a
// configured origin's preflight is answered and others are not.
func TestCORSThroughServer(t *testing.T) {
	t.Parallel()
	preflight := func(ts *testServer, origin string) *http.Response {
		t.Helper()
		res, _ := ts.do(t, "OPTIONS", "/graphql", "", map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
		return res
	}
	corsHeaders := func(res *http.Response) []string {
		var out []string
		for k := range res.Header {
			if strings.HasPrefix(k, "Access-Control-") {
				out = append(out, k)
			}
		}
		return out
	}
	off := startTestServer(t, nil, Layers{})
	if h := corsHeaders(preflight(off, "https://app.example.com")); len(h) != 0 {
		t.Errorf("CORS headers without configuration: %v", h)
	}
	if res, _ := off.do(t, "GET", "/", "", map[string]string{"Origin": "https://app.example.com"}); len(corsHeaders(res)) != 0 {
		t.Errorf("CORS headers on a GET without configuration: %v", corsHeaders(res))
	}

	on := startTestServer(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.example.com"}, Layers{})
	res := preflight(on, "https://app.example.com")
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight of a configured origin: %d %v", res.StatusCode, res.Header)
	}
	if res := preflight(on, "https://evil.example"); res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight of another origin got Access-Control-Allow-Origin %q", res.Header.Get("Access-Control-Allow-Origin"))
	}
}

// TestInFlightOverTheLimit: with MAX_IN_FLIGHT requests running, the next is answered 503 with
// Retry-After at once (GraphQL never sees it), the health probes still answer, and a finished
// request gives its place back.
func TestInFlightOverTheLimit(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	var mu sync.Mutex
	reached := 0
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		reached++
		mu.Unlock()
		entered <- struct{}{}
		<-release
		_, _ = io.WriteString(w, `{"data":{}}`)
	})
	ts := startTestServer(t, map[string]string{"MAX_IN_FLIGHT": "2"}, Layers{GraphQL: slow})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			res, _ := ts.do(t, "POST", "/graphql", `{"query":"{__typename}"}`, map[string]string{"Content-Type": "application/json"})
			if res.StatusCode != 200 {
				t.Errorf("a request within the limit: %d", res.StatusCode)
			}
		})
	}
	<-entered
	<-entered
	// A bound only so that a request queued behind the others fails the test instead of hanging.
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/graphql", strings.NewReader(`{"query":"{__typename}"}`))
	req.Header.Set("Content-Type", "application/json")
	if res, err := ts.http.Do(req); err != nil {
		t.Errorf("over MAX_IN_FLIGHT: %v; want 503 at once", err)
	} else {
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Errorf("over MAX_IN_FLIGHT: %d, Retry-After %q; want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	if res, _ := ts.do(t, "GET", "/healthz", "", nil); res.StatusCode != 200 {
		t.Errorf("/healthz while saturated: %d", res.StatusCode)
	}
	close(release)
	wg.Wait()
	if res, _ := ts.do(t, "POST", "/graphql", `{"query":"{__typename}"}`, map[string]string{"Content-Type": "application/json"}); res.StatusCode != 200 {
		t.Errorf("after the others finished: %d", res.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	if reached != 3 {
		t.Errorf("the GraphQL layer saw %d requests, want 3 (the refused one never reaches it)", reached)
	}
}

// TestConnectionsOverTheLimit: the real server (run) with MAX_CONNECTIONS held by idle
// keep-alive clients answers a new client 503 and closes, instead of leaving it hanging.
func TestConnectionsOverTheLimit(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "LOG_FORMAT": "json", "MAX_CONNECTIONS": "2"}
	go func() {
		done <- runWith(ctx, nil, envOf(env), io.Discard, buildLayers, runHooks{listening: func(a string) { addr <- a }})
	}()
	var base string
	select {
	case base = <-addr:
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	}
	t.Cleanup(func() { cancel(); <-done })
	get := func(c net.Conn) (int, error) {
		// A bound only so that a hang fails the test instead of stalling it.
		_ = c.SetDeadline(time.Now().Add(20 * time.Second))
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
			return 0, err
		}
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, nil
	}
	var held []net.Conn
	for i := range 2 {
		c, err := net.Dial("tcp", base)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if code, err := get(c); code != 200 {
			t.Fatalf("connection %d within the limit: %d %v", i+1, code, err)
		}
		held = append(held, c)
	}
	c, err := net.Dial("tcp", base)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if code, err := get(c); code != http.StatusServiceUnavailable {
		t.Errorf("a third connection: %d %v, want 503", code, err)
	}
	// The held ones still work.
	if code, err := get(held[0]); code != 200 {
		t.Errorf("a held connection after the refusal: %d %v", code, err)
	}
}
