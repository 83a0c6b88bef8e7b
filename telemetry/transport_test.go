package telemetry

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// headerLog remembers the traceparent of each request it forwards.
type headerLog struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (h *headerLog) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.seen = append(h.seen, r.Header.Get("traceparent"))
	h.mu.Unlock()
	return h.base.RoundTrip(r)
}

func TestTransportSpanPerGladlyCall(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	hl := &headerLog{base: srv.Client().Transport}
	cl, err := gladly.NewClient(srv.URL,
		gladly.WithBasicAuth(srv.Username, srv.Token),
		gladly.WithHTTPClient(&http.Client{Transport: Transport(hl, rec.opts()...)}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, parent := rec.tp.Tracer("test").Start(t.Context(), "request")
	id := srv.CustomerIDs()[0]
	if _, _, err := cl.Customers.Get(ctx, id); err != nil {
		t.Fatalf("get: %v", err)
	}
	_, _, _ = cl.Customers.Find(ctx, gladly.FindCustomersOptions{Email: "ada.lovelace@example.com"})
	_, _, _ = cl.Customers.Find(ctx, gladly.FindCustomersOptions{PhoneNumber: "+15551234567"})
	_, _, _ = cl.Customers.Get(ctx, "noSuchCustomerId0000001")
	parent.End()

	var gets, finds []string
	for _, s := range rec.spans() {
		if s.SpanKind != trace.SpanKindClient {
			continue
		}
		if s.Parent.SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("span %q is not a child of the request's span", s.Name)
		}
		op, _ := attr(s, "gladly.operation")
		status, _ := attr(s, "http.response.status_code")
		switch s.Name {
		case "GET /api/v1/customer-profiles/{id}":
			gets = append(gets, op.AsString())
			if status.AsInt64() == http.StatusNotFound && s.Status.Code != codes.Error {
				t.Errorf("a 404 from Gladly left the span's status %v", s.Status)
			}
		case "GET /api/v1/customer-profiles":
			finds = append(finds, op.AsString())
			if v, _ := attr(s, "url.template"); v.AsString() != "/api/v1/customer-profiles" {
				t.Errorf("url.template = %q", v.AsString())
			}
		default:
			t.Errorf("unexpected client span %q", s.Name)
		}
	}
	if strings.Join(gets, ",") != "getCustomer,getCustomer" || strings.Join(finds, ",") != "findCustomers,findCustomers" {
		t.Errorf("operations: gets %v, finds %v", gets, finds)
	}
	traceID := parent.SpanContext().TraceID().String()
	for i, tp := range hl.seen {
		if !strings.Contains(tp, traceID) {
			t.Errorf("request %d carried traceparent %q, want the trace %s", i, tp, traceID)
		}
	}
	assertClean(t, rec.spans(), id, "ada.lovelace", "example.com", "5551234567", srv.Token, srv.Username)
}
