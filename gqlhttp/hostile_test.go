package gqlhttp_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/introspection"

	"github.com/gladgraph/gladgraph/gqlhttp"
)

// Hostile input (issue 8): requests built to make gladgraph do a lot of work — or Gladly — are
// refused with a clear error before any upstream call. Work is bounded by construction (the token
// scan stops at the limit, before any parse), never by timing asserts.
//
// Covered elsewhere: GraphQL-over-HTTP status codes and malformed bodies (transport_test.go),
// the body size limit (server_test.go TestGraphQLBodyLimit, transport_test.go "413"), mutations
// over GET (http_test.go).

// serverDefaultLimits are the server's defaults (config/config.go); newEnv uses them, so every test of
// this package (the README's examples included) runs within them.
var serverDefaultLimits = gqlhttp.Limits{MaxComplexity: 100000, MaxDepth: 15, MaxEntities: 500, MaxAliases: 50, MaxTokens: 2000}

// repeat joins n copies of f(i) with sep.
func repeat(n int, sep string, f func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = f(i)
	}
	return strings.Join(parts, sep)
}

// nested wraps inner in n levels of open/close.
func nested(n int, open, inner, close string) string {
	return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
}

func TestHostileInputIsRefusedBeforeGladly(t *testing.T) {
	t.Parallel()
	reps := make([]any, 10000)
	for i := range reps {
		reps[i] = map[string]any{"__typename": "Contact", "id": fmt.Sprintf("c%d", i)}
	}
	tests := []struct {
		name string
		body any    // marshalled to JSON unless a string
		want string // in the first error's message
		code int    // HTTP status (application/json clients)
	}{
		{"alias bomb", map[string]any{"query": "{ " + repeat(1000, " ", func(i int) string { return fmt.Sprintf("a%d: organization { id name }", i) }) + " }"},
			"more than 50 aliased fields", 200},
		{"alias bomb through a fragment", map[string]any{"query": "{ ...F } fragment F on Query { " + repeat(60, " ", func(i int) string { return fmt.Sprintf("a%d: users { totalCount }", i) }) + " }"},
			"more than 50 aliased fields", 200},
		{"depth bomb", map[string]any{"query": `{ ticket(id: "t") ` + nested(20, "{ contact { tickets { nodes ", "{ id }", "} } }") + " }"},
			"levels deep; at most 15", 200},
		{"huge document", map[string]any{"query": "{ " + strings.Repeat("__typename ", 100_000) + "}"},
			"more than 2000 tokens", 200},
		{"many directives", map[string]any{"query": "{ __typename " + strings.Repeat("@skip(if: false) ", 1000) + "}"},
			"more than 2000 tokens", 200},
		{"long field name", map[string]any{"query": "{ " + strings.Repeat("x", 100_000) + " }"},
			"longer than", 200},
		{"long variable name", map[string]any{"query": "query($" + strings.Repeat("v", 10_000) + ": ID!) { __typename }"},
			"longer than", 200},
		{"10,000 representations", map[string]any{"query": `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }`, "variables": map[string]any{"r": reps}},
			"_entities got 10000 representations; at most 500", 200},
		{"nested first: overflows no price", map[string]any{"query": "{ users(first: 2147483647) " + nested(3, "{ nodes { groups(first: 2147483647) { nodes { members(first: 2147483647) ", "{ totalCount }", "} } } } ") + " }"},
			"complexity", 200},
		{"fragment cycle", map[string]any{"query": "{ ...A } fragment A on Query { ...B __typename } fragment B on Query { ...A }"},
			"within itself", 200},
		{"batched operations", `[{"query":"{ organization { id } }"},{"query":"{ users { totalCount } }"}]`,
			"batched operations", 400},
		{"deeply nested variables", `{"query":"query($v: JSON) { __typename }","variables":{"v":` + nested(20_000, "[", "1", "]") + `}}`,
			"variables", 400},
		{"deeply nested input object", map[string]any{"query": `{ contacts(email: "a@b.c", first: 1` + nested(200, " , after: {x: ", "1", "}") + `) { totalCount } }`},
			"", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withLimits(serverDefaultLimits))
			body, ok := tc.body.(string)
			if !ok {
				b, err := json.Marshal(tc.body)
				if err != nil {
					t.Fatal(err)
				}
				body = string(b)
			}
			rec := e.raw(t, http.MethodPost, "/graphql", []byte(body), map[string]string{"Content-Type": "application/json", "Accept": "application/json"})
			if rec.Code != tc.code {
				t.Errorf("status %d, want %d", rec.Code, tc.code)
			}
			var resp gqlResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("response is not JSON: %v", err)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("not refused: %.300s", rec.Body)
			}
			if !strings.Contains(resp.Errors[0].Message, tc.want) {
				t.Errorf("error %.300q, want it to mention %q", resp.Errors[0].Message, tc.want)
			}
			if resp.Data != nil && string(resp.Data) != "null" {
				t.Errorf("refused request has data: %.200s", resp.Data)
			}
			if rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", rec.Header().Get("Cache-Control"))
			}
			if len(rec.Body.Bytes()) > 64<<10 {
				t.Errorf("the refusal is %d bytes: it should not echo the input back", rec.Body.Len())
			}
			assertNothingSent(t, e)
		})
	}
}

