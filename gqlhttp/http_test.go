package gqlhttp_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestCacheControl(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	post := func(q string) *httptest.ResponseRecorder {
		b, _ := json.Marshal(map[string]string{"query": q})
		return e.raw(t, http.MethodPost, "/graphql", b, map[string]string{"Content-Type": "application/json"})
	}
	// Entities read only directory data (5 min): cacheable privately for that long.
	rec := post(`{ _entities(representations: [{__typename: "Inbox", id: "x"}]) { __typename } }`)
	if got := rec.Header().Get("Cache-Control"); got != "private, max-age=300" {
		t.Errorf("directory read: Cache-Control %q", got)
	}
	// Volatile data (export jobs, events, call recordings) makes the whole response uncacheable,
	// even beside cacheable data.
	rec = post(`{ organization { id } exportSchedules { totalCount } }`)
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("volatile read: Cache-Control %q", got)
	}
	rec = post(`{ nope }`)
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("invalid query: Cache-Control %q", got)
	}
	rec = post(`mutation { setCallRecording(userId: "x", recording: true) { userErrors { code } } }`)
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("mutation: Cache-Control %q", got)
	}
}

func TestGETServesQueriesOnlyAndNeedsAPreflightHeader(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	q := url.QueryEscape(`{ __typename }`)
	if rec := e.raw(t, http.MethodGet, "/graphql?query="+q, nil, nil); rec.Code != http.StatusOK {
		t.Errorf("GET without CSRF protection configured: %d %s", rec.Code, rec.Body)
	}
	m := url.QueryEscape(`mutation { deleteContact(id: "x") { deletedId } }`)
	rec := e.raw(t, http.MethodGet, "/graphql?query="+m, nil, map[string]string{"Apollo-Require-Preflight": "true"})
	if rec.Code < 400 || e.fake.TotalCalls() != 0 {
		t.Errorf("mutation over GET: %d %s (calls %d)", rec.Code, rec.Body, e.fake.TotalCalls())
	}
}

func TestAutomaticPersistedQueries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	query := `{ __typename }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	send := func(withQuery bool) map[string]any {
		body := map[string]any{"extensions": ext}
		if withQuery {
			body["query"] = query
		}
		b, _ := json.Marshal(body)
		rec := e.raw(t, http.MethodPost, "/graphql", b, map[string]string{"Content-Type": "application/json"})
		var out map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return out
	}
	if out := send(false); !strings.Contains(jsonString(out), "PersistedQueryNotFound") {
		t.Fatalf("unknown hash: %v", out)
	}
	send(true) // registers
	if out := send(false); jsonString(out) != `{"data":{"__typename":"Query"}}` {
		t.Fatalf("registered hash: %v", out)
	}
}
