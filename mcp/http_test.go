package mcp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// post sends one JSON-RPC message to /mcp as a bare HTTP client would.
func post(t *testing.T, url, body string, header map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

const toolsCall = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_organization","arguments":{}}}`

// TestStateless: a tools/call without initialize or session id is answered, and no session id
// is handed out, so any replica can answer any request.
func TestStateless(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, serverConfig{})
	resp := post(t, s.url, toolsCall, map[string]string{"Mcp-Protocol-Version": "2025-06-18"})
	var msg struct {
		Result struct {
			IsError           bool `json:"isError"`
			StructuredContent struct {
				Organization struct {
					Name string `json:"name"`
				} `json:"organization"`
			} `json:"structuredContent"`
		} `json:"result"`
	}
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &msg); resp.StatusCode != http.StatusOK || err != nil || msg.Result.IsError || msg.Result.StructuredContent.Organization.Name == "" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
		t.Errorf("session id %q handed out", id)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.url, nil)
	req.Header.Set("Accept", "text/event-stream")
	get, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	get.Body.Close()
	if get.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET (a session's event stream): %d, want 405", get.StatusCode)
	}
}

func TestOriginCheck(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, serverConfig{opts: Options{AllowedOrigins: []string{"https://app.example.com"}}})
	if resp := post(t, s.url, toolsCall, map[string]string{"Origin": "https://evil.example"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign origin: %d", resp.StatusCode)
	}
	if resp := post(t, s.url, toolsCall, map[string]string{"Origin": "http://localhost:3000"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("loopback origin without AllowLoopbackOrigins: %d", resp.StatusCode)
	}
	if resp := post(t, s.url, toolsCall, map[string]string{"Origin": "https://app.example.com"}); resp.StatusCode != http.StatusOK {
		t.Errorf("allowed origin: %d", resp.StatusCode)
	}
	if resp := post(t, s.url, toolsCall, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("no origin (not a browser): %d", resp.StatusCode)
	}
	demo := newTestServer(t, serverConfig{opts: Options{AllowLoopbackOrigins: true}})
	for origin, want := range map[string]int{"http://localhost:6274": 200, "http://127.0.0.1:8080": 200, "http://[::1]": 200, "http://localhost.evil.example": 403} {
		if resp := post(t, demo.url, toolsCall, map[string]string{"Origin": origin}); resp.StatusCode != want {
			t.Errorf("demo, origin %s: %d, want %d", origin, resp.StatusCode, want)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, serverConfig{opts: Options{MaxBodyBytes: 4096}})
	big := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_schema","arguments":{"query":"` + strings.Repeat("a", 8192) + `"}}}`
	if resp := post(t, s.url, big, nil); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", resp.StatusCode)
	}
}

func TestResourceMetadata(t *testing.T) {
	t.Parallel()
	h := ResourceMetadataHandler(NewResourceMetadata("https://gladgraph.example.com/", "https://auth.example.com"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, WellKnownResourcePath, nil))
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	scopes := make([]any, len(caller.GladlyScopes))
	for i, s := range caller.GladlyScopes {
		scopes[i] = s
	}
	want := map[string]any{
		"resource":                 "https://gladgraph.example.com/mcp",
		"authorization_servers":    []any{"https://auth.example.com"},
		"scopes_supported":         scopes,
		"bearer_methods_supported": []any{"header"},
		"resource_name":            "gladgraph MCP",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("headers %v", rec.Header())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, WellKnownResourcePath, nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
}

// TestStdio runs the server over a transport as the stdio mode does, as the caller given.
func TestStdio(t *testing.T) {
	t.Parallel()
	gql, _ := newGraphQLHandler(t)
	s, err := NewServer(Options{Executor: HandlerExecutor(gql)})
	if err != nil {
		t.Fatal(err)
	}
	st, ct := sdk.NewInMemoryTransports()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	who := &caller.Caller{Kind: caller.KindAPIKey, AccountID: "test", Scopes: caller.NewScopes(caller.ContactsRead)}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, st, who) }()
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "desktop"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	res, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	if diff := cmp.Diff([]string{"find_contacts", "get_contact", "search_schema"}, names); diff != "" {
		t.Errorf("tools of a contacts:read caller (-want +got):\n%s", diff)
	}
	r, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "get_contact", Arguments: map[string]any{"id": gladlytest.DemoCustomerID}})
	if err != nil || r.IsError || !strings.Contains(text(r), "Ada Lovelace") {
		t.Errorf("get_contact over stdio: %v %s", err, text(r))
	}
}
