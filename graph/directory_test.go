package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// inBothCaches runs f against an env whose response cache is in memory, and one whose cache is
// Redis: a read after a write must show the new state with either.
func inBothCaches(t *testing.T, f func(t *testing.T, e *env)) {
	t.Helper()
	for _, c := range []struct {
		name string
		opts []envOption
	}{{"memory", nil}, {"redis", []envOption{withRedis()}}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f(t, newEnv(t, c.opts...))
		})
	}
}

func (c namedConn) names() []string {
	out := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		out[i] = n.Name
	}
	return out
}

func TestUsersAndUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	amy := gladlytest.DemoAgentID("Amy Agent")
	var out struct {
		Users struct {
			namedConn
			PageInfo struct {
				HasNextPage bool   `json:"hasNextPage"`
				EndCursor   string `json:"endCursor"`
			} `json:"pageInfo"`
		} `json:"users"`
		User struct {
			ID         string          `json:"id"`
			Name       string          `json:"name"`
			Email      string          `json:"email"`
			RemoteData json.RawMessage `json:"remoteData"`
		} `json:"user"`
		Missing *struct{ ID string } `json:"missing"`
	}
	e.query(t, `query($amy: ID!) {
		users(first: 2) { totalCount truncated nodes { id name } pageInfo { hasNextPage endCursor } }
		user(id: $amy) { id name email remoteData }
		missing: user(id: "no-such-agent") { id }
	}`, map[string]any{"amy": amy}, &out)
	if out.Users.TotalCount != 25 || out.Users.Truncated {
		t.Errorf("users: totalCount %d truncated %v, want 25 agents, not truncated", out.Users.TotalCount, out.Users.Truncated)
	}
	if diff := cmp.Diff([]string{"API Integration", "Amy Agent"}, out.Users.names()); diff != "" {
		t.Errorf("users(first: 2), Gladly's order (-want +got):\n%s", diff)
	}
	if !out.Users.PageInfo.HasNextPage {
		t.Error("users(first: 2): hasNextPage is false")
	}
	if out.User.ID != amy || out.User.Name != "Amy Agent" || out.User.Email != "amy.agent@babbage.example.com" {
		t.Errorf("user: %+v", out.User)
	}
	var remote map[string]any
	if err := json.Unmarshal(out.User.RemoteData, &remote); err != nil || remote["emailAddress"] != "amy.agent@babbage.example.com" {
		t.Errorf("user.remoteData = %s, want Gladly's agent", out.User.RemoteData)
	}
	if out.Missing != nil {
		t.Errorf("unknown user = %+v, want null", out.Missing)
	}

	var next struct {
		Users namedConn `json:"users"`
	}
	e.query(t, `query($after: String) { users(first: 1, after: $after) { nodes { id name } } }`,
		map[string]any{"after": out.Users.PageInfo.EndCursor}, &next)
	if diff := cmp.Diff([]string{"Blaise Pascal"}, next.Users.names()); diff != "" {
		t.Errorf("users after the first page (-want +got):\n%s", diff)
	}
}

