package mcp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/mcp/mcptest"
)

// testServer is /mcp over the GraphQL handler over a fake Gladly, every request authenticated as
// one caller (the edge's job in the server).
type testServer struct {
	url  string
	fake *gladlytest.Server
}

type serverConfig struct {
	scopes   []string
	opts     Options
	fakeOpts []gladlytest.Option
}

func newTestServer(t testing.TB, cfg serverConfig) *testServer {
	t.Helper()
	gql, fake := newGraphQLHandler(t, cfg.fakeOpts...)
	opts := cfg.opts
	opts.Executor = HandlerExecutor(gql)
	h, err := NewHTTPHandler(opts)
	if err != nil {
		t.Fatal(err)
	}
	scopes := cfg.scopes
	if scopes == nil {
		scopes = caller.GladlyScopes
	}
	who := &caller.Caller{Kind: caller.KindAPIKey, Subject: "test", AccountID: "test", Scopes: caller.NewScopes(scopes...)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(caller.With(r.Context(), who)))
	}))
	t.Cleanup(srv.Close)
	return &testServer{url: srv.URL, fake: fake}
}

// connect is an MCP client session (the official Go SDK's client) on the server.
func (s *testServer) connect(t testing.TB) *sdk.ClientSession {
	t.Helper()
	c := sdk.NewClient(&sdk.Implementation{Name: "gladgraph-test", Version: "1"}, nil)
	cs, err := c.Connect(context.Background(), &sdk.StreamableClientTransport{Endpoint: s.url, DisableStandaloneSSE: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

func listTools(t *testing.T, cs *sdk.ClientSession) map[string]*sdk.Tool {
	t.Helper()
	res, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*sdk.Tool{}
	for _, tl := range res.Tools {
		out[tl.Name] = tl
	}
	return out
}

func call(t *testing.T, cs *sdk.ClientSession, name string, args map[string]any) *sdk.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: protocol error: %v", name, err)
	}
	return res
}

func text(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// structured decodes a result's structured content.
func structured(t *testing.T, res *sdk.CallToolResult, out any) {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("structured content: %v\n%s", err, b)
	}
}

// TestEveryReadToolAnswersFromTheDemo calls every read-only tool against the demo fixture: each
// answers without error, with structured content that its output schema accepts.
func TestEveryReadToolAnswersFromTheDemo(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, serverConfig{})
	cs := s.connect(t)
	tools := listTools(t, cs)
	args := mcptest.DemoArguments(time.Now())
	called := 0
	for name, tl := range tools {
		if tl.Annotations == nil || !tl.Annotations.ReadOnlyHint {
			continue
		}
		a, ok := args[name]
		if !ok {
			t.Errorf("%s: no demo arguments (add them to mcptest.DemoArguments)", name)
			continue
		}
		res := call(t, cs, name, a)
		called++
		if res.IsError {
			t.Errorf("%s: error result:\n%s", name, text(res))
			continue
		}
		if tl.OutputSchema == nil {
			continue
		}
		checkOutput(t, name, tl.OutputSchema, res.StructuredContent)
	}
	if called < 35 {
		t.Errorf("called %d read tools, want every one (≥ 35)", called)
	}
}

// checkOutput validates structured content against the output schema, as clients do.
func checkOutput(t *testing.T, name string, schema, content any) {
	t.Helper()
	b, _ := json.Marshal(schema)
	var sc jsonschema.Schema
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatalf("%s: output schema: %v", name, err)
	}
	resolved, err := sc.Resolve(nil)
	if err != nil {
		t.Fatalf("%s: output schema: %v", name, err)
	}
	cb, _ := json.Marshal(content)
	var v any
	_ = json.Unmarshal(cb, &v)
	if err := resolved.Validate(v); err != nil {
		t.Errorf("%s: structured content does not match the output schema: %v\n%s", name, err, cb)
	}
}

