package graph

import (
	"context"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/loaders"
)

// apqCache keeps automatic persisted queries in the response cache, so every replica knows a
// query once any replica has seen it.
type apqCache struct{ cache loaders.Cache }

// apqTTL is how long a persisted query is kept after its registration.
const apqTTL = 24 * time.Hour

func (c apqCache) Get(ctx context.Context, hash string) (string, bool) {
	vals, _, err := c.cache.Get(ctx, []string{"apq:" + hash})
	if err != nil || len(vals) == 0 || vals[0] == nil {
		return "", false
	}
	return string(vals[0]), true
}

func (c apqCache) Add(ctx context.Context, hash, query string) {
	_, at, err := c.cache.Get(ctx, nil) // a stamp for the write-back rule
	if err != nil {
		return
	}
	_ = c.cache.Set(ctx, at, []loaders.Entry{{Key: "apq:" + hash, Value: []byte(query), TTL: apqTTL, Tags: []string{"apq"}}})
}

// csrfPrevention refuses requests a browser could send cross-site without a preflight — GETs and
// POSTs of the "simple" content types — unless they carry a header only a script can set, as
// Apollo Server does: gladgraph answers with the caller's credentials nowhere, but mutations must
// not be triggerable by a form or an image tag on another site.
func csrfPrevention(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions || !needsPreflightHeader(r) || r.Header.Get("X-Apollo-Operation-Name") != "" || r.Header.Get("Apollo-Require-Preflight") != "" {
			next.ServeHTTP(w, r)
			return
		}
		writeRequestError(w, responseMediaType(r), http.StatusBadRequest, "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "+
			"Please either specify a 'content-type' header (with a type that is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain) "+
			"or provide a non-empty value for one of the following headers: x-apollo-operation-name, apollo-require-preflight", "BAD_REQUEST")
	})
}

func needsPreflightHeader(r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return true
	}
	switch mt {
	case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return true
	}
	return false
}

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
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