func TestGroupsAndMembers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		Groups namedConn `json:"groups"`
		Group  struct {
			Name        string          `json:"name"`
			Description *string         `json:"description"`
			Members     namedConn       `json:"members"`
			RemoteData  json.RawMessage `json:"remoteData"`
		} `json:"group"`
		Missing *struct{ ID string } `json:"missing"`
		User    struct {
			Groups namedConn `json:"groups"`
		} `json:"user"`
	}
	e.query(t, `query($billing: ID!, $amy: ID!) {
		groups { totalCount truncated nodes { id name } }
		group(id: $billing) { name description members { totalCount nodes { id name } } remoteData }
		missing: group(id: "no-such-team") { id }
		user(id: $amy) { groups { totalCount nodes { id name } } }
	}`, map[string]any{"billing": gladlytest.DemoTeamID("Billing"), "amy": gladlytest.DemoAgentID("Amy Agent")}, &out)
	want := []string{"Tier 1 Support", "Billing", "Returns & Exchanges", "VIP Concierge", "Escalations"}
	if diff := cmp.Diff(want, out.Groups.names()); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if out.Group.Name != "Billing" || out.Group.Description == nil || *out.Group.Description != "Refunds, invoices and payment questions" {
		t.Errorf("group: %+v", out.Group)
	}
	members := []string{"Blaise Pascal", "Hedy Lamarr", "Donald Knuth", "Sophie Wilson", "Leslie Lamport"}
	if diff := cmp.Diff(members, out.Group.Members.names()); diff != "" {
		t.Errorf("Billing's members, in agentIds order (-want +got):\n%s", diff)
	}
	if len(out.Group.RemoteData) == 0 || !json.Valid(out.Group.RemoteData) {
		t.Errorf("group.remoteData = %s", out.Group.RemoteData)
	}
	if out.Missing != nil {
		t.Errorf("unknown group = %+v, want null", out.Missing)
	}
	if diff := cmp.Diff([]string{"Tier 1 Support"}, out.User.Groups.names()); diff != "" {
		t.Errorf("Amy's groups (-want +got):\n%s", diff)
	}
}

// TestDirectoryJoinsCostOneListEach: users with their groups and groups with their members are
// answered from one agents list and one teams list; the next request is served by the cache.
func TestDirectoryJoinsCostOneListEach(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	q := `{
		users { nodes { id groups { totalCount nodes { id name } } } }
		groups { nodes { id members { totalCount nodes { id email } } } }
	}`
	var out struct {
		Users struct {
			Nodes []struct {
				Groups namedConn `json:"groups"`
			} `json:"nodes"`
		} `json:"users"`
		Groups struct {
			Nodes []struct {
				Members namedConn `json:"members"`
			} `json:"nodes"`
		} `json:"groups"`
	}
	e.query(t, q, nil, &out)
	memberships, members := 0, 0
	for _, u := range out.Users.Nodes {
		memberships += u.Groups.TotalCount
	}
	for _, g := range out.Groups.Nodes {
		members += g.Members.TotalCount
	}
	if memberships != 24 || members != 24 {
		t.Errorf("%d memberships seen from users, %d from groups, want the 24 people in one team each", memberships, members)
	}
	assertCalls(t, e, map[string]int{"getAgents": 1, "getTeams": 1})
	if n := e.fake.TotalCalls(); n != 2 {
		t.Errorf("%d Gladly calls, want 2: %v", n, e.fake.CallsByOp())
	}
	e.fake.ResetStats()
	e.query(t, q, nil, nil)
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("warm request made %d Gladly calls, want 0: %v", n, e.fake.CallsByOp())
	}
}

func TestInboxesAndOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		All      namedConn `json:"all"`
		Enabled  namedConn `json:"enabled"`
		Disabled namedConn `json:"disabled"`
		Inbox    struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			Disabled bool   `json:"disabled"`
		} `json:"inbox"`
		Missing      *struct{ ID string } `json:"missing"`
		Organization struct {
			ID          string  `json:"id"`
			Name        string  `json:"name"`
			LoginDomain *string `json:"loginDomain"`
			Timezone    *string `json:"timezone"`
			GladlyURL   *string `json:"gladlyUrl"`
		} `json:"organization"`
	}
	e.query(t, `query($chat: ID!) {
		all: inboxes { totalCount nodes { name } }
		enabled: inboxes(disabled: false) { totalCount }
		disabled: inboxes(disabled: true) { totalCount nodes { name } }
		inbox(id: $chat) { id name disabled }
		missing: inbox(id: "no-such-inbox") { id }
		organization { id name loginDomain timezone gladlyUrl }
	}`, map[string]any{"chat": gladlytest.DemoInboxID("Chat")}, &out)
	if diff := cmp.Diff([]string{"Email", "Chat", "Phone", "SMS", "VIP"}, out.All.names()); diff != "" {
		t.Errorf("inboxes (-want +got):\n%s", diff)
	}
	if out.Enabled.TotalCount != 5 || out.Disabled.TotalCount != 0 {
		t.Errorf("inboxes by disabled: %d enabled, %d disabled; want 5 and 0", out.Enabled.TotalCount, out.Disabled.TotalCount)
	}
	if out.Inbox.ID != gladlytest.DemoInboxID("Chat") || out.Inbox.Name != "Chat" || out.Inbox.Disabled {
		t.Errorf("inbox: %+v", out.Inbox)
	}
	if out.Missing != nil {
		t.Errorf("unknown inbox = %+v, want null", out.Missing)
	}
	o := out.Organization
	if o.ID != gladlytest.DemoOrganizationID || o.Name != "Babbage Analytical Co." ||
		o.LoginDomain == nil || *o.LoginDomain != "babbage.example.com" || o.Timezone == nil || *o.Timezone != "Europe/London" {
		t.Errorf("organization: %+v", o)
	}
	if o.GladlyURL == nil || *o.GladlyURL != e.fake.URL {
		t.Errorf("organization.gladlyUrl = %v, want the fake's URL", o.GladlyURL)
	}
	assertCalls(t, e, map[string]int{"getInboxes": 1, "getOrganization": 1, "getInbox": 1})
}

