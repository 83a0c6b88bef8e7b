package guard_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/guard"
)

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })

func TestAllowedHosts(t *testing.T) {
	t.Parallel()
	h := guard.AllowedHosts([]string{"gladgraph.internal", "api.example.com:8443", "*.corp.example"}, ok)
	for host, want := range map[string]int{
		"gladgraph.internal":       200,
		"GLADGRAPH.internal:4001":  200,
		"gladgraph.internal.":      200,
		"api.example.com:8443":     200,
		"api.example.com":          421,
		"api.example.com:443":      421,
		"a.corp.example":           200,
		"corp.example":             421,
		"evil.example":             421,
		"evil.example:4001":        421,
		"gladgraph.internal.evil":  421,
		"":                         421,
		"127.0.0.1:4001":           421,
		"xgladgraph.internal:4001": 421,
	} {
		r := httptest.NewRequest(http.MethodGet, "/graphql", nil)
		r.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != want {
			t.Errorf("Host %q: %d, want %d", host, rec.Code, want)
		}
	}
}

// TestLoopbackHostsRefuseRebinding: the demo's default answers its own loopback names only: a
// rebinding page's requests carry its own Host and get 421.
func TestLoopbackHostsRefuseRebinding(t *testing.T) {
	t.Parallel()
	h := guard.AllowedHosts(guard.LoopbackHosts(), ok)
	for host, want := range map[string]int{"localhost:4001": 200, "127.0.0.1:4001": 200, "[::1]:4001": 200, "rebind.attacker.example:4001": 421} {
		r := httptest.NewRequest(http.MethodGet, "/graphql", nil)
		r.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != want {
			t.Errorf("Host %q: %d, want %d", host, rec.Code, want)
		}
	}
	if got := guard.ParseHosts("a.example, b.example  c.example"); len(got) != 3 {
		t.Errorf("ParseHosts: %q", got)
	}
}

func TestCORSOffByDefault(t *testing.T) {
	t.Parallel()
	h := guard.CORS(guard.CORSConfig{}, ok)
	r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	r.Header.Set("Origin", "https://evil.example")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	for k := range rec.Header() {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("CORS header %s without configuration", k)
		}
	}
}

func TestCORSAllowsConfiguredOrigins(t *testing.T) {
	t.Parallel()
	h := guard.CORS(guard.CORSConfig{Origins: guard.ParseOrigins("https://app.example.com, https://admin.example.com/"), Credentials: true}, ok)
	do := func(method, origin string, preflight bool) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/graphql", nil)
		r.Header.Set("Origin", origin)
		if preflight {
			r.Header.Set("Access-Control-Request-Method", "POST")
			r.Header.Set("Access-Control-Request-Headers", "content-type")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	pre := do(http.MethodOptions, "https://app.example.com", true)
	if pre.Code != http.StatusNoContent || pre.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(pre.Header().Get("Access-Control-Allow-Methods"), "POST") || pre.Header().Get("Access-Control-Allow-Credentials") != "true" ||
		pre.Body.Len() != 0 {
		t.Errorf("preflight of an allowed origin: %d %v", pre.Code, pre.Header())
	}
	if rec := do(http.MethodPost, "https://admin.example.com", false); rec.Body.String() != "ok" || rec.Header().Get("Access-Control-Allow-Origin") != "https://admin.example.com" {
		t.Errorf("request of an allowed origin: %q %v", rec.Body.String(), rec.Header())
	}
	for _, rec := range []*httptest.ResponseRecorder{do(http.MethodOptions, "https://evil.example", true), do(http.MethodPost, "https://evil.example", false)} {
		if v := rec.Header().Get("Access-Control-Allow-Origin"); v != "" {
			t.Errorf("a refused origin got Access-Control-Allow-Origin %q", v)
		}
	}
	if rec := do(http.MethodPost, "https://evil.example", false); !strings.Contains(rec.Header().Get("Vary"), "Origin") {
		t.Errorf("no Vary: Origin: %v", rec.Header())
	}
}

// TestInFlightSheds: over MAX_IN_FLIGHT a request is answered 503 with Retry-After at once; a
// finished request gives its place back.
func TestInFlightSheds(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	})
	h := guard.InFlight(2, 2*time.Second, slow)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/graphql", nil)) })
	}
	<-entered
	<-entered
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "2" {
		t.Errorf("third request: %d Retry-After %q; want 503 with Retry-After 2", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(release)
	wg.Wait()
	done := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", nil))
		done <- rec.Code
	}()
	<-entered
	if code := <-done; code != http.StatusOK {
		t.Errorf("after the others finished: %d", code)
	}
}

// TestLimitListenerRefusesOverTheLimit: with MAX_CONNECTIONS held (idle keep-alive clients), a
// new client is answered 503 at once instead of hanging; a closed connection frees its place.
func TestLimitListenerRefusesOverTheLimit(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	limited := guard.LimitListener(ln, 2)
	srv := &http.Server{Handler: ok, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(limited) }()
	t.Cleanup(func() { _ = srv.Close() })

	dial := func() net.Conn {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	get := func(c net.Conn) int {
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			return -1
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return -1
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	a, b := dial(), dial()
	if get(a) != 200 || get(b) != 200 { // two kept-alive connections hold the limit
		t.Fatal("the first two connections were not served")
	}
	c := dial()
	if code := get(c); code != http.StatusServiceUnavailable {
		t.Errorf("third connection: %d, want 503", code)
	}
	c.Close()
	a.Close()
	for guard.Open(limited) > 1 {
		time.Sleep(5 * time.Millisecond)
	}
	d := dial()
	defer d.Close()
	if code := get(d); code != 200 {
		t.Errorf("after a connection closed: %d, want 200", code)
	}
	b.Close()
}
