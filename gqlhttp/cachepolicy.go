package gqlhttp

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/loaders"
)

// cachePolicy is one response's Cache-Control, decided once the operation has run.
type cachePolicy struct {
	mu     sync.Mutex
	maxAge time.Duration // > 0: cacheable
}

type cachePolicyKey struct{}

// decideCachePolicy sets the response's policy: a query that succeeded may be kept (privately) for
// the smallest TTL of what it read; mutations, errors and volatile reads are not kept.
func decideCachePolicy(ctx context.Context, resp *graphql.Response) {
	p, ok := ctx.Value(cachePolicyKey{}).(*cachePolicy)
	if !ok || resp == nil {
		return
	}
	op := graphql.GetOperationContext(ctx)
	ttl, seen := loaders.StatsFrom(ctx).MinTTL()
	p.mu.Lock()
	defer p.mu.Unlock()
	if op.Operation == nil || op.Operation.Operation != ast.Query || len(resp.Errors) > 0 || !seen || ttl <= 0 {
		p.maxAge = 0
		return
	}
	p.maxAge = ttl
}

// cacheControl writes the decided Cache-Control before the response's first byte.
func cacheControl(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := &cachePolicy{}
		ctx := context.WithValue(r.Context(), cachePolicyKey{}, p)
		next.ServeHTTP(&cacheControlWriter{ResponseWriter: w, policy: p}, r.WithContext(ctx))
	})
}

type cacheControlWriter struct {
	http.ResponseWriter
	policy  *cachePolicy
	written bool
}

func (w *cacheControlWriter) setHeader() {
	if w.written {
		return
	}
	w.written = true
	if w.Header().Get("Cache-Control") != "" {
		return
	}
	w.policy.mu.Lock()
	age := w.policy.maxAge
	w.policy.mu.Unlock()
	if age <= 0 {
		w.Header().Set("Cache-Control", "no-store")
		return
	}
	w.Header().Set("Cache-Control", "private, max-age="+strconv.Itoa(int(age/time.Second)))
}

func (w *cacheControlWriter) WriteHeader(code int) {
	w.setHeader()
	w.ResponseWriter.WriteHeader(code)
}

func (w *cacheControlWriter) Write(b []byte) (int, error) {
	w.setHeader()
	return w.ResponseWriter.Write(b)
}

func (w *cacheControlWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes flushes through (streamed responses).
func (w *cacheControlWriter) Flush() {
	w.setHeader()
	// Through the edge's wrappers, which unwrap rather than implement Flusher.
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}
