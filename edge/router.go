package edge

import (
	stdlog "log"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/metrics"
	"github.com/gladgraph/gladgraph/telemetry"
)

// Router mounts every HTTP surface of the server under the same wrapping: each route is counted
// and timed under its name, guarded by Recoverer and, unless it streams, given a write deadline.
// New surfaces (/mcp, /admin/…, subscriptions) mount here like the others.
type Router struct {
	mux      *http.ServeMux
	metrics  *metrics.Metrics
	deadline time.Duration
}

// NewRouter returns a router whose answers must be written within writeDeadline (the server has
// no global write timeout, for the streams' sake).
func NewRouter(m *metrics.Metrics, writeDeadline time.Duration) *Router {
	return &Router{mux: http.NewServeMux(), metrics: m, deadline: writeDeadline}
}

// Handle mounts h at pattern (http.ServeMux syntax), counted under route, with the write deadline.
func (rt *Router) Handle(pattern, route string, h http.Handler) {
	rt.HandleStream(pattern, route, deadlines(rt.deadline, h))
}

// HandleStream mounts h without the router's write deadline: for answers that may outlast any
// fixed bound (media, subscriptions), which set their own deadline on each write.
func (rt *Router) HandleStream(pattern, route string, h http.Handler) {
	rt.mux.Handle(pattern, rt.instrument(route, Recoverer(h)))
}

// Handler is what the HTTP server serves: the routes inside the request-scoped plumbing (logger,
// request id, stats, access line; see observe).
// telemetry.Routes sits right around the mux to name the request's span after the route.
func (rt *Router) Handler(logger zerolog.Logger) http.Handler {
	return observe(logger, telemetry.Routes(rt.mux))
}

// instrument counts and times a route; route is a mux pattern, so label values stay bounded.
func (rt *Router) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rt.metrics.RequestStarted()
		rec := &statusWriter{ResponseWriter: w}
		defer func() {
			rt.metrics.RequestDone(route, rec.status(), time.Since(start), loaders.StatsFrom(r.Context()).Snapshot())
		}()
		next.ServeHTTP(rec, r)
	})
}

// ErrorLog is the http.Server's ErrorLog: net/http's own error lines (TLS handshakes, bad
// requests) go to the logger.
func ErrorLog(logger zerolog.Logger) *stdlog.Logger { return stdlog.New(logWriter{logger}, "", 0) }

type logWriter struct{ l zerolog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.l.Warn().Str("component", "http").Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}
