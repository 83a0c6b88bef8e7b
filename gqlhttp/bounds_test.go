package gqlhttp_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// Tests of issue 14's GraphQL-edge bounds: what is stored, cached and answered is bounded in
// bytes, introspection off is a validation failure that tells nothing of the schema, and the
// schema-sized root fields cannot be multiplied by aliases.

// withConfig changes the handler's configuration.
func withConfig(f func(*gqlhttp.Config)) envOption { return f }

// lockedBuffer collects logs written from the handler's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// apqRequest sends query under its APQ hash; withQuery false sends the hash alone.
func (e *env) apqRequest(t *testing.T, query string, withQuery bool) gqlResponse {
	t.Helper()
	sum := sha256.Sum256([]byte(query))
	body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}}
	if withQuery {
		body["query"] = query
	}
	b, _ := json.Marshal(body)
	rec := e.raw(t, http.MethodPost, "/graphql", b, map[string]string{"Content-Type": "application/json"})
	var resp gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response is not JSON (%d): %s", rec.Code, rec.Body)
	}
	return resp
}

// apqStored reports whether the APQ store holds query (the handler runs without a caller here:
// the account part of the key is empty).
func (e *env) apqStored(t *testing.T, query string) bool {
	sum := sha256.Sum256([]byte(query))
	vals, _, err := e.cache.Get(t.Context(), []string{"apq:0::" + hex.EncodeToString(sum[:])})
	if err != nil {
		t.Fatal(err)
	}
	return len(vals) > 0 && vals[0] != nil
}

// A persisted query is stored once it parses, validates and passes the limits, never before:
// unparseable or invalid documents sent for registration leave nothing behind, and a valid
// document over the per-entry cap runs but is not kept.
func TestPersistedQueriesAreStoredOnlyOnceValid(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withConfig(func(c *gqlhttp.Config) { c.APQMaxQueryBytes = 1 << 10 }))
	for _, q := range []string{
		`{ contact(id: "x") { id `,                    // does not parse
		`{ noSuchField }`,                             // does not validate
		`query($id: ID!) { contact(id: $id) { id } }`, // variables do not coerce
		"{ " + repeat(3, " ", func(i int) string { return fmt.Sprintf("s%d: _service { sdl }", i) }) + " }", // over a limit
	} {
		if resp := e.apqRequest(t, q, true); len(resp.Errors) == 0 {
			t.Fatalf("%q registered without errors", q)
		}
		if e.apqStored(t, q) {
			t.Errorf("%q is stored although it was refused", q)
		}
		if resp := e.apqRequest(t, q, false); len(resp.Errors) == 0 || resp.Errors[0].Message != "PersistedQueryNotFound" {
			t.Errorf("%q by hash: %+v", q, resp.Errors)
		}
	}
	// Over the per-entry cap: answered, not kept.
	big := "# " + strings.Repeat("x", 2<<10) + "\n{ __typename }"
	if resp := e.apqRequest(t, big, true); len(resp.Errors) != 0 || string(resp.Data) != `{"__typename":"Query"}` {
		t.Fatalf("a valid document over the APQ cap: %s %+v", resp.Data, resp.Errors)
	}
	if e.apqStored(t, big) {
		t.Errorf("a document over APQMaxQueryBytes was stored")
	}
	// A valid document is kept and served by its hash.
	ok := `{ __typename }`
	if resp := e.apqRequest(t, ok, true); len(resp.Errors) != 0 {
		t.Fatalf("registration: %+v", resp.Errors)
	}
	if resp := e.apqRequest(t, ok, false); len(resp.Errors) != 0 || string(resp.Data) != `{"__typename":"Query"}` {
		t.Errorf("by hash: %s %+v", resp.Data, resp.Errors)
	}
	assertNothingSent(t, e)
}

// In Redis (every replica's store) the persisted queries together hold at most their byte cap:
// 200 distinct valid documents of ~1 KiB registered against an 8 KiB store leave at most 8 KiB,
// the newest served by hash, the oldest gone (re-registered by Apollo's clients on their
// PERSISTED_QUERY_NOT_FOUND). Before the cap, 60 registrations added 61 MiB.
func TestPersistedQueriesInRedisAreBoundedInBytes(t *testing.T) {
	t.Parallel()
	srv := redistest.New(t)
	store := loaders.NewCappedRedisCache(srv.Client(t), srv.Prefix+"{apq}:", 8<<10)
	e := newEnv(t, withConfig(func(c *gqlhttp.Config) { c.APQ = store }))
	doc := func(i int) string {
		return fmt.Sprintf("# registration %d %s\n{ __typename }", i, strings.Repeat("x", 1<<10))
	}
	for i := range 200 {
		if resp := e.apqRequest(t, doc(i), true); len(resp.Errors) != 0 {
			t.Fatalf("registration %d: %+v", i, resp.Errors)
		}
	}
	if n, err := store.Bytes(t.Context()); err != nil || n > 8<<10 || n < 4<<10 {
		t.Errorf("the store holds %d bytes (%v), want at most the 8 KiB cap (and not empty)", n, err)
	}
	if resp := e.apqRequest(t, doc(199), false); len(resp.Errors) != 0 {
		t.Errorf("the newest by hash: %+v", resp.Errors)
	}
	if resp := e.apqRequest(t, doc(0), false); len(resp.Errors) == 0 || resp.Errors[0].Message != "PersistedQueryNotFound" {
		t.Errorf("the oldest by hash: %s %+v, want PersistedQueryNotFound", resp.Data, resp.Errors)
	}
}

