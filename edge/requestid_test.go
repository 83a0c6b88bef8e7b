package edge

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/metrics"
)

func TestRequestID(t *testing.T) {
	t.Parallel()
	rt := NewRouter(metrics.New(), time.Minute)
	rt.Handle("GET /healthz", "/healthz", http.NotFoundHandler())
	h := rt.Handler(zerolog.Nop())
	for in, keep := range map[string]bool{
		"router-42":              true,
		"":                       false,
		"has space":              false,
		strings.Repeat("x", 129): false,
		"line\nbreak":            false,
		"ünïcode":                false,
		strings.Repeat("y", 128): true,
	} {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header["X-Request-Id"] = []string{in}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Request-Id")
		if keep && got != in {
			t.Errorf("sane id %q answered as %q", in, got)
		}
		if !keep && (got == in || !saneRequestID(got)) {
			t.Errorf("insane id %q answered as %q, want a fresh one", in, got)
		}
	}
}
