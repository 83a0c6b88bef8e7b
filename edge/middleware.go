package edge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/rs/zerolog"
)

// WithTimeout bounds the time a request's work may take through its context.
func WithTimeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// deadlines gives the connection a write deadline for this answer (the server has no global
// one, for the media streams' sake), so a client that does not read cannot hold it.
func deadlines(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d))
		next.ServeHTTP(w, r)
	})
}

// Recoverer turns a panic into a logged INTERNAL_SERVER_ERROR (with the request id in both),
// or a cut connection when the answer had already started.
func Recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			zerolog.Ctx(r.Context()).Error().
				Str("panic", fmt.Sprint(v)).
				Str("stack", string(debug.Stack())).
				Str("path", r.URL.Path).
				Msg("panic while serving a request")
			if sw.wroteHeader() {
				panic(http.ErrAbortHandler)
			}
			WriteGraphQLError(sw, r, http.StatusInternalServerError, "internal server error", "INTERNAL_SERVER_ERROR")
		}()
		next.ServeHTTP(sw, r)
	})
}

// writeGraphQLError answers with a GraphQL-shaped error body.
func WriteGraphQLError(w http.ResponseWriter, r *http.Request, status int, msg, code string) {
	type ext struct {
		Code      string `json:"code"`
		RequestID string `json:"requestId,omitempty"`
	}
	type gqlErr struct {
		Message    string `json:"message"`
		Extensions ext    `json:"extensions"`
	}
	body := struct {
		Errors []gqlErr `json:"errors"`
	}{Errors: []gqlErr{{Message: msg, Extensions: ext{Code: code, RequestID: RequestIDFrom(r.Context())}}}}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
