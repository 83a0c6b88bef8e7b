package telemetry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// recorder is an in-memory tracer provider and the spans it ended.
type recorder struct {
	tp  *sdktrace.TracerProvider
	exp *tracetest.InMemoryExporter
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return &recorder{tp: tp, exp: exp}
}

func (r *recorder) opts() []Option {
	return []Option{WithTracerProvider(r.tp), WithPropagator(Propagator())}
}

func (r *recorder) spans() tracetest.SpanStubs { return r.exp.GetSpans() }

// named returns the one span called name, failing the test otherwise.
func (r *recorder) named(t *testing.T, name string) tracetest.SpanStub {
	t.Helper()
	var found []tracetest.SpanStub
	for _, s := range r.spans() {
		if s.Name == name {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d spans named %q, want 1; spans: %v", len(found), name, spanNames(r.spans()))
	}
	return found[0]
}

func spanNames(ss tracetest.SpanStubs) []string {
	var n []string
	for _, s := range ss {
		n = append(n, s.Name)
	}
	return n
}

func attr(s tracetest.SpanStub, key string) (attribute.Value, bool) {
	for _, a := range s.Attributes {
		if string(a.Key) == key {
			return a.Value, true
		}
	}
	return attribute.Value{}, false
}

// assertClean fails when any span name, attribute, event or status of ss spells one of secrets.
func assertClean(t *testing.T, ss tracetest.SpanStubs, secrets ...string) {
	t.Helper()
	for _, s := range ss {
		texts := []string{s.Name, s.Status.Description}
		for _, a := range s.Attributes {
			texts = append(texts, a.Value.Emit())
		}
		for _, e := range s.Events {
			texts = append(texts, e.Name)
			for _, a := range e.Attributes {
				texts = append(texts, a.Value.Emit())
			}
		}
		for _, txt := range texts {
			for _, secret := range secrets {
				if strings.Contains(strings.ToLower(txt), strings.ToLower(secret)) {
					t.Errorf("span %q carries %q in %q", s.Name, secret, txt)
				}
			}
		}
	}
}

func TestMiddlewareNamesSpansByRoute(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /media/{itemId}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
	})
	// Between Middleware and Routes sits middleware that copies the request, as the edge's does.
	copying := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), struct{}{}, 1)))
		})
	}
	srv := httptest.NewServer(Middleware(copying(Routes(mux)), rec.opts()...))
	t.Cleanup(srv.Close)

	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/media/item42?sig=tok3n-Secret", nil)
	req.Header.Set("traceparent", parent)
	req.Header.Set("Authorization", "Bearer ggk_key_s3cr3t")
	mustDo(t, req)
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/graphql?query={contact(email:\"ada@example.com\")}", strings.NewReader(`{"query":"{ contact(email: \"ada@example.com\") { id } }"}`))
	mustDo(t, req)
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/contacts/ada@example.com", nil)
	mustDo(t, req)

	media := rec.named(t, "GET /media/{itemId}")
	if media.SpanKind != trace.SpanKindServer {
		t.Errorf("media span kind %v, want server", media.SpanKind)
	}
	if got := media.Parent.TraceID().String(); got != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("media span's parent trace %s: the traceparent header was not continued", got)
	}
	if v, _ := attr(media, "http.route"); v.AsString() != "/media/{itemId}" {
		t.Errorf("http.route = %q", v.AsString())
	}
	gql := rec.named(t, "POST /graphql")
	if v, _ := attr(gql, "http.response.status_code"); v.AsInt64() != http.StatusBadRequest {
		t.Errorf("graphql span status code %d, want 400", v.AsInt64())
	}
	unmatched := rec.named(t, "GET")
	if v, _ := attr(unmatched, "url.path"); v.AsString() != "unmatched" {
		t.Errorf("url.path of an unmatched request = %q, want unmatched", v.AsString())
	}
	assertClean(t, rec.spans(), "ada@example.com", "ada%40example.com", "tok3n-Secret", "s3cr3t", "item42", "contact(")
}

func mustDo(t *testing.T, req *http.Request) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
}

// Off — no Setup, no provider given — the helpers hand back what they wrap: tracing costs nothing.
func TestOffReturnsWhatItWraps(t *testing.T) {
	t.Parallel()
	if Enabled() {
		t.Skip("a test of this package enabled tracing globally")
	}
	h := http.NewServeMux()
	if got := Middleware(h); got != http.Handler(h) {
		t.Errorf("Middleware wrapped the handler while tracing is off")
	}
	base := &http.Transport{}
	if got := Transport(base); got != http.RoundTripper(base) {
		t.Errorf("Transport wrapped the RoundTripper while tracing is off")
	}
}

func TestRouteTemplate(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/api/v1/customer-profiles/OOrlNMLuS3qrIq8aImG1eA":                  "/api/v1/customer-profiles/{id}",
		"/api/v1/customer-profiles":                                         "/api/v1/customer-profiles",
		"/api/v1/conversation-items/S6pMkJ78QMmkVf9qPP_SeQ/media/recording": "/api/v1/conversation-items/{id}/media/recording",
		"/api/v1/customer-profiles/ada@example.com":                         "/api/v1/customer-profiles/{id}",
		"/api/v1/customer-profiles/+15551234567":                            "/api/v1/customer-profiles/{id}",
		"/api/v1/export/jobs/j1/files/conversation_items.jsonl":             "/api/v1/export/jobs/{id}/files/{id}",
		"/api/v1/orgs/o-1/answers-search":                                   "/api/v1/orgs/{id}/answers-search",
		"":                                                                  "/",
		"/api/v1/message-automation/sessions/s1/messages/-leading-hyphen-is-value": "/api/v1/message-automation/sessions/{id}/messages/{id}",
	} {
		if got := RouteTemplate(path); got != want {
			t.Errorf("RouteTemplate(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestLogHookAddsTraceID(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	ctx, span := rec.tp.Tracer("test").Start(t.Context(), "work")
	defer span.End()
	var buf strings.Builder
	log := newTestLogger(&buf)
	log.Info().Ctx(ctx).Msg("with a span")
	log.Info().Msg("without a context")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := `"trace_id":"` + span.SpanContext().TraceID().String() + `"`
	if !strings.Contains(lines[0], want) || !strings.Contains(lines[0], `"span_id":"`+span.SpanContext().SpanID().String()+`"`) {
		t.Errorf("line with a span = %s, want %s and the span id", lines[0], want)
	}
	if strings.Contains(lines[1], "trace_id") {
		t.Errorf("line without a context = %s, want no trace_id", lines[1])
	}
	if TraceID(ctx) != span.SpanContext().TraceID().String() || TraceID(t.Context()) != "" {
		t.Errorf("TraceID = %q / %q", TraceID(ctx), TraceID(t.Context()))
	}
}

func TestStatusUnsetOnSuccess(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	srv := httptest.NewServer(Middleware(http.NotFoundHandler(), rec.opts()...))
	t.Cleanup(srv.Close)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/", nil)
	mustDo(t, req)
	// otelhttp leaves a 4xx server span unset (the client's fault), which is what dashboards expect.
	if s := rec.named(t, "GET"); s.Status.Code == codes.Error {
		t.Errorf("a 404 marked the server span failed: %+v", s.Status)
	}
}

func TestProbesAndScrapesAreNotTraced(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	srv := httptest.NewServer(Middleware(http.NotFoundHandler(), rec.opts()...))
	t.Cleanup(srv.Close)
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/graphql"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+p, nil)
		mustDo(t, req)
	}
	if got := spanNames(rec.spans()); len(got) != 1 {
		t.Errorf("spans %v, want only the /graphql request's", got)
	}
}
