package gqlhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// FuzzGraphQLRequest sends arbitrary POST /graphql bodies (or arbitrary documents in a
// well-formed body) through the real handler over the fake Gladly, with the server's default
// limits, and checks what any answer must be (issue 8): no panic and no 5xx; a JSON object in a
// GraphQL media type with data or errors; exactly one Cache-Control; no INTERNAL_SERVER_ERROR;
// and a request refused before execution (no data entry) never called Gladly.
func FuzzGraphQLRequest(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ organization { id name } }"}`,
		`{"query":"query($id: ID!) { contact(id: $id) { id name emails tickets(first: 2) { nodes { id } pageInfo { endCursor } } } }","variables":{"id":"c1"}}`,
		`{"query":"{ users(first: 3, after: \"Z2cxOjA\") { edges { cursor node { id groups { nodes { name } } } } } }"}`,
		`{"query":"query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } ... on User { email } } }","variables":{"r":[{"__typename":"Contact","id":"x"},{"__typename":"User","email":"a@b.c"}]}}`,
		`{"query":"mutation { createTopic(input: {name: \"x\"}) { topic { id } userErrors { code } } }"}`,
		`{"query":"{ a: __typename b: __typename ...F } fragment F on Query { __typename }"}`,
		`{"query":"{ __schema { types { name } } }"}`,
		`{"query":"{ contact(id: \"..\") { id } }"}`,
		`[{"query":"{ __typename }"}]`, `{"query":null}`, `{"query":"{"}`, `{}`, `null`, `{"query":"{ __typename }","variables":[]}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
	} {
		f.Add([]byte(s), false)
	}
	for _, q := range []string{`{ organization { id } }`, `query Q($a: Int = 1) @skip(if: true) { __typename }`, `subscription { x }`, `{ conversation(id: "v") { items(first: 1) { nodes { content { __typename ... on UnknownContent { raw } } } } } }`} {
		f.Add([]byte(q), true)
	}
	var logs syncBuffer
	e := newEnv(f, withLimits(serverDefaultLimits), withLogTo(&logs))
	f.Fuzz(func(t *testing.T, in []byte, asQuery bool) {
		body := in
		if asQuery {
			body, _ = json.Marshal(map[string]string{"query": string(in)})
		}
		before := e.fake.TotalCalls()
		// The server bounds every request (REQUEST_TIMEOUT); so does the fuzzer: a request may
		// wait for Gladly's report limit (10 a minute), which fuzzed createReport calls reach.
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		calls := e.fake.TotalCalls() - before

		if l := logs.take(); strings.Contains(l, "panic") {
			t.Fatalf("the handler logged a panic: %s", l)
		}
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/graphql-response+json") {
			t.Fatalf("Content-Type %q", ct)
		}
		if cc := rec.Header().Values("Cache-Control"); len(cc) != 1 {
			t.Fatalf("Cache-Control %q, want one value", cc)
		}
		var resp map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("the answer is not a JSON object: %v: %s", err, rec.Body)
		}
		var errs []gqlError
		if raw, ok := resp["errors"]; ok {
			if err := json.Unmarshal(raw, &errs); err != nil || len(errs) == 0 {
				t.Fatalf("errors entry %s is not a non-empty list", raw)
			}
		}
		for _, er := range errs {
			if er.Message == "" || er.Extensions["code"] == "INTERNAL_SERVER_ERROR" {
				t.Fatalf("error %+v", er)
			}
		}
		if _, ok := resp["data"]; !ok {
			if len(errs) == 0 {
				t.Fatalf("neither data nor errors: %s", rec.Body)
			}
			if calls != 0 {
				t.Fatalf("a refused request made %d Gladly calls: %s", calls, rec.Body)
			}
			if rec.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("a refusal is cacheable: %q", rec.Header().Get("Cache-Control"))
			}
		}
	})
}

// syncBuffer collects log lines from concurrent resolvers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// take returns what was written since the last take.
func (b *syncBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}
