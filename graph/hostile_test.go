package graph_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/graph/model"
)

// Hostile input the resolvers refuse before anything reaches Gladly (the HTTP edge's own refusals
// are tested in gqlhttp).

// Ids that would change Gladly's URL path ("..", ".", a slash) are refused locally: gladgraph
// never sends GET /api/v1/customer-profiles/.. (= /api/v1/) with its credentials. Nor does it
// send a 900 kB id in a request line.
func TestIDsCannotEscapeTheirPath(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"..", ".", "a/b", "../organization", `a\b`, "%2e%2e", strings.Repeat("x", 900_000)} {
		t.Run(fmt.Sprintf("%.20s", id), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			resp := e.do(t, `query($id: ID!) { contact(id: $id) { id } ticket(id: $id) { id } conversation(id: $id) { id } }`, map[string]any{"id": id})
			if id == "%2e%2e" { // escaped as %252e%252e: an ordinary unknown id
				if len(resp.Errors) != 0 || e.fake.TotalCalls() == 0 {
					t.Errorf("an odd but harmless id: %v, %d calls", resp.Errors, e.fake.TotalCalls())
				}
				return
			}
			if len(resp.Errors) != 3 {
				t.Fatalf("want one error per field, got %+v", resp.Errors)
			}
			for _, er := range resp.Errors {
				if er.Extensions["code"] != "BAD_USER_INPUT" {
					t.Errorf("%v: code %v", er.Path, er.Extensions["code"])
				}
			}
			assertNothingSent(t, e)
		})
	}
}

// A cursor that is not one gladgraph handed out is a BAD_USER_INPUT error, whatever it holds;
// with it the list is not fetched.
func TestMalformedCursorsAreRefused(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, c := range map[string]string{
		"offset past MaxInt64": b64("gg1:99999999999999999999"),
		"MaxInt64":             b64("gg1:9223372036854775807"),
		"past MaxInt32":        b64("gg1:2147483648"),
		"negative":             b64("gg1:-1"),
		"plus sign":            b64("gg1:+1"),
		"leading zero":         b64("gg1:01"),
		"not base64":           "!!!",
		"other prefix":         b64("xx1:1"),
		"long":                 strings.Repeat("A", 10_000),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			resp := e.do(t, `query($c: String!) { users(after: $c) { totalCount } groups(before: $c) { totalCount } }`, map[string]any{"c": c})
			if len(resp.Errors) != 2 {
				t.Fatalf("want two errors, got %+v", resp.Errors)
			}
			for _, er := range resp.Errors {
				if er.Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(er.Message, "malformed cursor") {
					t.Errorf("%v: %s %v", er.Path, er.Message, er.Extensions["code"])
				}
			}
			assertNothingSent(t, e)
		})
	}
	// The largest offset a cursor may carry is past every list: an empty page, no error.
	e := newEnv(t)
	var out struct {
		Users struct {
			TotalCount int         `json:"totalCount"`
			Nodes      []namedNode `json:"nodes"`
		} `json:"users"`
	}
	e.query(t, `query($c: String!) { users(after: $c) { totalCount nodes { id } } }`, map[string]any{"c": model.EncodeCursor(2147483647)}, &out)
	if out.Users.TotalCount == 0 || len(out.Users.Nodes) != 0 {
		t.Errorf("after the last offset: %+v", out.Users)
	}
}

// Representations no entity finder can take are the caller's error (BAD_USER_INPUT), refused
// before any lookup; they were INTERNAL_SERVER_ERROR (found by FuzzGraphQLRequest).
func TestMalformedRepresentationsAreRefused(t *testing.T) {
	t.Parallel()
	for name, rep := range map[string]any{
		"empty object":     map[string]any{},
		"not an object":    "x",
		"unknown type":     map[string]any{"__typename": "Nope", "id": "x"},
		"not an entity":    map[string]any{"__typename": "Query", "id": "x"},
		"typename number":  map[string]any{"__typename": 5, "id": "x"},
		"no key":           map[string]any{"__typename": "Contact", "name": "x"},
		"key is an object": map[string]any{"__typename": "Contact", "id": map[string]any{"a": 1}},
		"key is null":      map[string]any{"__typename": "User", "email": nil},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			reps := []any{map[string]any{"__typename": "Contact", "id": "c1"}, rep}
			resp := e.do(t, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }`, map[string]any{"r": reps})
			if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(resp.Errors[0].Message, "representation") || !strings.Contains(resp.Errors[0].Message, "1") {
				t.Fatalf("errors %+v, want one BAD_USER_INPUT about representation 1", resp.Errors)
			}
			assertNothingSent(t, e)
		})
	}
}
