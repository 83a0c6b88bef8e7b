package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/loaders"
)

// Secrets used in the tests: none may appear in any answer or log.
const (
	secretToken       = "tok-SECRET-0001"
	secretWebhookPass = "hook-SECRET-0002"
	secretHeaderValue = "header-SECRET-0003"
)

// redisLibLog receives go-redis's own messages for the whole test binary, through the throttled
// logger run installs (tests that kill Redis check that an outage is a few lines, not a flood).
var redisLibLog = &relLog{}

var testsStarted = time.Now()

func TestMain(m *testing.M) {
	// Set once before any test runs: go-redis reads its logger without synchronization.
	redis.SetLogger(edge.NewRedisLogger(zerolog.New(redisLibLog)))
	os.Exit(m.Run())
}

// syncBuffer collects log output written from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// envOf is a getenv over m. A test configuring a real Gladly (the fake's URL) without saying how
// callers authenticate runs as a deployment behind an authenticating gateway (AUTH_MODE=none):
// these tests are about the server's other behaviour; access has tests of its own.
func envOf(m map[string]string) func(string) string {
	return func(k string) string {
		if k == "AUTH_MODE" && m[k] == "" && m["GLADLY_BASE_URL"] != "" {
			return "none"
		}
		return m[k]
	}
}

// testServer is the whole HTTP surface (as run builds it) behind an httptest server.
type testServer struct {
	URL  string
	logs *syncBuffer
	cfg  *config.Config
	srv  *server
	http *http.Client
}

func startTestServer(t *testing.T, env map[string]string, layers Layers) *testServer {
	t.Helper()
	return startTestServerWith(t, env, func(*Backend) (Layers, error) { return layers, nil })
}

// startTestServerWith serves the layers build returns; a test that leaves out the GraphQL handler
// or the invalidator does not expect them to be used, and fails if they are.
func startTestServerWith(t *testing.T, env map[string]string, build func(*Backend) (Layers, error)) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	complete := func(b *Backend) (Layers, error) {
		l, err := build(b)
		if l.GraphQL == nil {
			l.GraphQL = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				t.Errorf("%s %s reached the GraphQL layer this test left out", r.Method, r.URL)
				http.Error(w, "no GraphQL layer in this test", http.StatusInternalServerError)
			})
		}
		if l.Invalidator == nil {
			l.Invalidator = unexpectedInvalidator{t}
		}
		return l, err
	}
	cfg, s, hs := serveForTest(t, env, logs, func(*config.Config) zerolog.Level { return zerolog.DebugLevel }, complete)
	return &testServer{URL: hs.URL, logs: logs, cfg: cfg, srv: s, http: hs.Client()}
}

// unexpectedInvalidator fails the test that did not expect a webhook to invalidate anything.
type unexpectedInvalidator struct{ t *testing.T }

func (u unexpectedInvalidator) Invalidate(_ context.Context, refs ...loaders.Ref) error {
	u.t.Errorf("invalidated %v in a test that left the invalidator out", refs)
	return nil
}

// serveForTest configures the server from env (PUBLIC_URL defaults to the test server's),
// logging JSON to logs at the level level chooses, and serves it on loopback until the test ends.
func serveForTest(t testing.TB, env map[string]string, logs io.Writer, level func(*config.Config) zerolog.Level,
	build func(*Backend) (Layers, error)) (*config.Config, *server, *httptest.Server) {
	t.Helper()
	cfg, err := config.Load(nil, envOf(env), io.Discard)
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	hs := httptest.NewUnstartedServer(nil)
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + hs.Listener.Addr().String()
	}
	s, err := newServer(cfg, edge.NewLogger(logs, "json", level(cfg)), build)
	if err != nil {
		t.Fatalf("newServer: %v", err)
	}
	hs.Config.Handler = s.handler
	hs.Start()
	t.Cleanup(func() {
		hs.Close()
		s.close()
	})
	return cfg, s, hs
}

func (ts *testServer) do(t *testing.T, method, path string, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := ts.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}