// The parsed-query cache is bounded in bytes: distinct 200 KB documents (long comments, few
// tokens) do not accumulate. gqlgen's count-bounded cache kept 1,000 documents whatever their
// size (1,000 distinct 1 MB queries held 1.7 GiB); here 400 × 200 KB = 80 MB of text sent one
// after the other must leave well under that retained. Not parallel: it measures the heap.
func TestParsedQueryCacheIsBoundedInBytes(t *testing.T) {
	e := newEnv(t)
	pad := strings.Repeat("x", 200<<10)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 400 {
		resp := e.do(t, fmt.Sprintf("# %d %s\n{ __typename }", i, pad), nil)
		if len(resp.Errors) != 0 {
			t.Fatalf("document %d: %+v", i, resp.Errors)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap retained after 80 MB of distinct documents: %d MiB", grown>>20)
	if grown > 48<<20 {
		t.Errorf("the heap grew by %d MiB: parsed documents are kept beyond the cache's bound (%d MiB)", grown>>20, gqlhttp.DefaultQueryCacheBytes>>20)
	}
	runtime.KeepAlive(e)
}

// An answer over MaxResponseBytes is replaced by a RESPONSE_TOO_LARGE error; smaller answers pass.
func TestAnswersOverMaxResponseBytesAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withConfig(func(c *gqlhttp.Config) { c.MaxResponseBytes = 16 << 10 }))
	rec := e.raw(t, http.MethodPost, "/graphql", []byte(`{"query":"{ _service { sdl } }"}`), map[string]string{"Content-Type": "application/json"})
	if rec.Body.Len() > 4<<10 {
		t.Errorf("the refusal is %d bytes", rec.Body.Len())
	}
	var resp gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("%v: %.300s", err, rec.Body)
	}
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != gqlhttp.CodeResponseTooLarge {
		t.Fatalf("the SDL (over 16 KiB) answered: %.300s", rec.Body)
	}
	if len(resp.Data) != 0 && string(resp.Data) != "null" {
		t.Errorf("data beside the error: %.200s", resp.Data)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
	var small struct {
		Typename string `json:"__typename"`
	}
	e.query(t, `{ __typename }`, nil, &small)
}

// With introspection off, __schema and __type are refused before execution as
// GRAPHQL_VALIDATION_FAILED "introspection is disabled", logged at debug only (an ERROR line per
// try let any client fill the logs); _service still answers.
func TestIntrospectionOffIsAValidationFailureLoggedAtDebug(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	e := newEnv(t, withConfig(func(c *gqlhttp.Config) {
		c.Introspection = false
		c.Log = zerolog.New(logs).Level(zerolog.DebugLevel)
	}))
	for _, q := range []string{
		`{ __schema { types { name } } }`,
		`{ __type(name: "Contact") { name } }`,
		`{ ...F } fragment F on Query { ... on Query { t: __type(name: "Contact") { name } } }`,
		`{ _service { sdl } __schema { queryType { name } } }`,
	} {
		resp := e.do(t, q, nil)
		if len(resp.Errors) != 1 || resp.Errors[0].Message != "introspection is disabled" || resp.Errors[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("%s: %+v", q, resp.Errors)
		}
		if len(resp.Data) != 0 && string(resp.Data) != "null" {
			t.Errorf("%s: data %s", q, resp.Data)
		}
	}
	var svc struct {
		Service struct{ SDL string } `json:"_service"`
	}
	e.query(t, `{ _service { sdl } }`, nil, &svc)
	if !strings.Contains(svc.Service.SDL, "type Contact") {
		t.Errorf("_service with introspection off: %.200s", svc.Service.SDL)
	}
	out := logs.String()
	if strings.Contains(out, `"level":"error"`) || strings.Contains(out, `"level":"warn"`) {
		t.Errorf("refusals logged above debug:\n%s", out)
	}
	if n := strings.Count(out, "introspection refused"); n != 4 {
		t.Errorf("%d debug lines for 4 refusals:\n%s", n, out)
	}
	assertNothingSent(t, e)
}

