package telemetry

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/gladgraph/gladgraph/gladly"
)

// Transport wraps the RoundTripper of the Gladly client's http.Client: a client span per HTTP
// attempt (a retried call shows each attempt), named by method and route template
// ("GET /api/v1/customer-profiles/{id}"), with Gladly's operation id, the host and the status,
// and the trace context injected into the outgoing headers. The URL itself is never recorded:
// Gladly's lookups carry emails and phone numbers in the query string. Off (no Setup, no
// WithTracerProvider) it returns base unchanged; a nil base means http.DefaultTransport.
func Transport(base http.RoundTripper, opts ...Option) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	o, on := resolve(opts)
	if !on {
		return base
	}
	return &transport{base: base, tracer: o.tp.Tracer(instrumentation), prop: o.prop}
}

type transport struct {
	base   http.RoundTripper
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	route := RouteTemplate(r.URL.Path)
	attrs := []attribute.KeyValue{
		attribute.String("http.request.method", r.Method),
		attribute.String("url.template", route),
		attribute.String("server.address", r.URL.Hostname()),
	}
	if op := gladly.OperationFrom(r.Context()); op != "" {
		attrs = append(attrs, attribute.String("gladly.operation", op))
	}
	if p, err := strconv.Atoi(r.URL.Port()); err == nil {
		attrs = append(attrs, attribute.Int("server.port", p))
	}
	ctx, span := t.tracer.Start(r.Context(), r.Method+" "+route,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	defer span.End()

	// A RoundTripper must not change the request it was given: the headers are copied.
	out := r.Clone(ctx)
	t.prop.Inject(ctx, propagation.HeaderCarrier(out.Header))
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		// The error's text is not recorded: a *url.Error spells out the URL, query included.
		kind := errorKind(err)
		span.SetAttributes(attribute.String("error.type", kind))
		span.SetStatus(codes.Error, kind)
		return resp, err
	}
	span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
	if resp.StatusCode >= 400 {
		span.SetAttributes(attribute.String("error.type", strconv.Itoa(resp.StatusCode)))
		span.SetStatus(codes.Error, http.StatusText(resp.StatusCode))
	}
	return resp, nil
}

func errorKind(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	default:
		return "transport"
	}
}

// RouteTemplate turns a Gladly API path into its template: a segment made only of lowercase
// letters and hyphens ("customer-profiles", "conversation-items", "media") is a literal of the
// API and kept (so is the version, v1); every other segment is a value and becomes {id}. Values are replaced whatever they
// are — ids, but also an email address or phone number should one ever be put in a path — so
// spans group by endpoint and carry no data.
func RouteTemplate(path string) string {
	if path == "" {
		return "/"
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s != "" && !isLiteral(s) {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

func isLiteral(s string) bool {
	if len(s) >= 2 && s[0] == 'v' && strings.Trim(s[1:], "0123456789") == "" {
		return true // the API version, /api/v1
	}
	if s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < 'a' || s[i] > 'z') && s[i] != '-' {
			return false
		}
	}
	return true
}
