package mcp

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/caller"
)

func TestHandlerExecutor(t *testing.T) {
	t.Parallel()
	who := &caller.Caller{Subject: "k1"}
	var got struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || caller.From(r.Context()) != who {
			t.Errorf("request %s %q, caller %v", r.Method, r.Header.Get("Content-Type"), caller.From(r.Context()))
		}
		_ = json.NewDecoder(r.Body).Decode(&got)
		w.Header().Set("Content-Type", "application/graphql-response+json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"data":{"contact":null},"errors":[{"message":"slow down","path":["contact"],"extensions":{"code":"UPSTREAM_RATE_LIMITED","retryAfterSeconds":2}}]}`))
	})
	data, errs, err := HandlerExecutor(h).Execute(caller.With(t.Context(), who), "query Q($id: ID!) { contact(id: $id) { id } }", "Q", map[string]any{"id": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if got.OperationName != "Q" || got.Variables["id"] != "1" {
		t.Errorf("sent %+v", got)
	}
	if string(data) != `{"contact":null}` || len(errs) != 1 || errs[0].Code() != "UPSTREAM_RATE_LIMITED" {
		t.Errorf("data %s, errors %+v", data, errs)
	}
	want := []errorView{{Message: "slow down", Code: "UPSTREAM_RATE_LIMITED", Path: []any{"contact"}, RetryAfterSeconds: ptr(2.0)}}
	if diff := cmp.Diff(want, viewErrors(errs)); diff != "" {
		t.Errorf("views (-want +got):\n%s", diff)
	}

	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream connect error", http.StatusBadGateway)
	})
	if _, _, err := HandlerExecutor(broken).Execute(t.Context(), "{ organization { id } }", "", nil); err == nil {
		t.Error("a non-GraphQL answer is not an error")
	}
}

func ptr[T any](v T) *T { return &v }
