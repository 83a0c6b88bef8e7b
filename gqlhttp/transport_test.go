package gqlhttp_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// GraphQL over HTTP: status codes, media types and body shapes (e2e/ runs graphql-http's audit
// against the whole server; these pin the cases down where they are decided).
func TestGraphQLOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const (
		jsonType = "application/json"
		gqlType  = "application/graphql-response+json"
	)
	post := func(body string, headers map[string]string) (int, http.Header, map[string]any) {
		h := map[string]string{"Content-Type": "application/json"}
		for k, v := range headers {
			h[k] = v
		}
		rec := e.raw(t, http.MethodPost, "/graphql", []byte(body), h)
		var out map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return rec.Code, rec.Header(), out
	}
	tests := []struct {
		name       string
		body       string
		accept     string
		wantStatus int
		wantType   string
		wantData   bool // the body has a data entry
	}{
		{"query, no Accept", `{"query":"{ __typename }"}`, "", 200, jsonType, true},
		{"query, graphql-response+json", `{"query":"{ __typename }"}`, gqlType, 200, gqlType, true},
		{"query, */*", `{"query":"{ __typename }"}`, "*/*", 200, jsonType, true},
		{"parse error, json", `{"query":"{"}`, jsonType, 200, jsonType, false},
		{"parse error, graphql-response+json", `{"query":"{"}`, gqlType, 400, gqlType, false},
		{"validation error, json", `{"query":"{ nope }"}`, jsonType, 200, jsonType, false},
		{"validation error, graphql-response+json", `{"query":"{ nope }"}`, gqlType, 400, gqlType, false},
		{"variable coercion error, json", `{"query":"query($id: ID!) { user(id: $id) { id } }","variables":{"id":{}}}`, jsonType, 200, jsonType, false},
		{"variable coercion error, graphql-response+json", `{"query":"query($id: ID!) { user(id: $id) { id } }","variables":{"id":{}}}`, gqlType, 400, gqlType, false},
		{"body not JSON", `{"query":`, jsonType, 400, jsonType, false},
		{"body an array", `[{"query":"{ __typename }"}]`, jsonType, 400, jsonType, false},
		{"body null", `null`, jsonType, 400, jsonType, false},
		{"query missing", `{"qeury":"{ __typename }"}`, jsonType, 400, jsonType, false},
		{"query not a string", `{"query":1}`, gqlType, 400, gqlType, false},
		{"variables not an object", `{"query":"{ __typename }","variables":"{}"}`, jsonType, 400, jsonType, false},
		{"extensions not an object", `{"query":"{ __typename }","extensions":[]}`, jsonType, 400, jsonType, false},
		{"trailing data", `{"query":"{ __typename }"} {}`, jsonType, 400, jsonType, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := map[string]string{}
			if tc.accept != "" {
				h["Accept"] = tc.accept
			}
			status, hdr, out := post(tc.body, h)
			if status != tc.wantStatus {
				t.Errorf("status %d, want %d (%v)", status, tc.wantStatus, out)
			}
			if got := hdr.Get("Content-Type"); got != tc.wantType+"; charset=utf-8" {
				t.Errorf("Content-Type %q, want %s", got, tc.wantType)
			}
			if _, has := out["data"]; has != tc.wantData {
				t.Errorf("data entry present: %v, want %v (%v)", has, tc.wantData, out)
			}
			if !tc.wantData && len(anySlice(out["errors"])) == 0 {
				t.Errorf("no errors in %v", out)
			}
		})
	}

	t.Run("POST of another media type is 415", func(t *testing.T) {
		t.Parallel()
		rec := e.raw(t, http.MethodPost, "/graphql", []byte(`{ __typename }`), map[string]string{"Content-Type": "application/graphql"})
		if rec.Code != http.StatusUnsupportedMediaType {
			t.Errorf("status %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("mutation over GET is 405 and runs nothing", func(t *testing.T) {
		t.Parallel()
		m := url.QueryEscape(`mutation { deleteContact(id: "x") { deletedId } }`)
		rec := e.raw(t, http.MethodGet, "/graphql?query="+m, nil, nil)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("status %d, Allow %q, Cache-Control %q: %s", rec.Code, rec.Header().Get("Allow"), rec.Header().Get("Cache-Control"), rec.Body)
		}
		if e.fake.TotalCalls() != 0 {
			t.Errorf("the mutation reached Gladly")
		}
	})
	t.Run("GET with variables runs the query", func(t *testing.T) {
		t.Parallel()
		q := url.Values{"query": {`query Q($skip: Boolean!) { __typename @skip(if: $skip) }`}, "variables": {`{"skip": false}`}, "operationName": {"Q"}}
		rec := e.raw(t, http.MethodGet, "/graphql?"+q.Encode(), nil, nil)
		if rec.Code != http.StatusOK || rec.Body.String() != `{"data":{"__typename":"Query"}}` {
			t.Errorf("status %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("GET without query is 400", func(t *testing.T) {
		t.Parallel()
		rec := e.raw(t, http.MethodGet, "/graphql?operationName=Q", nil, nil)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("status %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("a body over the server's limit is 413", func(t *testing.T) {
		t.Parallel()
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }", "variables": {"pad": "`+strings.Repeat("x", 256)+`"}}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		http.MaxBytesHandler(e.handler, 64).ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("PUT is 405", func(t *testing.T) {
		t.Parallel()
		rec := e.raw(t, http.MethodPut, "/graphql", []byte(`{"query":"{ __typename }"}`), map[string]string{"Content-Type": "application/json"})
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") == "" {
			t.Errorf("status %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
		}
	})
	t.Run("an unknown persisted query is 200 for Apollo's clients, with either media type", func(t *testing.T) {
		t.Parallel()
		body := `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"0000000000000000000000000000000000000000000000000000000000000000"}}}`
		status, _, out := post(body, map[string]string{"Accept": gqlType})
		if status != http.StatusOK || !strings.Contains(jsonString(out), "PERSISTED_QUERY_NOT_FOUND") {
			t.Errorf("status %d: %v", status, out)
		}
	})
}

func anySlice(v any) []any {
	s, _ := v.([]any)
	return s
}
