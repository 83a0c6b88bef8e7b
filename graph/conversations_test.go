package graph_test

import (
	"crypto/sha256"
	"encoding/base64"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// The demo fixture's facts the conversation tests check against (gladlytest/seed_demo_work.go).
const (
	adaMobile = "+442079460018"
	adaName   = "Ada Lovelace"
)

// demoFixtureID is gladlytest's fixture id of a named fixture object, for the few demo objects
// it does not export (items outside any conversation cannot be listed, only fetched by id).
func demoFixtureID(t *testing.T, name string) string {
	t.Helper()
	id := func(n string) string {
		sum := sha256.Sum256([]byte("gladlytest/" + n))
		return base64.RawURLEncoding.EncodeToString(sum[:16])
	}
	if id("customer/mary-somerville") != gladlytest.DemoCustomerIDOf("Mary Somerville") {
		t.Fatal("gladlytest's fixture ids changed: update demoFixtureID")
	}
	return id(name)
}

func names(c *namedConn) []string {
	if c == nil {
		return nil
	}
	out := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		out[i] = n.Name
	}
	return out
}

const conversationQuery = `query($id: ID!) { conversation(id: $id) {
	id status createdAt closedAt
	contact { id name }
	assignee { inbox { name } user { name } }
	inbox { id name }
	topics { totalCount nodes { id name } }
	customAttributes { id value attribute { key label } }
	remoteData
} }`

type conversationOut struct {
	ID        string     `json:"id"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"createdAt"`
	ClosedAt  *time.Time `json:"closedAt"`
	Contact   *namedNode `json:"contact"`
	Assignee  struct {
		Inbox *namedNode `json:"inbox"`
		User  *namedNode `json:"user"`
	} `json:"assignee"`
	Inbox            *namedNode `json:"inbox"`
	Topics           *namedConn `json:"topics"`
	CustomAttributes []struct {
		ID        string `json:"id"`
		Value     string `json:"value"`
		Attribute *struct {
			Key   string `json:"key"`
			Label string `json:"label"`
		} `json:"attribute"`
	} `json:"customAttributes"`
	RemoteData map[string]any `json:"remoteData"`
}

func TestConversation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct{ Conversation *conversationOut }
	vars := map[string]any{"id": gladlytest.DemoOpenConversationID}
	e.query(t, conversationQuery, vars, &out)
	c := out.Conversation
	if c == nil {
		t.Fatal("open conversation is null")
	}
	if c.ID != gladlytest.DemoOpenConversationID || c.Status != "OPEN" || c.ClosedAt != nil || c.CreatedAt.IsZero() {
		t.Errorf("conversation: %+v", c)
	}
	if c.Contact == nil || c.Contact.ID != gladlytest.DemoCustomerID || c.Contact.Name != adaName {
		t.Errorf("contact: %+v", c.Contact)
	}
	if c.Assignee.Inbox == nil || c.Assignee.Inbox.Name != "Chat" || c.Assignee.User == nil || c.Assignee.User.Name != "Amy Agent" {
		t.Errorf("assignee: %+v", c.Assignee)
	}
	if c.Inbox == nil || c.Inbox.ID != gladlytest.DemoInboxID("Chat") || c.Inbox.Name != "Chat" {
		t.Errorf("inbox: %+v", c.Inbox)
	}
	if diff := cmp.Diff([]string{"Order Status", "Damaged Item"}, names(c.Topics)); diff != "" || c.Topics.TotalCount != 2 {
		t.Errorf("topics (-want +got):\n%s", diff)
	}
	type attr struct{ ID, Value, Key, Label string }
	var attrs []attr
	for _, a := range c.CustomAttributes {
		got := attr{ID: a.ID, Value: a.Value}
		if a.Attribute != nil {
			got.Key, got.Label = a.Attribute.Key, a.Attribute.Label
		}
		attrs = append(attrs, got)
	}
	order, carrier := gladlytest.DemoCustomAttributeID("orderId"), gladlytest.DemoCustomAttributeID("carrier")
	if diff := cmp.Diff([]attr{
		{order, "ORD-1815-0042", "orderId", "Order ID"},
		{order, "ORD-1815-0043", "orderId", "Order ID"},
		{carrier, "Royal Mail", "carrier", "Carrier"},
	}, attrs); diff != "" {
		t.Errorf("custom attributes (-want +got):\n%s", diff)
	}
	if c.RemoteData["id"] != gladlytest.DemoOpenConversationID || c.RemoteData["customerId"] != gladlytest.DemoCustomerID {
		t.Errorf("remoteData: %v", c.RemoteData)
	}
	// Directory objects come from their org-wide lists; the attribute read twice is fetched once.
	wantCalls(t, e, map[string]int{
		"getConversation": 1, "getCustomer": 1, "getInboxes": 1, "getAgents": 1, "getTopics": 1, "getCustomAttribute": 2,
	})

	e.fake.ResetStats()
	e.query(t, conversationQuery, vars, &out)
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("warm request made %d Gladly calls, want 0: %v", n, e.fake.CallsByOp())
	}
}

func TestConversationStatuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		id, status, inbox, agent string
		closed                   bool
	}{
		{gladlytest.DemoWaitingConversationID, "WAITING", "Email", "Blaise Pascal", false},
		{gladlytest.DemoClosedConversationID, "CLOSED", "Phone", "Emmy Noether", true},
	} {
		var out struct{ Conversation *conversationOut }
		e.query(t, conversationQuery, map[string]any{"id": tc.id}, &out)
		c := out.Conversation
		if c == nil || c.Status != tc.status || (c.ClosedAt != nil) != tc.closed {
			t.Errorf("%s: %+v", tc.status, c)
			continue
		}
		if c.Inbox == nil || c.Inbox.Name != tc.inbox || c.Assignee.User == nil || c.Assignee.User.Name != tc.agent {
			t.Errorf("%s: inbox %+v, assignee %+v", tc.status, c.Inbox, c.Assignee)
		}
		if tc.closed && !c.ClosedAt.After(c.CreatedAt) {
			t.Errorf("closedAt %v not after createdAt %v", c.ClosedAt, c.CreatedAt)
		}
	}
}

func TestConversationMissing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp := e.do(t, `{ conversation(id: "no-such-conversation") { id }
		conversationItem(id: "no-such-item") { id }
		conversationNote(conversationId: "no-such-conversation", id: "no-such-note") { id }
		conversations(contactId: "no-such-contact") { totalCount } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	want := `{"conversation":null,"conversationItem":null,"conversationNote":null,"conversations":null}`
	if string(resp.Data) != want {
		t.Errorf("data %s, want %s", resp.Data, want)
	}
}

const conversationsQuery = `query($c: ID!, $status: ConversationStatus, $first: Int, $after: String) {
	conversations(contactId: $c, status: $status, first: $first, after: $after) {
		totalCount truncated
		pageInfo { hasNextPage hasPreviousPage endCursor }
		edges { cursor node { id status topics { nodes { name } } } }
	} }`

type conversationsOut struct {
	Conversations *struct {
		TotalCount int  `json:"totalCount"`
		Truncated  bool `json:"truncated"`
		PageInfo   struct {
			HasNextPage     bool   `json:"hasNextPage"`
			HasPreviousPage bool   `json:"hasPreviousPage"`
			EndCursor       string `json:"endCursor"`
		} `json:"pageInfo"`
		Edges []struct {
			Cursor string `json:"cursor"`
			Node   struct {
				ID     string     `json:"id"`
				Status string     `json:"status"`
				Topics *namedConn `json:"topics"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"conversations"`
}

func (o conversationsOut) ids() []string {
	var out []string
	for _, e := range o.Conversations.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

func TestConversations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ada := gladlytest.DemoCustomerID
	closed, waiting, open := gladlytest.DemoClosedConversationID, gladlytest.DemoWaitingConversationID, gladlytest.DemoOpenConversationID

	var all conversationsOut
	e.query(t, conversationsQuery, map[string]any{"c": ada}, &all)
	if diff := cmp.Diff([]string{closed, waiting, open}, all.ids()); diff != "" {
		t.Fatalf("Ada's conversations, oldest first (-want +got):\n%s", diff)
	}
	if c := all.Conversations; c.TotalCount != 3 || c.Truncated || c.PageInfo.HasNextPage {
		t.Errorf("connection: %+v", c)
	}
	var topics [][]string
	for _, edge := range all.Conversations.Edges {
		topics = append(topics, names(edge.Node.Topics))
	}
	if diff := cmp.Diff([][]string{{"Invoice"}, {"Refund"}, {"Order Status", "Damaged Item"}}, topics); diff != "" {
		t.Errorf("topics (-want +got):\n%s", diff)
	}
	// One list call, and one topic list for every conversation's topics.
	wantCalls(t, e, map[string]int{"getConversations": 1, "getTopics": 1})

	for status, want := range map[string][]string{"OPEN": {open}, "WAITING": {waiting}, "CLOSED": {closed}} {
		var out conversationsOut
		e.query(t, conversationsQuery, map[string]any{"c": ada, "status": status}, &out)
		if diff := cmp.Diff(want, out.ids()); diff != "" || out.Conversations.TotalCount != 1 {
			t.Errorf("status %s (-want +got):\n%s", status, diff)
		}
	}

	var page1, page2 conversationsOut
	e.query(t, conversationsQuery, map[string]any{"c": ada, "first": 2}, &page1)
	if diff := cmp.Diff([]string{closed, waiting}, page1.ids()); diff != "" || !page1.Conversations.PageInfo.HasNextPage {
		t.Errorf("first page (-want +got):\n%s", diff)
	}
	e.query(t, conversationsQuery, map[string]any{"c": ada, "first": 2, "after": page1.Conversations.PageInfo.EndCursor}, &page2)
	if diff := cmp.Diff([]string{open}, page2.ids()); diff != "" || page2.Conversations.PageInfo.HasNextPage || !page2.Conversations.PageInfo.HasPreviousPage {
		t.Errorf("second page (-want +got):\n%s", diff)
	}
	if n := e.fake.Calls("getConversations"); n != 1 {
		t.Errorf("getConversations called %d times over five requests, want 1 (cached)", n)
	}

	// The listed conversations answer their items' conversation without reading them again.
	e.fake.ResetStats()
	var nested struct {
		Conversations struct {
			Nodes []struct {
				ID    string `json:"id"`
				Items struct {
					Nodes []struct {
						Conversation *struct{ ID string } `json:"conversation"`
					} `json:"nodes"`
				} `json:"items"`
			} `json:"nodes"`
		} `json:"conversations"`
	}
	e.query(t, `query($c: ID!) { conversations(contactId: $c) { nodes { id items(first: 1) { nodes { conversation { id } } } } } }`,
		map[string]any{"c": ada}, &nested)
	for _, c := range nested.Conversations.Nodes {
		if len(c.Items.Nodes) != 1 || c.Items.Nodes[0].Conversation == nil || c.Items.Nodes[0].Conversation.ID != c.ID {
			t.Errorf("conversation %s: first item's conversation %+v", c.ID, c.Items.Nodes)
		}
	}
	wantCalls(t, e, map[string]int{"getConversationItems": 3})

	resp := e.do(t, `{ conversations(contactId: "`+ada+`", after: "not-a-cursor") { totalCount } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("malformed cursor: %+v", resp.Errors)
	}
}

// TestConversationsTruncated: Gladly lists at most 100 conversations of a contact and says so.
func TestConversationsTruncated(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withFake(gladlytest.WithSize(gladlytest.Size{Customers: 1, ConversationsPerCustomer: 101, ItemsPerConversation: 1})))
	var generated string
	for _, id := range e.fake.CustomerIDs() {
		if isDemoCustomer(id) {
			continue
		}
		generated = id
	}
	if generated == "" {
		t.Fatal("no generated customer")
	}
	var out conversationsOut
	e.query(t, conversationsQuery, map[string]any{"c": generated, "first": 1}, &out)
	if c := out.Conversations; c.TotalCount != 100 || !c.Truncated || len(c.Edges) != 1 || !c.PageInfo.HasNextPage {
		t.Errorf("capped list: totalCount %d truncated %v edges %d", c.TotalCount, c.Truncated, len(c.Edges))
	}
}

func isDemoCustomer(id string) bool {
	if id == gladlytest.DemoCustomerID {
		return true
	}
	for _, n := range []string{"Charles Babbage", "Mary Somerville", "Grace Hopper"} {
		if id == gladlytest.DemoCustomerIDOf(n) {
			return true
		}
	}
	return false
}
