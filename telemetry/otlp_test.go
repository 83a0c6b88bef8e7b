package telemetry

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// otlpReceiver is an OTLP/HTTP trace receiver: it decodes the protobuf export requests a
// collector would receive and keeps their spans and the service names of their resources.
type otlpReceiver struct {
	mu       sync.Mutex
	spans    []*tracepb.Span
	services []string
	headers  []string // the test header of each export
}

func (rc *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "want POST /v1/traces with application/x-protobuf", http.StatusBadRequest)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(b, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	rc.headers = append(rc.headers, r.Header.Get("X-Test-Tenant"))
	for _, rs := range req.GetResourceSpans() {
		for _, a := range rs.GetResource().GetAttributes() {
			if a.GetKey() == "service.name" {
				rc.services = append(rc.services, a.GetValue().GetStringValue())
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			rc.spans = append(rc.spans, ss.GetSpans()...)
		}
	}
	rc.mu.Unlock()
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// Setup from the environment, a request through the middleware that calls Gladly, shutdown:
// the receiver holds the server span and the Gladly call as its child, under our service name.
// Not parallel: Setup installs the global provider the other tests must not see.
func TestSetupExportsOverOTLPHTTP(t *testing.T) {
	for _, compression := range []string{"none", "gzip"} {
		t.Run(compression, func(t *testing.T) {
			rc := &otlpReceiver{}
			collector := httptest.NewServer(rc)
			t.Cleanup(collector.Close)
			env := map[string]string{
				"OTEL_EXPORTER_OTLP_ENDPOINT":    collector.URL,
				"OTEL_EXPORTER_OTLP_HEADERS":     "x-test-tenant=team%20a",
				"OTEL_EXPORTER_OTLP_COMPRESSION": compression,
				"OTEL_SERVICE_NAME":              "gladgraph-test",
			}
			shutdown, err := Setup(t.Context(), func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if !Enabled() {
				t.Fatal("Setup with an endpoint left tracing off")
			}

			gsrv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
			cl, err := gladly.NewClient(gsrv.URL, gladly.WithBasicAuth(gsrv.Username, gsrv.Token),
				gladly.WithHTTPClient(&http.Client{Transport: Transport(gsrv.Client().Transport)}))
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			mux.HandleFunc("GET /contacts/{id}", func(w http.ResponseWriter, r *http.Request) {
				if _, _, err := cl.Customers.Get(r.Context(), r.PathValue("id")); err != nil {
					http.Error(w, "upstream", http.StatusBadGateway)
				}
			})
			app := httptest.NewServer(Middleware(Routes(mux)))
			t.Cleanup(app.Close)
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, app.URL+"/contacts/"+gsrv.CustomerIDs()[0], nil)
			mustDo(t, req)

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := shutdown(ctx); err != nil {
				t.Fatalf("shutdown (flush to the receiver): %v", err)
			}
			if Enabled() {
				t.Error("tracing still enabled after shutdown")
			}

			rc.mu.Lock()
			defer rc.mu.Unlock()
			byName := map[string]*tracepb.Span{}
			var names []string
			for _, s := range rc.spans {
				byName[s.GetName()] = s
				names = append(names, s.GetName())
			}
			slices.Sort(names)
			if diff := cmp.Diff([]string{"GET /api/v1/customer-profiles/{id}", "GET /contacts/{id}"}, names); diff != "" {
				t.Fatalf("exported spans (-want +got):\n%s", diff)
			}
			server, client := byName["GET /contacts/{id}"], byName["GET /api/v1/customer-profiles/{id}"]
			if !slices.Equal(client.GetParentSpanId(), server.GetSpanId()) || !slices.Equal(client.GetTraceId(), server.GetTraceId()) {
				t.Error("the Gladly call is not a child of the request's span")
			}
			if slices.ContainsFunc(rc.services, func(s string) bool { return s != "gladgraph-test" }) || len(rc.services) == 0 {
				t.Errorf("service names %v, want gladgraph-test", rc.services)
			}
			if slices.ContainsFunc(rc.headers, func(s string) bool { return s != "team a" }) {
				t.Errorf("export headers %v, want the configured x-test-tenant", rc.headers)
			}
		})
	}
}

func TestSetupOffUnlessConfigured(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"nothing":       {},
		"sdk disabled":  {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"},
		"exporter none": {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER": "none"},
		"only a name":   {"OTEL_SERVICE_NAME": "gladgraph"},
	} {
		shutdown, err := Setup(t.Context(), func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if Enabled() {
			t.Errorf("%s: tracing on", name)
		}
		if err := shutdown(t.Context()); err != nil {
			t.Errorf("%s: shutdown: %v", name, err)
		}
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	ok := []struct {
		env  map[string]string
		want Config
	}{
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"},
			Config{Endpoint: "http://collector:4318/v1/traces", Insecure: true, ServiceName: "gladgraph", Timeout: 10 * time.Second}},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://ignored:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://api.example.com/otlp/traces",
			"OTEL_EXPORTER_OTLP_TRACES_HEADERS": "api-key=abc%3D,x=1", "OTEL_EXPORTER_OTLP_TIMEOUT": "2500", "OTEL_SERVICE_NAME": "gg-eu",
			"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_TRACES_EXPORTER": "otlp"},
			Config{Endpoint: "https://api.example.com/otlp/traces", Headers: map[string]string{"api-key": "abc=", "x": "1"},
				ServiceName: "gg-eu", Timeout: 2500 * time.Millisecond}},
	}
	for _, c := range ok {
		got, err := ParseConfig(func(k string) string { return c.env[k] })
		if err != nil {
			t.Errorf("%v: %v", c.env, err)
			continue
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%v (-want +got):\n%s", c.env, diff)
		}
	}
	for _, env := range []map[string]string{
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
		{"OTEL_TRACES_EXPORTER": "zipkin"},
		{"OTEL_SDK_DISABLED": "maybe"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_HEADERS": "secret-without-key"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_TIMEOUT": "-1"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"},
	} {
		_, err := ParseConfig(func(k string) string { return env[k] })
		if err == nil {
			t.Errorf("%v: no error", env)
		} else if v := env["OTEL_EXPORTER_OTLP_HEADERS"]; v != "" && strings.Contains(err.Error(), v) {
			t.Errorf("the error spells the headers' value: %v", err)
		}
	}
}