// With introspection off, validation errors name nothing of the schema (no "Did you mean …?" for
// fields, arguments, types or enum values); with it on they help as usual.
func TestNoSuggestionsWithIntrospectionOff(t *testing.T) {
	t.Parallel()
	queries := []string{
		`{ organizatio { id } }`,
		`{ conversation(idd: "x") { id } }`,
		`{ ...F } fragment F on Quer { __typename }`,
		`{ conversations(contactId: "x", status: OPn) { nodes { id } } }`,
		`{ organization }`,
	}
	for _, introspection := range []bool{true, false} {
		e := newEnv(t, withConfig(func(c *gqlhttp.Config) { c.Introspection = introspection }))
		for _, q := range queries {
			resp := e.do(t, q, nil)
			if len(resp.Errors) == 0 {
				t.Fatalf("%s: no error", q)
			}
			msgs := jsonString(resp.Errors)
			if suggests := strings.Contains(msgs, "Did you mean"); suggests != introspection && q != `{ organization }` {
				t.Errorf("introspection %v: %s: %s", introspection, q, msgs)
			}
			if !introspection && strings.Contains(msgs, "Did you mean") {
				t.Errorf("introspection off: %s suggests: %s", q, msgs)
			}
		}
		assertNothingSent(t, e)
	}
}

// _service, __schema and __type answer the whole schema for no Gladly call: one operation may
// give each at most two response keys, whatever the alias limit, so 50 aliased _service fields
// (1.1 KB in, 5.5 MB out) and 50 __schema (seconds of CPU) are refused before execution.
// Repeats under one response key merge into one field and pass.
func TestSchemaSizedRootFieldsAreLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	aliased := func(n int, field string) string {
		return "{ " + repeat(n, " ", func(i int) string { return fmt.Sprintf("a%d: %s", i, field) }) + " }"
	}
	for _, tc := range []struct {
		name, query string
		refused     bool
	}{
		{"50 _service", aliased(50, "_service { sdl }"), true},
		{"50 __schema", aliased(50, "__schema { types { name fields { name type { name } } } }"), true},
		{"3 __type", aliased(3, `__type(name: "Contact") { name }`), true},
		{"3 _service through fragments", `{ ...A ...B } fragment A on Query { a: _service { sdl } b: _service { sdl } } fragment B on Query { c: _service { sdl } }`, true},
		{"2 _service", aliased(2, "_service { sdl }"), false},
		{"2 __schema and 2 __type", `{ a: __schema { queryType { name } } b: __schema { queryType { name } } c: __type(name: "Contact") { name } d: __type(name: "User") { name } }`, false},
		{"_service repeated under one key", "{ " + strings.Repeat("_service { sdl } ", 20) + "}", false},
	} {
		rec := e.raw(t, http.MethodPost, "/graphql", []byte(jsonString(map[string]string{"query": tc.query})), map[string]string{"Content-Type": "application/json"})
		var resp gqlResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !tc.refused {
			if len(resp.Errors) != 0 {
				t.Errorf("%s: refused: %+v", tc.name, resp.Errors)
			}
			continue
		}
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" || !strings.Contains(resp.Errors[0].Message, "at most 2") {
			t.Errorf("%s: %.300s", tc.name, rec.Body)
		}
		if rec.Body.Len() > 4<<10 {
			t.Errorf("%s: a %d-byte answer", tc.name, rec.Body.Len())
		}
	}
	assertNothingSent(t, e)
}

// Limits.MaxUpstreamCalls refuses, before any Gladly call, an operation whose estimated calls
// exceed it (OPERATION_TOO_EXPENSIVE with the estimate); one within it runs.
func TestUpstreamBudgetRefusesBeforeAnyCall(t *testing.T) {
	t.Parallel()
	limits := serverDefaultLimits
	limits.MaxUpstreamCalls = 10
	e := newEnv(t, withLimits(limits))
	reps := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{"__typename": "Contact", "id": fmt.Sprintf("c%d", i)}
		}
		return out
	}
	const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }`
	resp := e.do(t, q, map[string]any{"r": reps(11)})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "OPERATION_TOO_EXPENSIVE" || resp.Errors[0].Extensions["estimatedUpstreamCalls"] != float64(11) {
		t.Fatalf("11 contacts under a budget of 10: %+v", resp.Errors)
	}
	assertNothingSent(t, e)
	if resp := e.do(t, q, map[string]any{"r": reps(10)}); len(resp.Errors) != 0 && resp.Errors[0].Extensions["code"] == "OPERATION_TOO_EXPENSIVE" {
		t.Errorf("10 contacts under a budget of 10: %+v", resp.Errors)
	}
}