type callRecording struct {
	Recording bool `json:"recording"`
	OnCall    bool `json:"onCall"`
	User      *struct {
		ID string `json:"id"`
	} `json:"user"`
	Contact *struct {
		Name string `json:"name"`
	} `json:"contact"`
	ConversationItem *struct {
		ID string `json:"id"`
	} `json:"conversationItem"`
}

const callRecordingFields = `recording onCall user { id } contact { name } conversationItem { id }`

func TestCallRecordingIsReadLive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	amy, blaise := gladlytest.DemoAgentID("Amy Agent"), gladlytest.DemoAgentID("Blaise Pascal")
	q := `query($amy: ID!, $blaise: ID!) {
		amy: user(id: $amy) { callRecording { ` + callRecordingFields + ` } }
		blaise: user(id: $blaise) { callRecording { ` + callRecordingFields + ` } }
	}`
	type users struct {
		Amy    struct{ CallRecording callRecording } `json:"amy"`
		Blaise struct{ CallRecording callRecording } `json:"blaise"`
	}
	var out users
	e.query(t, q, map[string]any{"amy": amy, "blaise": blaise}, &out)
	a := out.Amy.CallRecording
	if !a.Recording || !a.OnCall || a.User == nil || a.User.ID != amy || a.Contact == nil || a.Contact.Name != "Ada Lovelace" ||
		a.ConversationItem == nil || a.ConversationItem.ID != gladlytest.DemoPhoneCallItemID {
		t.Errorf("Amy's recorder: %+v", a)
	}
	b := out.Blaise.CallRecording
	if b.Recording || b.OnCall || b.User == nil || b.User.ID != blaise || b.Contact != nil || b.ConversationItem != nil {
		t.Errorf("Blaise's recorder (not on a call): %+v", b)
	}

	// The call ends in Gladly: the next request sees it without any invalidation.
	if err := e.fake.EndCall(amy); err != nil {
		t.Fatal(err)
	}
	e.fake.ResetStats()
	e.query(t, q, map[string]any{"amy": amy, "blaise": blaise}, &out)
	if a := out.Amy.CallRecording; a.OnCall || a.Recording || a.Contact != nil {
		t.Errorf("Amy's recorder after the call ended: %+v", a)
	}
	assertCalls(t, e, map[string]int{"getAgentCallRecording": 2, "getAgents": 0})
}

