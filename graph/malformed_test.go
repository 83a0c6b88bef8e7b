package graph_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// rewriteJSON returns a FaultRewrite that edits the decoded answer.
func rewriteJSON(t *testing.T, edit func(v any) any) gladlytest.Fault {
	return gladlytest.Fault{Kind: gladlytest.FaultRewrite, Rewrite: func(b []byte) []byte {
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Errorf("the fake's answer is not JSON: %v", err)
			return b
		}
		out, _ := json.Marshal(edit(v))
		return out
	}}
}

// TestStringBooleanInOneEmailKeepsTheContact: `"primary": "true"` in one email (a departure from
// the declared boolean that Gladly's own examples make) no longer kills the whole contact: the
// flag is read as what it says and remoteData keeps what Gladly sent.
func TestStringBooleanInOneEmailKeepsTheContact(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.fake.FailNext("getCustomer", rewriteJSON(t, func(v any) any {
		c := v.(map[string]any)
		emails := c["emails"].([]any)
		emails[0].(map[string]any)["primary"] = "true"
		return c
	}))
	var out struct {
		Contact struct {
			Name   string
			Emails []struct {
				Address string
				Primary bool
			}
			RemoteData json.RawMessage
		}
	}
	e.query(t, `query($id: ID!) { contact(id: $id) { name emails { address primary } remoteData } }`,
		map[string]any{"id": gladlytest.DemoCustomerID}, &out)
	if out.Contact.Name != "Ada Lovelace" || len(out.Contact.Emails) == 0 || !out.Contact.Emails[0].Primary {
		t.Errorf("contact = %+v", out.Contact)
	}
	if !strings.Contains(string(out.Contact.RemoteData), `"primary":"true"`) {
		t.Errorf("remoteData lost Gladly's own value: %s", out.Contact.RemoteData)
	}
}

// TestOneBadAgentRecordFailsAlone: an agent record that cannot be read fails at the list's path
// with UPSTREAM_INVALID_RESPONSE; the other agents resolve (it killed `users`).
func TestOneBadAgentRecordFailsAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var badID string
	e.fake.FailNext("getAgents", rewriteJSON(t, func(v any) any {
		list := v.([]any)
		a := list[3].(map[string]any)
		badID, _ = a["id"].(string)
		a["name"] = map[string]any{"first": "Not", "last": "AString"}
		return list
	}))
	for _, round := range []string{"fresh", "cached"} {
		resp := e.do(t, `{ users(first: 100) { totalCount nodes { id name } } }`, nil)
		var data struct {
			Users *struct {
				TotalCount int
				Nodes      []struct{ ID, Name string }
			}
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil || data.Users == nil {
			t.Fatalf("%s: users did not resolve: %s %+v", round, resp.Data, resp.Errors)
		}
		if data.Users.TotalCount != 24 {
			t.Errorf("%s: %d users, want the 24 readable of 25", round, data.Users.TotalCount)
		}
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UPSTREAM_INVALID_RESPONSE" ||
			jsonString(resp.Errors[0].Path) != `["users"]` || resp.Errors[0].Extensions["id"] != badID {
			t.Errorf("%s: errors = %+v; want one UPSTREAM_INVALID_RESPONSE at users naming %s", round, resp.Errors, badID)
		}
	}
}

// TestUnreadableAnswersAreTyped: HTML, invalid JSON, a redirect and an empty 200 are
// UPSTREAM_INVALID_RESPONSE at the field's path, never INTERNAL_SERVER_ERROR nor a silent null.
func TestUnreadableAnswersAreTyped(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]gladlytest.Fault{
		"html":         {Kind: gladlytest.FaultRaw, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html><body>Sign in</body></html>")},
		"invalid json": {Kind: gladlytest.FaultRaw, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id": "x", "name": `)},
		"302":          {Kind: gladlytest.FaultRaw, Status: http.StatusFound, Header: http.Header{"Location": {"https://sso.example.com/login"}}},
		"empty 200":    {Kind: gladlytest.FaultRaw, Header: http.Header{"Content-Type": {"application/json"}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.fake.FailNext("getCustomer", f)
			resp := e.do(t, `query($id: ID!) { contact(id: $id) { id } organization { id } }`, map[string]any{"id": gladlytest.DemoCustomerID})
			if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UPSTREAM_INVALID_RESPONSE" || jsonString(resp.Errors[0].Path) != `["contact"]` {
				t.Fatalf("errors = %+v; want one UPSTREAM_INVALID_RESPONSE at contact", resp.Errors)
			}
			if !strings.Contains(string(resp.Data), `"organization":{"id"`) {
				t.Errorf("the other field did not resolve: %s", resp.Data)
			}
		})
	}
}

// TestOversizedAnswerIsTyped: an answer over the client's byte cap is UPSTREAM_RESPONSE_TOO_LARGE
// at the field's path; the other fields resolve.
func TestOversizedAnswerIsTyped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withClient(gladly.WithMaxResponseBytes(64<<10)))
	e.fake.FailNext("getAgents", gladlytest.Fault{Kind: gladlytest.FaultRewrite, Rewrite: func(b []byte) []byte {
		pad := `,{"id":"pad","name":"` + strings.Repeat("x", 1<<10) + `"}`
		return append(bytes.TrimSuffix(b, []byte("]")), []byte(strings.Repeat(pad, 100)+"]")...)
	}})
	resp := e.do(t, `{ users { totalCount } organization { id } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UPSTREAM_RESPONSE_TOO_LARGE" || jsonString(resp.Errors[0].Path) != `["users"]` {
		t.Fatalf("errors = %+v; want one UPSTREAM_RESPONSE_TOO_LARGE at users", resp.Errors)
	}
	if !strings.Contains(string(resp.Data), `"organization":{"id"`) {
		t.Errorf("the other field did not resolve: %s", resp.Data)
	}
}
