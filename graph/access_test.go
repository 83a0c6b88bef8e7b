package graph_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/graph/generated"
)

// gladlyTypes are the object types that carry Gladly data without being entities or having a
// remoteData field: each needs a scope of its own, since a field of an unscoped type reached
// some other way (a union, a payload) would show Gladly data to anyone.
var gladlyTypes = []string{
	"Event", "Webhook", "ExportSchedule", "ExportJob", "AutomationMessage", "CallRecording", "Report",
	"Organization", "Audience", "PublicAnswer", "CustomAttribute", "AnswerContent", "VoiceTranscript",
	"ConversationItemMedia", "ConversationAttachment",
}

// TestEveryRootFieldAndGladlyTypeHasScopes walks the SDL: a root field or a Gladly-backed type
// without @requiresScopes fails it, and so does a scope DESIGN.md §8 does not name.
func TestEveryRootFieldAndGladlyTypeHasScopes(t *testing.T) {
	t.Parallel()
	s := generated.NewExecutableSchema(generated.Config{}).Schema()
	scopesOf := func(dirs ast.DirectiveList) []string {
		d := dirs.ForName("requiresScopes")
		if d == nil {
			return nil
		}
		var out []string
		for _, g := range d.Arguments.ForName("scopes").Value.Children {
			for _, v := range g.Value.Children {
				out = append(out, v.Value.Raw)
			}
		}
		return out
	}
	check := func(what string, scopes []string) {
		if len(scopes) == 0 {
			t.Errorf("%s has no @requiresScopes", what)
		}
		for _, sc := range scopes {
			if !caller.Known(sc) || sc == caller.AccountsAdmin {
				t.Errorf("%s requires %q, which is not a Gladly scope of DESIGN.md §8", what, sc)
			}
		}
	}
	for _, root := range []*ast.Definition{s.Query, s.Mutation, s.Subscription} {
		if root == nil {
			continue
		}
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "_") { // _service, _entities: federation's, guarded by ROUTER_SECRET and per type
				continue
			}
			check(root.Name+"."+f.Name, scopesOf(f.Directives))
		}
	}
	union := s.Types["ConversationItemContent"]
	for name, def := range s.Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "_") || name == "Entity" {
			continue
		}
		gladly := def.Directives.ForName("key") != nil || def.Fields.ForName("remoteData") != nil ||
			slices.Contains(gladlyTypes, name) || slices.Contains(union.Types, name)
		if gladly {
			check("type "+name, scopesOf(def.Directives))
		}
	}
}

// scoped is an env whose caller holds only the given scopes.
func scoped(t *testing.T, scopes ...string) *env {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []string{} // none at all, not the default of every scope
	}
	return newEnv(t, withScopes(scopes...))
}

func errorAt(resp gqlResponse, path ...any) *gqlError {
	want, _ := json.Marshal(path)
	for i, e := range resp.Errors {
		if got, _ := json.Marshal(e.Path); string(got) == string(want) {
			return &resp.Errors[i]
		}
	}
	return nil
}

func wantUnauthorizedAt(t *testing.T, resp gqlResponse, path ...any) {
	t.Helper()
	e := errorAt(resp, path...)
	if e == nil {
		t.Fatalf("no error at %v: %+v", path, resp.Errors)
	}
	if e.Extensions["code"] != "UNAUTHORIZED_FIELD_OR_TYPE" {
		t.Errorf("error at %v: code %v, want UNAUTHORIZED_FIELD_OR_TYPE (%s)", path, e.Extensions["code"], e.Message)
	}
}

func TestScopeRefusesRootFieldAndSendsNothing(t *testing.T) {
	t.Parallel()
	e := scoped(t, caller.TicketsRead)
	e.fake.ResetStats()
	resp := e.do(t, `query($id: ID!) { contact(id: $id) { name } organization { name } }`, map[string]any{"id": gladlytest.DemoCustomerID})
	wantUnauthorizedAt(t, resp, "contact")
	wantUnauthorizedAt(t, resp, "organization")
	if string(resp.Data) != `{"contact":null,"organization":null}` {
		t.Errorf("data = %s", resp.Data)
	}
	assertNothingSent(t, e)
}

