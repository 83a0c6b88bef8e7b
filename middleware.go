package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// graphqlOrIDE sends browsers that GET /graphql for a page to GraphiQL, everything else to the
// GraphQL handler (a GET carrying a query is a GraphQL request whatever it accepts).
func graphqlOrIDE(ide, gql http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && !r.URL.Query().Has("query") && acceptsHTML(r) {
			ide.ServeHTTP(w, r)
			return
		}
		gql.ServeHTTP(w, r)
	})
}

func acceptsHTML(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(part, ";")
		if strings.EqualFold(strings.TrimSpace(mt), "text/html") {
			return true
		}
	}
	return false
}

// withTimeout bounds the time a request's work may take through its context.
func withTimeout(d time.Duration, next http.Handler) http.Handler {
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

// recoverer turns a panic into a logged INTERNAL_SERVER_ERROR (with the request id in both),
// or a cut connection when the answer had already started.
func recoverer(next http.Handler) http.Handler {
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
			writeGraphQLError(sw, r, http.StatusInternalServerError, "internal server error", "INTERNAL_SERVER_ERROR")
		}()
		next.ServeHTTP(sw, r)
	})
}

// writeGraphQLError answers with a GraphQL-shaped error body.
func writeGraphQLError(w http.ResponseWriter, r *http.Request, status int, msg, code string) {
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
	}{Errors: []gqlErr{{Message: msg, Extensions: ext{Code: code, RequestID: requestIDFrom(r.Context())}}}}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
