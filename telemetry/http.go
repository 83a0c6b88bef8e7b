package telemetry

import (
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Middleware starts a server span per request (otelhttp), continuing the caller's trace from its
// traceparent and baggage headers. Put it outermost, so that the span covers the whole request and
// the access log finds the trace id in the context; put Routes around the ServeMux so that the span
// is named after the route. /healthz, /readyz and /metrics are not traced. Off (no Setup, no
// WithTracerProvider) it returns next unchanged.
func Middleware(next http.Handler, opts ...Option) http.Handler {
	o, on := resolve(opts)
	if !on {
		return next
	}
	return otelhttp.NewHandler(next, "http",
		otelhttp.WithTracerProvider(o.tp),
		otelhttp.WithPropagators(o.prop),
		// Probes and scrapes arrive every few seconds from every replica's kubelet and Prometheus:
		// spans for them would drown the traces people look for.
		otelhttp.WithFilter(func(r *http.Request) bool {
			switch r.URL.Path {
			case "/healthz", "/readyz", "/metrics":
				return false
			}
			return true
		}),
		// Until the route is known the span is named by the method alone: the path may hold
		// anything a client typed. otelhttp calls this again after the handler when it sees the
		// request's pattern (a mux right inside it).
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if route := routeOf(r.Pattern); route != "" {
				return r.Method + " " + route
			}
			return r.Method
		}),
	)
}

// Routes wraps a ServeMux (or any handler that sets Request.Pattern, as ServeMux does on the
// request it is given) and, once it has routed the request, names the request's span after the
// route ("POST /graphql", "GET /media/{itemId}") and records http.route. url.path is replaced by
// the route too, or by "unmatched" when no route matched: a path is client input and may carry an
// email address or a token a client pasted into it.
//
// Routes must sit directly around the mux: middleware that copies the request (WithContext) before
// the mux would hide the pattern from it.
func Routes(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		span := trace.SpanFromContext(r.Context())
		if !span.IsRecording() {
			return
		}
		route := routeOf(r.Pattern)
		if route == "" {
			span.SetAttributes(attribute.String("url.path", "unmatched"))
			return
		}
		span.SetName(r.Method + " " + route)
		span.SetAttributes(attribute.String("http.route", route), attribute.String("url.path", route))
	})
}

// routeOf strips the method and host from a ServeMux pattern: "GET example.com/a/{id}" → "/a/{id}".
func routeOf(pattern string) string {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '/' {
			return pattern[i:]
		}
	}
	return ""
}