// A caller that may read tickets but not contacts gets the ticket, and null with an error for
// the contact reached through it; the contact is never fetched.
func TestScopeRefusesNestedTypeRestResolves(t *testing.T) {
	t.Parallel()
	e := scoped(t, caller.TicketsRead)
	e.fake.ResetStats()
	resp := e.do(t, `query($id: ID!) { ticket(id: $id) { id status contact { name } } }`, map[string]any{"id": gladlytest.DemoOpenTaskID})
	wantUnauthorizedAt(t, resp, "ticket", "contact")
	var data struct {
		Ticket struct {
			ID      string
			Contact *struct{ Name string }
		}
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Ticket.ID != gladlytest.DemoOpenTaskID || data.Ticket.Contact != nil {
		t.Errorf("data = %s", resp.Data)
	}
	if n := e.fake.Calls("getCustomer"); n != 0 {
		t.Errorf("getCustomer called %d times for a refused field", n)
	}
}

// contact(id) starts the lists it selects alongside the profile; a list the caller may not read
// is neither started nor shown.
func TestScopeStopsPrefetchOfRefusedChildren(t *testing.T) {
	t.Parallel()
	e := scoped(t, caller.ContactsRead)
	e.fake.ResetStats()
	resp := e.do(t, `query($id: ID!) { contact(id: $id) { name tickets { totalCount } conversations { totalCount } } }`,
		map[string]any{"id": gladlytest.DemoCustomerID})
	wantUnauthorizedAt(t, resp, "contact", "tickets")
	wantUnauthorizedAt(t, resp, "contact", "conversations")
	wantCalls(t, e, map[string]int{"getCustomer": 1})
}

// Conversation item content is a union: its members carry the conversations scope, and the
// item itself does too, so a caller with only contacts:read reaches none of it.
func TestScopeCoversUnionMembers(t *testing.T) {
	t.Parallel()
	e := scoped(t, caller.ConversationsRead)
	resp := e.do(t, `query($id: ID!) { conversationItem(id: $id) { content { __typename ... on NoteContent { body } } contact { name } } }`,
		map[string]any{"id": gladlytest.DemoNoteItemID})
	wantUnauthorizedAt(t, resp, "conversationItem", "contact")
	if !strings.Contains(string(resp.Data), `"NoteContent"`) {
		t.Errorf("the note's content did not resolve: %s", resp.Data)
	}
}

func TestScopeMutations(t *testing.T) {
	t.Parallel()
	e := scoped(t, caller.ContactsRead, caller.ContactsWrite)
	e.fake.ResetStats()
	resp := e.do(t, `mutation($id: ID!) { deleteContact(id: $id) { deletedId } }`, map[string]any{"id": gladlytest.DemoCustomerID})
	wantUnauthorizedAt(t, resp, "deleteContact")
	resp = e.do(t, `mutation { sendSms(input: {to: "+14155550100", from: "+14155550199", body: "hi"}) { userErrors { code } } }`, nil)
	wantUnauthorizedAt(t, resp, "sendSms")
	resp = e.do(t, `mutation { createUserIdentityToken(input: {identityType: EMAIL, identity: "ada@example.com"}) { token } }`, nil)
	wantUnauthorizedAt(t, resp, "createUserIdentityToken")
	assertNothingSent(t, e)
}

// _entities is checked per representation: the refused one is null with its error at
// _entities.<index>, the others resolve, and only they are fetched.
func TestScopeEntitiesPerRepresentation(t *testing.T) {
	t.Parallel()
	e := scoped(t, caller.TicketsRead)
	e.fake.ResetStats()
	resp := e.do(t, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { name } ... on Ticket { id } } }`,
		map[string]any{"r": []any{
			map[string]any{"__typename": "Contact", "id": gladlytest.DemoCustomerID},
			map[string]any{"__typename": "Ticket", "id": gladlytest.DemoOpenTaskID},
		}})
	wantUnauthorizedAt(t, resp, "_entities", 0)
	if want := `{"_entities":[null,{"id":"` + gladlytest.DemoOpenTaskID + `"}]}`; string(resp.Data) != want {
		t.Errorf("data = %s, want %s", resp.Data, want)
	}
	if n := e.fake.Calls("getCustomer"); n != 0 {
		t.Errorf("getCustomer called %d times for a refused representation", n)
	}
}

func TestNoCallerReadsNothing(t *testing.T) {
	t.Parallel()
	e := scoped(t)
	e.fake.ResetStats()
	resp := e.do(t, `{ users { totalCount } _service { sdl } }`, nil)
	wantUnauthorizedAt(t, resp, "users")
	if !strings.Contains(string(resp.Data), "requiresScopes") {
		t.Errorf("_service should stay open without ROUTER_SECRET: %s", resp.Data)
	}
	assertNothingSent(t, e)
}

// With ROUTER_SECRET set, _service and _entities answer only requests the edge marked as the
// router's; other fields are unaffected.
func TestRouterSecretGuardsServiceAndEntities(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withRouterSecret())
	router := newEnv(t, withRouterSecret())
	router.router = true
	const service = `{ _service { sdl } }`
	entities := `{ _entities(representations: [{__typename: "Contact", id: "` + gladlytest.DemoCustomerID + `"}]) { ... on Contact { name } } }`
	for _, q := range []string{service, entities} {
		resp := e.do(t, q, nil)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
			t.Errorf("%s without the router's secret: %+v", q, resp.Errors)
		}
		if strings.Contains(string(resp.Data), "Ada") || strings.Contains(string(resp.Data), "sdl") {
			t.Errorf("%s without the router's secret answered %s", q, resp.Data)
		}
		if resp := router.do(t, q, nil); len(resp.Errors) != 0 || string(resp.Data) == "null" {
			t.Errorf("%s with the router's secret: %s %+v", q, resp.Data, resp.Errors)
		}
	}
	if resp := e.do(t, `{ organization { name } }`, nil); len(resp.Errors) != 0 {
		t.Errorf("other fields need no router secret: %+v", resp.Errors)
	}
}
