package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// On SIGTERM readiness answers 503 for SHUTDOWN_DELAY while the server still serves — GraphQL
// included — so that load balancers stop routing here before the listener closes; then it drains
// and stops. The delay is long and ended by the test, so nothing here depends on how fast the
// machine is.
func TestSIGTERMFlipsReadinessWhileServing(t *testing.T) {
	ctx, stop := signal.NotifyContext(t.Context(), syscall.SIGTERM)
	defer stop()
	addr, draining, delayOver := make(chan string, 1), make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "LOG_FORMAT": "json", "SHUTDOWN_DELAY": "10m"}
	go func() {
		done <- runWith(ctx, nil, envOf(env), &syncBuffer{}, buildLayers, runHooks{
			listening: func(a string) { addr <- a },
			draining:  func() { close(draining) },
			delayOver: delayOver,
		})
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(time.Minute): // a fail-safe, not a bound: startup takes well under a second
		t.Fatal("run did not start listening")
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} // every request a new connection
	get := func(path string) (int, string) {
		t.Helper()
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer res.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		st, _ := body["status"].(string)
		return res.StatusCode, st
	}
	query := func() (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"{ contacts(email: \"ada@example.com\") { nodes { name } } }"}`))
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("POST /graphql: %v", err)
		}
		defer res.Body.Close()
		var body struct {
			Data json.RawMessage
		}
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, string(body.Data)
	}
	if code, st := get("/readyz"); code != http.StatusOK || st != "ready" {
		t.Fatalf("readyz before SIGTERM = %d %s", code, st)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-draining:
	case err := <-done:
		t.Fatalf("run ended at SIGTERM without the delay: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("SIGTERM did not start the shutdown")
	}
	for range 3 {
		if code, st := get("/readyz"); code != http.StatusServiceUnavailable || st != "shutting_down" {
			t.Errorf("readyz during SHUTDOWN_DELAY = %d %s, want 503 shutting_down", code, st)
		}
		if code, _ := get("/healthz"); code != http.StatusOK {
			t.Errorf("healthz during SHUTDOWN_DELAY = %d, want 200 (the process is alive)", code)
		}
		if code, data := query(); code != http.StatusOK || !strings.Contains(data, "Ada Lovelace") {
			t.Errorf("GraphQL during SHUTDOWN_DELAY = %d %s, want answered", code, data)
		}
	}

	close(delayOver)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run = %v after the drain, want nil", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("run did not return after the delay")
	}
	if _, err := client.Get(base + "/healthz"); err == nil {
		t.Error("the listener still accepts after the drain")
	}
}