// The limits are what the configuration says, and ordinary documents stay well within them.
func TestHostileLimitsLeaveOrdinaryDocumentsAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withLimits(serverDefaultLimits))
	// 50 aliases are allowed, 51 are not; colons inside arguments and variable definitions are
	// not aliases.
	fifty := "query($id: ID! = \"x\") { " + repeat(50, " ", func(i int) string { return fmt.Sprintf("a%d: user(id: $id) { id }", i) }) + " }"
	if resp := e.do(t, fifty, nil); len(resp.Errors) != 0 {
		t.Errorf("50 aliases: %v", resp.Errors)
	}
	if resp := e.do(t, "{ "+repeat(51, " ", func(i int) string { return fmt.Sprintf("a%d: __typename", i) })+" }", nil); len(resp.Errors) == 0 {
		t.Errorf("51 aliases accepted")
	}
	// The full introspection query tools send fits.
	var schema struct {
		Schema struct {
			Types []struct{ Name string } `json:"types"`
		} `json:"__schema"`
	}
	e.query(t, introspection.Query, nil, &schema)
	if len(schema.Schema.Types) < 50 {
		t.Errorf("introspection: %d types", len(schema.Schema.Types))
	}
	// Comments are not tokens.
	if resp := e.do(t, "# "+strings.Repeat("x ", 5000)+"\n{ __typename }", nil); len(resp.Errors) != 0 {
		t.Errorf("a long comment: %v", resp.Errors)
	}
	// Limits of 0 switch the scan off.
	off := newEnv(t, withLimits(gqlhttp.Limits{MaxComplexity: 100000, MaxDepth: 15, MaxEntities: 500}))
	if resp := off.do(t, "{ "+repeat(100, " ", func(i int) string { return fmt.Sprintf("a%d: __typename", i) })+" }", nil); len(resp.Errors) != 0 {
		t.Errorf("no alias limit configured: %v", resp.Errors)
	}
}

// Requests refused before any operation runs — by the transport, the limits or gqlgen itself —
// carry exactly one Cache-Control, no-store, and no 5xx (an earlier attempt saw the Cache-Control
// middleware fail on such paths).
func TestEarlyRefusalsAreNeverCached(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name, method, body string
		headers            map[string]string
	}{
		{"OPTIONS", http.MethodOptions, "", nil},
		{"HEAD", http.MethodHead, "", nil},
		{"PUT", http.MethodPut, `{"query":"{ __typename }"}`, map[string]string{"Content-Type": "application/json"}},
		{"text/plain", http.MethodPost, `{"query":"{ __typename }"}`, map[string]string{"Content-Type": "text/plain"}},
		{"websocket upgrade", http.MethodGet, "", map[string]string{"Upgrade": "websocket", "Connection": "Upgrade"}},
		{"batched", http.MethodPost, `[{"query":"{ __typename }"}]`, map[string]string{"Content-Type": "application/json"}},
		{"over the token limit", http.MethodPost, `{"query":"{ ` + strings.Repeat("__typename ", 3000) + `}"}`, map[string]string{"Content-Type": "application/json"}},
		{"over the depth limit", http.MethodPost, `{"query":"{ ticket(id: \"t\") ` + nested(6, "{ contact { tickets { nodes ", "{ id }", "} } }") + ` }"}`, map[string]string{"Content-Type": "application/json"}},
		{"unknown operation name", http.MethodPost, `{"query":"query A { __typename }","operationName":"B"}`, map[string]string{"Content-Type": "application/json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := e.raw(t, tc.method, "/graphql", []byte(tc.body), tc.headers)
			if rec.Code >= 500 {
				t.Errorf("status %d: %s", rec.Code, rec.Body)
			}
			if cc := rec.Header().Values("Cache-Control"); len(cc) != 1 || cc[0] != "no-store" {
				t.Errorf("Cache-Control %q, want one no-store", cc)
			}
		})
	}
	t.Cleanup(func() { assertNothingSent(t, e) }) // after the parallel subtests
}

// A document over the limits sent for registration as an automatic persisted query is refused
// before it is stored: its hash stays unknown, and the cache holds nothing of it.
func TestOversizedPersistedQueriesAreNotStored(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	query := "{ " + strings.Repeat("__typename ", 5000) + "}"
	sum := sha256.Sum256([]byte(query))
	hash := hex.EncodeToString(sum[:])
	send := func(withQuery bool) gqlResponse {
		body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
		if withQuery {
			body["query"] = query
		}
		b, _ := json.Marshal(body)
		rec := e.raw(t, http.MethodPost, "/graphql", b, map[string]string{"Content-Type": "application/json"})
		var resp gqlResponse
		_ = json.Unmarshal(rec.Body.Bytes(), &resp)
		return resp
	}
	if resp := send(true); len(resp.Errors) == 0 || !strings.Contains(resp.Errors[0].Message, "tokens") {
		t.Fatalf("registration of an oversized document: %+v", resp.Errors)
	}
	if resp := send(false); len(resp.Errors) == 0 || resp.Errors[0].Message != "PersistedQueryNotFound" {
		t.Errorf("the oversized document was stored: %+v", resp.Errors)
	}
	if vals, _, _ := e.cache.Get(t.Context(), []string{"apq:" + hash}); len(vals) > 0 && vals[0] != nil {
		t.Errorf("the cache holds %d bytes for the refused document", len(vals[0]))
	}
}
