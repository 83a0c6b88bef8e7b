package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// A misspelt GLADLY_BASE_URL used to start the demo on fake data with one info line; now the
// process refuses to start and names the variable it meant.
func TestMisspeltGladlyVariableRefusesToStart(t *testing.T) {
	t.Parallel()
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "GLADLY_BASEURL": "https://acme.gladly.com",
		"GLADLY_USERNAME": "api@acme.com", "GLADLY_API_TOKEN": secretToken}
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	listened := false
	err := runWith(t.Context(), nil, envOf(env), io.Discard, buildLayers, runHooks{environ: environ,
		listening: func(string) { listened = true }})
	var ce *config.Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "GLADLY_BASEURL: unknown variable; did you mean GLADLY_BASE_URL?") {
		t.Fatalf("run = %v, want a configuration error naming GLADLY_BASE_URL", err)
	}
	if listened {
		t.Error("the server started")
	}
	if strings.Contains(err.Error(), secretToken) || strings.Contains(err.Error(), "acme.gladly.com") {
		t.Errorf("a value was echoed: %v", err)
	}
	if err := run(t.Context(), []string{"-gladly-baseurl", "x"}, envOf(nil), io.Discard); err == nil ||
		!strings.Contains(err.Error(), "did you mean -gladly-base-url?") {
		t.Errorf("misspelt flag: %v", err)
	}
}

// The demo says so on stderr, in a banner no one misses, besides its log lines; a real
// deployment prints no banner.
func TestDemoBannerOnStderr(t *testing.T) {
	t.Parallel()
	serve := func(env map[string]string) string {
		t.Helper()
		ctx, cancel := context.WithCancel(t.Context())
		stderr := &syncBuffer{}
		done := make(chan error, 1)
		go func() {
			done <- runWith(ctx, nil, envOf(env), io.Discard, buildLayers, runHooks{stderr: stderr,
				listening: func(string) { cancel() }})
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run = %v", err)
			}
		case <-time.After(time.Minute): // a fail-safe, not a bound
			t.Fatal("run did not return")
		}
		return stderr.String()
	}
	banner := serve(map[string]string{"LISTEN_ADDR": "127.0.0.1:0"})
	for _, want := range []string{"DEMO", "FAKE", "GLADLY_BASE_URL"} {
		if !strings.Contains(banner, want) {
			t.Errorf("demo banner lacks %q:\n%s", want, banner)
		}
	}
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	if out := serve(map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "GLADLY_BASE_URL": fake.URL,
		"GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token, "SHUTDOWN_DELAY": "0"}); out != "" {
		t.Errorf("a real deployment wrote to stderr:\n%s", out)
	}
}
