package edge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"

	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/telemetry"
)

// NewLogger returns the process's logger: it writes JSON lines, or human-readable lines when format is console (or auto and
// stdout is a terminal).
func NewLogger(w io.Writer, format string, level zerolog.Level) zerolog.Logger {
	if format == "console" || (format == "auto" && isTerminal(w)) {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05.000"}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

const requestIDHeader = "X-Request-Id"

type requestIDKey struct{}

// RequestIDFrom returns the request's id ("" outside a request).
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// saneRequestID accepts an incoming X-Request-Id only when it cannot pollute logs or headers:
// 1 to 128 visible ASCII characters.
func saneRequestID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// withRequestID honours a sane incoming X-Request-Id (so a router's id follows the request
// through) or makes one, echoes it in the answer and puts it in the context and the logger.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !saneRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(requestIDHeader, id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		zerolog.Ctx(ctx).UpdateContext(func(c zerolog.Context) zerolog.Context { return c.Str("request_id", id) })
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// WithStats gives the request a loaders.Stats for its producers to fill (upstream calls, cache
// hits and misses, the operation's name), unless an outer handler already did: the access line,
// the route's metrics and the GraphQL handler's cache policy all read the same one.
func WithStats(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if loaders.StatsFrom(r.Context()) == nil {
			ctx, _ := loaders.WithStats(r.Context())
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

// quietPaths are probed often by machines; their access lines go out at debug level.
var quietPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// accessLog writes one line per request. It names what the request did and cost, never what
// it carried: no query string, variables, query text, headers or bodies.
func accessLog(r *http.Request, status, size int, d time.Duration) {
	l := hlog.FromRequest(r)
	var e *zerolog.Event
	aborted := abortedReason(r.Context())
	switch {
	case status >= 500 || aborted != "":
		e = l.Warn()
	case quietPaths[r.URL.Path]:
		e = l.Debug()
	default:
		e = l.Info()
	}
	st := loaders.StatsFrom(r.Context()).Snapshot()
	e = e.Str("method", r.Method).
		Str("path", r.URL.Path).
		Int("status", status).
		Float64("duration_ms", float64(d.Microseconds())/1000).
		Int("bytes", size)
	if aborted != "" {
		e = e.Str("aborted", aborted) // the status went out, the whole answer did not
	}
	if st.Operation != "" {
		e = e.Str("operation", st.Operation)
	}
	if id := telemetry.TraceID(r.Context()); id != "" {
		e = e.Str("trace_id", id) // the line leads to its trace
	}
	e.Int64("upstream_calls", st.UpstreamCalls).
		Int64("cache_hits", st.CacheHits).
		Int64("cache_misses", st.CacheMisses).
		Msg("request")
}

// observe wraps the router in the request-scoped plumbing, outermost first: the logger, the
// request id, the stats, the abort mark, the access line. The access line reads the stats and
// the mark, so they sit outside it.
//
// Authentication goes inside the access line, around next: a middleware there resolves the
// request's credentials to a caller.Caller (its account and scopes) and puts it in the context
// with caller.With, so that every surface mounted on the router (GraphQL, /mcp, /admin/…,
// subscriptions) reads it with caller.From, and the access line still logs refused requests.
func observe(logger zerolog.Logger, next http.Handler) http.Handler {
	h := hlog.AccessHandler(accessLog)(next)
	h = withAbortMark(h)
	h = WithStats(h)
	h = withRequestID(h)
	return hlog.NewHandler(logger)(h)
}