func TestSetCallRecording(t *testing.T) {
	t.Parallel()
	const m = `mutation($user: ID!, $rec: Boolean!) { setCallRecording(userId: $user, recording: $rec) {
		callRecording { ` + callRecordingFields + ` } userErrors { field code message } } }`
	type payload struct {
		SetCallRecording struct {
			CallRecording *callRecording `json:"callRecording"`
			UserErrors    []userError    `json:"userErrors"`
		} `json:"setCallRecording"`
	}
	amy := gladlytest.DemoAgentID("Amy Agent")
	read := func(t *testing.T, e *env, id string) callRecording {
		t.Helper()
		var out struct {
			User struct{ CallRecording callRecording } `json:"user"`
		}
		e.query(t, `query($id: ID!) { user(id: $id) { callRecording { `+callRecordingFields+` } } }`, map[string]any{"id": id}, &out)
		return out.User.CallRecording
	}

	t.Run("stops and starts recording", func(t *testing.T) {
		t.Parallel()
		inBothCaches(t, func(t *testing.T, e *env) {
			if !read(t, e, amy).Recording {
				t.Fatal("fixture: Amy's call is not recorded")
			}
			var out payload
			e.query(t, m, map[string]any{"user": amy, "rec": false}, &out)
			p := out.SetCallRecording
			if len(p.UserErrors) != 0 || p.CallRecording == nil || p.CallRecording.Recording || !p.CallRecording.OnCall {
				t.Fatalf("payload: %+v", p)
			}
			if read(t, e, amy).Recording {
				t.Error("next request still reads recording: true")
			}
			// Gladly also takes the agent's email address.
			e.query(t, m, map[string]any{"user": "amy.agent@babbage.example.com", "rec": true}, &out)
			if p := out.SetCallRecording; len(p.UserErrors) != 0 || p.CallRecording == nil || !p.CallRecording.Recording ||
				p.CallRecording.User == nil || p.CallRecording.User.ID != amy {
				t.Errorf("payload by email: %+v", p)
			}
			if !read(t, e, amy).Recording {
				t.Error("next request reads recording: false after it was started again")
			}
		})
	})

	t.Run("not on a call changes nothing", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		var out payload
		e.query(t, m, map[string]any{"user": gladlytest.DemoAgentID("Emmy Noether"), "rec": true}, &out)
		p := out.SetCallRecording
		if len(p.UserErrors) != 0 || p.CallRecording == nil || p.CallRecording.Recording || p.CallRecording.OnCall {
			t.Errorf("payload: %+v, want success showing the unchanged recorder", p)
		}
	})

	t.Run("unknown user", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		var out payload
		e.query(t, m, map[string]any{"user": "no-such-agent", "rec": true}, &out)
		p := out.SetCallRecording
		if p.CallRecording != nil || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "NOT_FOUND" ||
			!cmp.Equal(p.UserErrors[0].Field, []string{"userId"}) {
			t.Errorf("payload: %+v, want one NOT_FOUND at userId", p)
		}
	})

	t.Run("blank user is refused locally", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		var out payload
		e.query(t, m, map[string]any{"user": " ", "rec": true}, &out)
		p := out.SetCallRecording
		if p.CallRecording != nil || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "BLANK" {
			t.Errorf("payload: %+v, want one BLANK", p)
		}
		assertNothingSent(t, e)
	})
}

// TestDirectoryUpstreamFailure: a failed agents list is an error with extensions.code on users;
// the rest of the query still resolves.
func TestDirectoryUpstreamFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fault := gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503}
	e.fake.FailNext("getAgents", fault, fault, fault, fault) // outlasts the client's retries
	resp := e.do(t, `{ users { totalCount } inboxes { totalCount } }`, nil)
	if len(resp.Errors) != 1 {
		t.Fatalf("errors: %+v, want one", resp.Errors)
	}
	if got := resp.Errors[0].Extensions["code"]; got != "UPSTREAM_UNAVAILABLE" {
		t.Errorf("extensions.code = %v, want UPSTREAM_UNAVAILABLE", got)
	}
	if !cmp.Equal(resp.Errors[0].Path, []any{"users"}) {
		t.Errorf("error path %v, want [users]", resp.Errors[0].Path)
	}
	var data struct {
		Users   *struct{ TotalCount int } `json:"users"`
		Inboxes *struct{ TotalCount int } `json:"inboxes"`
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Users != nil || data.Inboxes == nil || data.Inboxes.TotalCount != 5 {
		t.Errorf("partial data: users %+v, inboxes %+v; want null and 5 inboxes", data.Users, data.Inboxes)
	}
}