func TestContact360(t *testing.T) {
	t.Parallel()
	cs := newTestServer(t, serverConfig{}).connect(t)
	res := call(t, cs, "get_contact_360", map[string]any{"id": gladlytest.DemoCustomerID})
	var out struct {
		Contact struct {
			Name    string `json:"name"`
			Tickets struct {
				Nodes []struct{ ID string } `json:"nodes"`
			} `json:"tickets"`
			Conversations struct {
				Nodes []struct{ ID string } `json:"nodes"`
			} `json:"conversations"`
		} `json:"contact"`
	}
	structured(t, res, &out)
	if out.Contact.Name != "Ada Lovelace" || len(out.Contact.Tickets.Nodes) == 0 || len(out.Contact.Conversations.Nodes) == 0 {
		t.Errorf("contact 360: %s", text(res))
	}
}

// TestToolListFollowsScopes: a narrower caller lists only the tools whose every field its scopes
// reach, and a tool it cannot list answers with a tool error (no Gladly call).
func TestToolListFollowsScopes(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, serverConfig{scopes: []string{caller.ContactsRead, caller.TicketsRead, caller.DirectoryRead}})
	cs := s.connect(t)
	tools := listTools(t, cs)
	for _, want := range []string{"get_contact", "find_contacts", "list_contact_tickets", "get_ticket", "list_users", "search_schema"} {
		if tools[want] == nil {
			t.Errorf("%s not listed", want)
		}
	}
	for _, hidden := range []string{"get_contact_360", "create_ticket", "delete_contact", "list_webhooks", "get_conversation_timeline", "execute_graphql"} {
		if tools[hidden] != nil {
			t.Errorf("%s listed to a caller without its scopes", hidden)
		}
	}
	c, _ := DefaultCatalog()
	for name := range tools {
		if tl := c.Tool(name); tl != nil && !tl.Requires.SatisfiedBy(&caller.Caller{Scopes: caller.NewScopes(caller.ContactsRead, caller.TicketsRead, caller.DirectoryRead)}) {
			t.Errorf("%s listed; needs %s", name, tl.Requires)
		}
	}
	s.fake.ResetStats()
	res := call(t, cs, "delete_contact", map[string]any{"id": gladlytest.DemoCustomerID})
	if !res.IsError || !strings.Contains(text(res), "UNAUTHORIZED_FIELD_OR_TYPE") || !strings.Contains(text(res), "contacts:delete") {
		t.Errorf("unlisted tool: isError %v, %s", res.IsError, text(res))
	}
	if n := s.fake.TotalCalls(); n != 0 {
		t.Errorf("%d Gladly calls for a refused tool", n)
	}
}

// TestWriteThenRead runs a write tool and reads its effect back through a read tool.
func TestWriteThenRead(t *testing.T) {
	t.Parallel()
	cs := newTestServer(t, serverConfig{}).connect(t)
	res := call(t, cs, "add_conversation_note", map[string]any{"input": map[string]any{
		"conversationId": gladlytest.DemoOpenConversationID, "body": "Hand-off: customer wants a refund."}})
	if res.IsError {
		t.Fatalf("add_conversation_note: %s", text(res))
	}
	var added struct {
		AddConversationNote struct {
			ConversationNote struct{ ID string } `json:"conversationNote"`
		} `json:"addConversationNote"`
	}
	structured(t, res, &added)
	id := added.AddConversationNote.ConversationNote.ID
	if id == "" {
		t.Fatalf("no note id: %s", text(res))
	}
	got := call(t, cs, "get_conversation_note", map[string]any{"conversationId": gladlytest.DemoOpenConversationID, "id": id})
	if got.IsError || !strings.Contains(text(got), "Hand-off: customer wants a refund.") {
		t.Errorf("note read back: %s", text(got))
	}
}

// TestUserErrorsAreStructured: a refused mutation is a tool error whose structured content is
// the payload with its userErrors.
func TestUserErrorsAreStructured(t *testing.T) {
	t.Parallel()
	cs := newTestServer(t, serverConfig{}).connect(t)
	res := call(t, cs, "add_ticket_comment", map[string]any{"input": map[string]any{
		"ticketId": gladlytest.DemoClosedTaskID, "body": "Too late", "authorUserId": gladlytest.DemoAgentID("Amy Agent")}})
	var out struct {
		CreateComment struct {
			Comment    any `json:"comment"`
			UserErrors []struct {
				Code string `json:"code"`
			} `json:"userErrors"`
		} `json:"createComment"`
	}
	structured(t, res, &out)
	if !res.IsError || out.CreateComment.Comment != nil || len(out.CreateComment.UserErrors) == 0 {
		t.Fatalf("closed ticket comment: isError %v, %s", res.IsError, text(res))
	}
	if code := out.CreateComment.UserErrors[0].Code; !strings.Contains(text(res), code+" ") && !strings.Contains(text(res), code+":") {
		t.Errorf("the text does not name the code %s: %s", code, text(res))
	}
}

