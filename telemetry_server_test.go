package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpSink is an OTLP/HTTP trace receiver (what a collector listens for on :4318): it decodes the
// protobuf exports and keeps their spans.
type otlpSink struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (s *otlpSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	var req coltracepb.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(b, &req)
	}
	if r.URL.Path != "/v1/traces" || err != nil {
		http.Error(w, "want an OTLP export on /v1/traces", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			s.spans = append(s.spans, ss.GetSpans()...)
		}
	}
	s.mu.Unlock()
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// A request through the whole server, configured by the standard OTEL_* variables and exporting
// to a real OTLP/HTTP receiver, yields one trace continuing the caller's traceparent: the server
// span (named by route) → the GraphQL operation → the Gladly call; the access line carries the
// trace id; no span carries the email the query looked up, the query text or a credential.
// Not parallel: tracing is process-wide once run sets it up.
func TestTraceThroughTheServer(t *testing.T) {
	sink := &otlpSink{}
	collector := httptest.NewServer(sink)
	defer collector.Close()

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	logs := &syncBuffer{}
	addr, done := make(chan string, 1), make(chan error, 1)
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "LOG_FORMAT": "json", "SHUTDOWN_DELAY": "0",
		"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL, "OTEL_SERVICE_NAME": "gladgraph-test"}
	go func() {
		done <- runWith(ctx, nil, envOf(env), logs, buildLayers, runHooks{listening: func(a string) { addr <- a }})
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(time.Minute): // a fail-safe, not a bound
		t.Fatal("run did not start listening")
	}

	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql",
		strings.NewReader(`{"query":"query Ada { contacts(email: \"ada@example.com\") { nodes { name } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", "00-"+traceID+"-"+parentID+"-01")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Ada Lovelace") {
		t.Fatalf("POST /graphql = %d %s", res.StatusCode, body)
	}
	cancel() // run drains, then flushes the spans to the receiver
	if err := <-done; err != nil {
		t.Fatalf("run = %v", err)
	}

	sink.mu.Lock()
	spans := sink.spans
	sink.mu.Unlock()
	byID := map[string]*tracepb.Span{}
	var server, op, call *tracepb.Span
	for _, s := range spans {
		if hex.EncodeToString(s.GetTraceId()) != traceID {
			continue
		}
		byID[hex.EncodeToString(s.GetSpanId())] = s
		switch {
		case s.GetName() == "POST /graphql":
			server = s
		case s.GetName() == "query Ada":
			op = s
		case s.GetKind() == tracepb.Span_SPAN_KIND_CLIENT && strings.HasPrefix(s.GetName(), "GET /api/v1/"):
			call = s
		}
	}
	if server == nil || op == nil || call == nil {
		var names []string
		for _, s := range spans {
			names = append(names, s.GetName()+" "+hex.EncodeToString(s.GetTraceId()))
		}
		t.Fatalf("want server, operation and Gladly spans in trace %s; got:\n%s", traceID, strings.Join(names, "\n"))
	}
	if got := hex.EncodeToString(server.GetParentSpanId()); got != parentID {
		t.Errorf("server span's parent = %s, want the caller's %s", got, parentID)
	}
	if hex.EncodeToString(op.GetParentSpanId()) != hex.EncodeToString(server.GetSpanId()) {
		t.Errorf("operation span is not a child of the server span")
	}
	descends := false
	for s := call; s != nil; s = byID[hex.EncodeToString(s.GetParentSpanId())] {
		if s == op {
			descends = true
			break
		}
	}
	if !descends {
		t.Errorf("Gladly call %q does not descend from the operation span", call.GetName())
	}

	// Nothing a customer or a caller typed: the lookup's email, the query's text, credentials.
	dump, _ := json.Marshal(spans)
	for _, secret := range []string{"ada@example.com", "ada%40example.com", "contacts(", "Authorization", "api_key"} {
		if strings.Contains(string(dump), secret) {
			t.Errorf("a span carries %q", secret)
		}
	}
	found := false
	for _, l := range logLines(t, logs.String()) {
		if l["message"] == "request" && l["path"] == "/graphql" {
			found = true
			if l["trace_id"] != traceID {
				t.Errorf("access line trace_id = %v, want %s", l["trace_id"], traceID)
			}
		}
	}
	if !found {
		t.Error("no access line for the request")
	}
}
