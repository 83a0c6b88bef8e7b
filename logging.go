package main

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
)

// newLogger writes JSON lines, or human-readable lines when format is console (or auto and
// stdout is a terminal).
func newLogger(w io.Writer, format string, level zerolog.Level) zerolog.Logger {
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

// requestIDFrom returns the request's id ("" outside a request).
func requestIDFrom(ctx context.Context) string {
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

// withStats gives every request a fresh loaders.Stats for its producers to fill.
func withStats(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := loaders.WithStats(r.Context())
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// quietPaths are probed often by machines; their access lines go out at debug level.
var quietPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// accessLog writes one line per request. It names what the request did and cost, never what
// it carried: no query string, variables, query text, headers or bodies.
func accessLog(r *http.Request, status, size int, d time.Duration) {
	l := hlog.FromRequest(r)
	var e *zerolog.Event
	switch {
	case status >= 500:
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
	if st.Operation != "" {
		e = e.Str("operation", st.Operation)
	}
	e.Int64("upstream_calls", st.UpstreamCalls).
		Int64("cache_hits", st.CacheHits).
		Int64("cache_misses", st.CacheMisses).
		Msg("request")
}

// observe wraps the router in the request-scoped plumbing, outermost first: the logger, the
// request id, the stats, the access line. The access line reads the stats, so they sit outside it.
func observe(logger zerolog.Logger, next http.Handler) http.Handler {
	h := hlog.AccessHandler(accessLog)(next)
	h = withStats(h)
	h = withRequestID(h)
	return hlog.NewHandler(logger)(h)
}