// TestRateLimitIsAToolError: Gladly's 429 comes back as a tool error coded UPSTREAM_RATE_LIMITED
// with retryAfterSeconds, in the text and the structured content.
func TestRateLimitIsAToolError(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, serverConfig{fakeOpts: []gladlytest.Option{gladlytest.WithFaults(gladlytest.Faults{RateLimitRate: 1})}})
	cs := s.connect(t)
	res := call(t, cs, "get_contact", map[string]any{"id": gladlytest.DemoCustomerID})
	var out struct {
		Contact any `json:"contact"`
		Errors  []struct {
			Code              string   `json:"code"`
			RetryAfterSeconds *float64 `json:"retryAfterSeconds"`
		} `json:"errors"`
	}
	structured(t, res, &out)
	if !res.IsError || len(out.Errors) == 0 || out.Errors[0].Code != "UPSTREAM_RATE_LIMITED" || out.Errors[0].RetryAfterSeconds == nil {
		t.Fatalf("isError %v, %s", res.IsError, text(res))
	}
	if !strings.Contains(text(res), "UPSTREAM_RATE_LIMITED") || !strings.Contains(text(res), "retry after") {
		t.Errorf("text: %s", text(res))
	}
	c, _ := DefaultCatalog()
	checkOutput(t, "get_contact", json.RawMessage(c.Tool("get_contact").OutputSchema), res.StructuredContent)
}

func TestBadArgumentsAreToolErrors(t *testing.T) {
	t.Parallel()
	cs := newTestServer(t, serverConfig{}).connect(t)
	res := call(t, cs, "list_contact_tickets", map[string]any{"status": "SOMETIMES"})
	if !res.IsError || !strings.Contains(text(res), "contactId") {
		t.Errorf("isError %v, %s", res.IsError, text(res))
	}
}

func TestExecuteGraphQLOnlyWhenAllowed(t *testing.T) {
	t.Parallel()
	off := listTools(t, newTestServer(t, serverConfig{}).connect(t))
	if off["execute_graphql"] != nil || off["search_schema"] == nil {
		t.Errorf("default: execute_graphql %v, search_schema %v", off["execute_graphql"] != nil, off["search_schema"] != nil)
	}
	cs := newTestServer(t, serverConfig{scopes: []string{caller.DirectoryRead}, opts: Options{AllowArbitraryOperations: true}}).connect(t)
	res := call(t, cs, "execute_graphql", map[string]any{"query": "{ organization { name } contact(id: \"x\") { id } }"})
	if !res.IsError || !strings.Contains(text(res), "UNAUTHORIZED_FIELD_OR_TYPE") || !strings.Contains(text(res), `"organization":{"name":`) {
		t.Errorf("scopes apply to execute_graphql: %s", text(res))
	}
}

func TestSearchSchema(t *testing.T) {
	t.Parallel()
	cs := newTestServer(t, serverConfig{}).connect(t)
	res := call(t, cs, "search_schema", map[string]any{"query": "voice transcript", "limit": 3})
	var out struct {
		Matches []string `json:"matches"`
	}
	structured(t, res, &out)
	if res.IsError || len(out.Matches) == 0 || len(out.Matches) > 3 || !strings.Contains(out.Matches[0], "VoiceTranscript") {
		t.Errorf("matches: %q", out.Matches)
	}
	hits := SearchSchema(GraphQLSchema(), "contacts", 10)
	if !slices.ContainsFunc(hits, func(h string) bool { return strings.Contains(h, "needs contacts:read") }) {
		t.Errorf("root field snippets name their scopes: %q", hits)
	}
}
