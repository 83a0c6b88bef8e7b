package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// GraphQLError is one entry of a GraphQL response's errors.
type GraphQLError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Code is extensions.code, e.g. UPSTREAM_RATE_LIMITED; empty when the error has none.
func (e GraphQLError) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// Executor runs a GraphQL operation for the caller in ctx (caller.From). err is a failure to run
// it at all; GraphQL's own errors come back in errs, with whatever data resolved.
type Executor interface {
	Execute(ctx context.Context, query, operationName string, variables map[string]any) (data json.RawMessage, errs []GraphQLError, err error)
}

// HandlerExecutor runs operations through h, the /graphql handler, in-process: a POST with a JSON
// body whose request context is ctx, so the caller, its scopes, the loaders, the cache, the
// limits and the error presenter are exactly those of /graphql, without a network hop.
func HandlerExecutor(h http.Handler) Executor { return handlerExecutor{h: h} }

type handlerExecutor struct{ h http.Handler }

func (e handlerExecutor) Execute(ctx context.Context, query, operationName string, variables map[string]any) (json.RawMessage, []GraphQLError, error) {
	body, err := json.Marshal(map[string]any{"query": query, "operationName": operationName, "variables": variables})
	if err != nil {
		return nil, nil, fmt.Errorf("mcp: encode the GraphQL request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	// A JSON body already passes CSRF prevention; the header says so explicitly should the
	// check ever widen.
	req.Header.Set("Apollo-Require-Preflight", "true")
	req.RemoteAddr = "127.0.0.1:0" // in-process: the access log and limits see a local caller
	w := &bufferWriter{header: http.Header{}}
	e.h.ServeHTTP(w, req)
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []GraphQLError  `json:"errors"`
	}
	if err := json.Unmarshal(w.body.Bytes(), &resp); err != nil {
		return nil, nil, fmt.Errorf("mcp: the GraphQL handler answered %d without a GraphQL response", w.statusCode())
	}
	return resp.Data, resp.Errors, nil
}

// bufferWriter is the in-process response: the GraphQL handler writes one JSON document.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferWriter) Header() http.Header { return w.header }

func (w *bufferWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

func (w *bufferWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *bufferWriter) statusCode() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
