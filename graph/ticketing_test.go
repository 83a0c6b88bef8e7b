package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// The ticketing domain's queries and fields, on the demo fixture: Ada Lovelace has three tickets
// (two OPEN, one CLOSED) with comments, and three conversations (OPEN, WAITING, CLOSED).

type ticketNode struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Status      string  `json:"status"`
	DueAt       *string `json:"dueAt"`
	CreatedAt   string  `json:"createdAt"`
	Contact     *struct {
		ID string `json:"id"`
	} `json:"contact"`
	Assignee *struct {
		Inbox *struct{ Name string } `json:"inbox"`
		User  *struct{ Name string } `json:"user"`
	} `json:"assignee"`
	Assignees *struct {
		TotalCount int `json:"totalCount"`
		Nodes      []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"nodes"`
	} `json:"assignees"`
	Creator *struct {
		Type string                 `json:"type"`
		User *struct{ Name string } `json:"user"`
	} `json:"creator"`
	Comments *struct {
		TotalCount int           `json:"totalCount"`
		Truncated  bool          `json:"truncated"`
		Nodes      []commentNode `json:"nodes"`
	} `json:"comments"`
	RemoteData json.RawMessage `json:"remoteData"`
}

type commentNode struct {
	ID        string                 `json:"id"`
	Body      string                 `json:"body"`
	CreatedAt string                 `json:"createdAt"`
	Author    *struct{ Name string } `json:"author"`
	Ticket    *struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"ticket"`
}

type ticketConn struct {
	TotalCount int          `json:"totalCount"`
	Truncated  bool         `json:"truncated"`
	Nodes      []ticketNode `json:"nodes"`
	Edges      []struct {
		Cursor string `json:"cursor"`
	} `json:"edges"`
	PageInfo struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
}

func ticketIDs(c *ticketConn) []string {
	if c == nil {
		return nil
	}
	out := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		out[i] = n.ID
	}
	return out
}

// customer360Tickets is the tickets half of the README's customer-360 query.
const customer360Tickets = `query($id: ID!) { contact(id: $id) {
	id name email
	tickets { totalCount truncated nodes {
		id name description status dueAt createdAt
		contact { id }
		assignee { inbox { name } user { name } }
		assignees { totalCount nodes { id name } }
		creator { type user { name } }
		comments { totalCount truncated nodes { id body createdAt author { name } } }
		remoteData
	} }
} }`

// TestContactTicketsWithAssigneesAndComments: Ada's tickets, newest first, each with its assignee,
// assignees, creator and comments (oldest first) with authors, for one list call, one agents
// call, one inboxes call and one comments call per ticket; the same request again is free.
func TestContactTicketsWithAssigneesAndComments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		Contact struct {
			ID, Name, Email string
			Tickets         ticketConn `json:"tickets"`
		} `json:"contact"`
	}
	vars := map[string]any{"id": gladlytest.DemoCustomerID}
	e.query(t, customer360Tickets, vars, &out)

	c := out.Contact
	if c.ID != gladlytest.DemoCustomerID || c.Name != "Ada Lovelace" || c.Email != gladlytest.DemoCustomerEmail {
		t.Errorf("contact: %+v", c)
	}
	want := []string{gladlytest.DemoOpenTaskID, gladlytest.DemoFollowUpTaskID, gladlytest.DemoClosedTaskID}
	if diff := cmp.Diff(want, ticketIDs(&c.Tickets)); diff != "" {
		t.Fatalf("tickets, newest first (-want +got):\n%s", diff)
	}
	if c.Tickets.TotalCount != 3 || c.Tickets.Truncated {
		t.Errorf("totalCount %d truncated %v, want 3 false", c.Tickets.TotalCount, c.Tickets.Truncated)
	}
	open := c.Tickets.Nodes[0]
	if open.Name != "Ship a replacement gear wheel for order ORD-1815-0042 and send Ada the tracking number." {
		t.Errorf("name %q: want the description's plain first line", open.Name)
	}
	if open.Description != "<p>Ship a replacement gear wheel for order <strong>ORD-1815-0042</strong> and send Ada the tracking number.</p>" {
		t.Errorf("description %q", open.Description)
	}
	if open.Status != "OPEN" || open.DueAt == nil || open.CreatedAt == "" || open.Contact == nil || open.Contact.ID != gladlytest.DemoCustomerID {
		t.Errorf("open ticket: %+v", open)
	}
	if open.Assignee == nil || open.Assignee.Inbox == nil || open.Assignee.Inbox.Name != "Email" || open.Assignee.User == nil || open.Assignee.User.Name != "Emmy Noether" {
		t.Errorf("assignee: %+v", open.Assignee)
	}
	if open.Assignees == nil || open.Assignees.TotalCount != 1 || open.Assignees.Nodes[0].Name != "Emmy Noether" ||
		open.Assignees.Nodes[0].ID != gladlytest.DemoAgentID("Emmy Noether") {
		t.Errorf("assignees: %+v", open.Assignees)
	}
	if open.Creator == nil || open.Creator.Type != "AGENT" || open.Creator.User == nil || open.Creator.User.Name != "Amy Agent" {
		t.Errorf("creator: %+v", open.Creator)
	}
	var comments []string
	for _, cm := range open.Comments.Nodes {
		comments = append(comments, cm.Author.Name+": "+cm.Body)
	}
	wantComments := []string{"Amy Agent: Warehouse confirmed one gear wheel in stock.", "Emmy Noether: Packed; the courier collects at 3pm."}
	if diff := cmp.Diff(wantComments, comments); diff != "" {
		t.Errorf("comments, oldest first (-want +got):\n%s", diff)
	}
	if open.Comments.TotalCount != 2 || open.Comments.Truncated {
		t.Errorf("comments: totalCount %d truncated %v", open.Comments.TotalCount, open.Comments.Truncated)
	}
	var remote struct{ ID, CustomerID, Status string }
	if err := json.Unmarshal(open.RemoteData, &remote); err != nil || remote.ID != open.ID || remote.CustomerID != gladlytest.DemoCustomerID || remote.Status != "OPEN" {
		t.Errorf("remoteData %s: want Gladly's task", open.RemoteData)
	}
	if closed := c.Tickets.Nodes[2]; closed.Status != "CLOSED" || closed.Comments.TotalCount != 2 {
		t.Errorf("closed ticket: %+v", closed)
	}

	for op, want := range map[string]int{"getCustomer": 1, "getTasks": 1, "getAgents": 1, "getInboxes": 1, "getTaskComments": 3, "getAgent": 0, "getTask": 0, "getInbox": 0} {
		if got := e.fake.Calls(op); got != want {
			t.Errorf("cold: %s called %d times, want %d", op, got, want)
		}
	}
	before := e.fake.TotalCalls()
	var again struct{ Contact json.RawMessage }
	e.query(t, customer360Tickets, vars, &again)
	if got := e.fake.TotalCalls() - before; got != 0 {
		t.Errorf("warm: %d Gladly calls, want 0 (%v)", got, e.fake.CallsByOp())
	}
}

// TestTicketsQuery: tickets(contactId) with and without a status (filtered from one list),
// pagination, and null for a contact that does not exist.
func TestTicketsQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		All     ticketConn  `json:"all"`
		Open    ticketConn  `json:"open"`
		Closed  ticketConn  `json:"closed"`
		Page    ticketConn  `json:"page"`
		Missing *ticketConn `json:"missing"`
	}
	e.query(t, `query($id: ID!) {
		all: tickets(contactId: $id) { totalCount nodes { id } }
		open: tickets(contactId: $id, status: OPEN) { totalCount truncated nodes { id status } }
		closed: tickets(contactId: $id, status: CLOSED) { totalCount nodes { id status } }
		page: tickets(contactId: $id, first: 1) { totalCount nodes { id } edges { cursor } pageInfo { hasNextPage hasPreviousPage endCursor } }
		missing: tickets(contactId: "no-such-contact") { totalCount }
	}`, map[string]any{"id": gladlytest.DemoCustomerID}, &out)
	if diff := cmp.Diff([]string{gladlytest.DemoOpenTaskID, gladlytest.DemoFollowUpTaskID}, ticketIDs(&out.Open)); diff != "" {
		t.Errorf("OPEN tickets (-want +got):\n%s", diff)
	}
	if out.Open.TotalCount != 2 || out.Open.Truncated {
		t.Errorf("OPEN: totalCount %d truncated %v, want 2 false", out.Open.TotalCount, out.Open.Truncated)
	}
	if diff := cmp.Diff([]string{gladlytest.DemoClosedTaskID}, ticketIDs(&out.Closed)); diff != "" {
		t.Errorf("CLOSED tickets (-want +got):\n%s", diff)
	}
	if out.All.TotalCount != 3 || out.Page.TotalCount != 3 || len(out.Page.Nodes) != 1 || out.Page.Nodes[0].ID != gladlytest.DemoOpenTaskID ||
		!out.Page.PageInfo.HasNextPage || out.Page.PageInfo.HasPreviousPage {
		t.Errorf("first page: %+v", out.Page)
	}
	if out.Missing != nil {
		t.Errorf("tickets of a missing contact: %+v, want null", out.Missing)
	}
	if got := e.fake.Calls("getTasks"); got != 2 { // Ada's list once, and the missing contact's 404
		t.Errorf("getTasks called %d times, want 2 (one per contact)", got)
	}

	var next struct{ Tickets ticketConn }
	e.query(t, `query($id: ID!, $after: String) { tickets(contactId: $id, after: $after) { nodes { id } pageInfo { hasPreviousPage } } }`,
		map[string]any{"id": gladlytest.DemoCustomerID, "after": *out.Page.PageInfo.EndCursor}, &next)
	if diff := cmp.Diff([]string{gladlytest.DemoFollowUpTaskID, gladlytest.DemoClosedTaskID}, ticketIDs(&next.Tickets)); diff != "" || !next.Tickets.PageInfo.HasPreviousPage {
		t.Errorf("page after the first (-want +got):\n%s", diff)
	}
}

// TestContactTicketsAndConversationsByStatus: Contact.tickets and Contact.conversations filter
// one cached list per contact, whatever statuses a query asks for.
func TestContactTicketsAndConversationsByStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	type convConn struct {
		TotalCount int  `json:"totalCount"`
		Truncated  bool `json:"truncated"`
		Nodes      []struct {
			ID, Status string
		} `json:"nodes"`
	}
	var out struct {
		Contact struct {
			Open, Closed         ticketConn
			AllConv, OpenConv    convConn
			WaitingConv, Closed2 convConn
			LastConv             convConn
		}
	}
	e.query(t, `query($id: ID!) { contact(id: $id) {
		open: tickets(status: OPEN) { totalCount nodes { id status } }
		closed: tickets(status: CLOSED) { totalCount nodes { id status } }
		allConv: conversations { totalCount truncated nodes { id status } }
		openConv: conversations(status: OPEN) { totalCount nodes { id status } }
		waitingConv: conversations(status: WAITING) { totalCount nodes { id status } }
		closed2: conversations(status: CLOSED) { totalCount nodes { id status } }
		lastConv: conversations(last: 1) { totalCount nodes { id status } }
	} }`, map[string]any{"id": gladlytest.DemoCustomerID}, &out)
	c := out.Contact
	if diff := cmp.Diff([]string{gladlytest.DemoOpenTaskID, gladlytest.DemoFollowUpTaskID}, ticketIDs(&c.Open)); diff != "" {
		t.Errorf("OPEN tickets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{gladlytest.DemoClosedTaskID}, ticketIDs(&c.Closed)); diff != "" {
		t.Errorf("CLOSED tickets (-want +got):\n%s", diff)
	}
	ids := func(cc convConn) []string {
		var out []string
		for _, n := range cc.Nodes {
			out = append(out, n.ID+" "+n.Status)
		}
		return out
	}
	// Oldest first: closed (60 days ago), waiting (10 days), open (2 days).
	wantAll := []string{gladlytest.DemoClosedConversationID + " CLOSED", gladlytest.DemoWaitingConversationID + " WAITING", gladlytest.DemoOpenConversationID + " OPEN"}
	if diff := cmp.Diff(wantAll, ids(c.AllConv)); diff != "" || c.AllConv.TotalCount != 3 || c.AllConv.Truncated {
		t.Errorf("conversations (-want +got):\n%s", diff)
	}
	for name, got := range map[string]convConn{"OPEN": c.OpenConv, "WAITING": c.WaitingConv, "CLOSED": c.Closed2} {
		if got.TotalCount != 1 || len(got.Nodes) != 1 || got.Nodes[0].Status != name {
			t.Errorf("conversations(status: %s): %+v", name, got)
		}
	}
	if c.LastConv.TotalCount != 3 || len(c.LastConv.Nodes) != 1 || c.LastConv.Nodes[0].ID != gladlytest.DemoOpenConversationID {
		t.Errorf("conversations(last: 1): %+v", c.LastConv)
	}
	assertCalls(t, e, map[string]int{"getCustomer": 1, "getTasks": 1, "getConversations": 1})
}

// TestTicketAndCommentQueries: ticket(id) and comment(ticketId, id) with their joins, and null for
// what does not exist.
func TestTicketAndCommentQueries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var first struct {
		Ticket ticketNode
	}
	e.query(t, `query($id: ID!) { ticket(id: $id) { id status contact { id } comments { nodes { id } } } }`,
		map[string]any{"id": gladlytest.DemoClosedTaskID}, &first)
	if first.Ticket.ID != gladlytest.DemoClosedTaskID || first.Ticket.Status != "CLOSED" || first.Ticket.Contact.ID != gladlytest.DemoCustomerID ||
		len(first.Ticket.Comments.Nodes) != 2 {
		t.Fatalf("ticket: %+v", first.Ticket)
	}
	commentID := first.Ticket.Comments.Nodes[1].ID

	var out struct {
		Comment        *commentNode `json:"comment"`
		WrongTicket    *commentNode `json:"wrongTicket"`
		MissingComment *commentNode `json:"missingComment"`
		MissingTicket  *ticketNode  `json:"missingTicket"`
	}
	e.query(t, `query($t: ID!, $c: ID!, $other: ID!) {
		comment(ticketId: $t, id: $c) { id body createdAt author { name } ticket { id status } }
		wrongTicket: comment(ticketId: $other, id: $c) { id }
		missingComment: comment(ticketId: $t, id: "no-such-comment") { id }
		missingTicket: ticket(id: "no-such-ticket") { id }
	}`, map[string]any{"t": gladlytest.DemoClosedTaskID, "c": commentID, "other": gladlytest.DemoOpenTaskID}, &out)
	want := &commentNode{ID: commentID, Body: "Invoice re-sent; Ada confirmed by phone.", Author: &struct{ Name string }{"Amy Agent"},
		Ticket: &struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}{gladlytest.DemoClosedTaskID, "CLOSED"}}
	if out.Comment == nil || out.Comment.CreatedAt == "" {
		t.Fatalf("comment: %+v", out.Comment)
	}
	want.CreatedAt = out.Comment.CreatedAt
	if diff := cmp.Diff(want, out.Comment); diff != "" {
		t.Errorf("comment (-want +got):\n%s", diff)
	}
	if out.WrongTicket != nil || out.MissingComment != nil || out.MissingTicket != nil {
		t.Errorf("missing objects: %+v %+v %+v, want null", out.WrongTicket, out.MissingComment, out.MissingTicket)
	}
}

// TestContactQueries: contact(id) with every field, a merged id answered by the surviving
// profile, and null for an unknown id.
func TestContactQueries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	charles, mary := gladlytest.DemoCustomerIDOf("Charles Babbage"), gladlytest.DemoCustomerIDOf("Mary Somerville")
	if err := e.fake.MergeCustomers(charles, mary); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Ada     map[string]any `json:"ada"`
		Merged  map[string]any `json:"merged"`
		Missing map[string]any `json:"missing"`
	}
	e.query(t, `query($ada: ID!, $merged: ID!) {
		ada: contact(id: $ada) { id name email emails { address normalized primary } phones { number normalized type extension regionCode primary smsPreference }
			address image externalCustomerId externalCustomerIds { key value } customAttributes createdAt updatedAt }
		merged: contact(id: $merged) { id name }
		missing: contact(id: "no-such-contact") { id }
	}`, map[string]any{"ada": gladlytest.DemoCustomerID, "merged": charles}, &out)
	want := map[string]any{
		"id": gladlytest.DemoCustomerID, "name": "Ada Lovelace", "email": "ada@example.com",
		"emails": []any{
			map[string]any{"address": "ada@example.com", "normalized": "ada@example.com", "primary": true},
			map[string]any{"address": "countess@lovelace.example", "normalized": "countess@lovelace.example", "primary": false},
		},
		"phones": []any{
			map[string]any{"number": "+442079460018", "normalized": "+442079460018", "type": "MOBILE", "extension": nil, "regionCode": "GB", "primary": true, "smsPreference": "ON"},
			map[string]any{"number": "+442079460019", "normalized": "+442079460019", "type": "HOME", "extension": nil, "regionCode": "GB", "primary": false, "smsPreference": nil},
		},
		"address": "12 St James's Square, London SW1Y 4JH", "image": "https://images.example.com/avatars/ada-lovelace.png",
		"externalCustomerId": nil, "externalCustomerIds": []any{map[string]any{"key": "shop", "value": "AL-1815"}},
		"customAttributes": map[string]any{"membershipTier": "gold", "membershipNumber": "AL-1815"},
	}
	got := out.Ada
	if got["createdAt"] == nil || got["updatedAt"] == nil {
		t.Errorf("createdAt/updatedAt missing: %v", got)
	}
	delete(got, "createdAt")
	delete(got, "updatedAt")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("contact (-want +got):\n%s", diff)
	}
	if out.Merged["id"] != mary || out.Merged["name"] != "Mary Somerville" {
		t.Errorf("merged id resolved to %v, want Mary's profile", out.Merged)
	}
	// Charles's ticket moved to Mary with the merge; his id still reaches it.
	var tickets struct {
		ByMerged, ByMary *ticketConn
	}
	e.query(t, `query($merged: ID!, $mary: ID!) { byMerged: tickets(contactId: $merged) { nodes { id contact { id } } } byMary: tickets(contactId: $mary) { nodes { id } } }`,
		map[string]any{"merged": charles, "mary": mary}, &tickets)
	if tickets.ByMerged == nil || len(tickets.ByMerged.Nodes) != 1 || tickets.ByMerged.Nodes[0].Contact.ID != mary ||
		!cmp.Equal(ticketIDs(tickets.ByMerged), ticketIDs(tickets.ByMary)) {
		t.Errorf("tickets of a merged id: %+v, want Mary's %+v", tickets.ByMerged, tickets.ByMary)
	}
	if out.Missing != nil {
		t.Errorf("unknown contact: %v, want null", out.Missing)
	}
}

// TestContactsLookup: contacts() by email (any case), phone and external id, empty when nothing
// matches, and BAD_USER_INPUT without a Gladly call when the identifiers are wrong.
func TestContactsLookup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var created struct {
		CreateContact struct {
			Contact    struct{ ID string }
			UserErrors []userError
		}
	}
	e.query(t, `mutation { createContact(input: {name: "Ext Ernal", externalCustomerId: "legacy-42"}) { contact { id } userErrors { field code message } } }`, nil, &created)
	if len(created.CreateContact.UserErrors) > 0 {
		t.Fatalf("createContact: %+v", created.CreateContact.UserErrors)
	}

	type conn struct {
		TotalCount int
		Truncated  bool
		Nodes      []struct{ ID, Name string }
	}
	var out struct {
		ByEmail, ByPhone, ByExternal, Nobody conn
	}
	e.query(t, `{
		byEmail: contacts(email: " ADA@example.com ") { totalCount truncated nodes { id name } }
		byPhone: contacts(phone: "+442079460018") { totalCount nodes { id name } }
		byExternal: contacts(externalCustomerId: "legacy-42") { totalCount nodes { id name } }
		nobody: contacts(email: "nobody@example.com") { totalCount nodes { id } }
	}`, nil, &out)
	if out.ByEmail.TotalCount != 1 || out.ByEmail.Nodes[0].ID != gladlytest.DemoCustomerID || out.ByEmail.Truncated {
		t.Errorf("by email: %+v", out.ByEmail)
	}
	if out.ByPhone.TotalCount != 1 || out.ByPhone.Nodes[0].ID != gladlytest.DemoCustomerID {
		t.Errorf("by phone: %+v", out.ByPhone)
	}
	if out.ByExternal.TotalCount != 1 || out.ByExternal.Nodes[0].ID != created.CreateContact.Contact.ID {
		t.Errorf("by external id: %+v", out.ByExternal)
	}
	if out.Nobody.TotalCount != 0 || out.Nobody.Nodes == nil {
		t.Errorf("no match: %+v, want an empty connection", out.Nobody)
	}
	if got := e.fake.Calls("findCustomers"); got != 4 {
		t.Errorf("findCustomers called %d times, want 4", got)
	}

	for name, q := range map[string]string{
		"none":       `{ contacts { totalCount } }`,
		"two":        `{ contacts(email: "ada@example.com", phone: "+442079460018") { totalCount } }`,
		"blank":      `{ contacts(email: " ") { totalCount } }`,
		"bad phone":  `{ contacts(phone: "020 7946 0018") { totalCount } }`,
		"bad email":  `{ contacts(email: "not an address") { totalCount } }`,
		"bad cursor": `{ contacts(email: "ada@example.com", after: "nope") { totalCount } }`,
	} {
		t.Run(name, func(t *testing.T) {
			before := e.fake.TotalCalls()
			resp := e.do(t, q, nil)
			if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
				t.Errorf("errors %+v, want one BAD_USER_INPUT", resp.Errors)
			}
			if name != "bad cursor" && e.fake.TotalCalls() != before {
				t.Errorf("%d Gladly calls for refused arguments, want 0", e.fake.TotalCalls()-before)
			}
		})
	}
}

// TestTicketAssigneesOfManyTicketsOneAgentsCall: fifty tickets' assignees come from one agents
// list, with no per-agent call.
func TestTicketAssigneesOfManyTicketsOneAgentsCall(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withFake(gladlytest.WithSize(gladlytest.Size{Customers: 1, ConversationsPerCustomer: 1, ItemsPerConversation: 1, TasksPerCustomer: 50})))
	ids := e.fake.CustomerIDs()
	generated := ids[len(ids)-1]
	var out struct {
		Tickets struct {
			TotalCount int
			Nodes      []struct {
				Assignees struct{ Nodes []struct{ Name string } }
				Assignee  struct{ User *struct{ Name string } }
			}
		}
	}
	e.query(t, `query($id: ID!) { tickets(contactId: $id) { totalCount nodes { assignees { nodes { name } } assignee { user { name } } } } }`,
		map[string]any{"id": generated}, &out)
	if out.Tickets.TotalCount != 50 || len(out.Tickets.Nodes) != 50 {
		t.Fatalf("%d tickets, want 50", out.Tickets.TotalCount)
	}
	for i, n := range out.Tickets.Nodes {
		if len(n.Assignees.Nodes) != 1 || n.Assignee.User == nil || n.Assignees.Nodes[0].Name != n.Assignee.User.Name {
			t.Errorf("ticket %d: assignees %+v, assignee %+v", i, n.Assignees, n.Assignee)
		}
	}
	assertCalls(t, e, map[string]int{"getTasks": 1, "getAgents": 1, "getAgent": 0})
}

// TestTicketsOfCappedListByStatus: when Gladly capped a contact's task list, a status filter asks
// Gladly's own filter (older tickets of that status lie beyond the cap), and says truncated.
func TestTicketsOfCappedListByStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withFake(gladlytest.WithSize(gladlytest.Size{Customers: 1, ConversationsPerCustomer: 1, ItemsPerConversation: 1, TasksPerCustomer: 2100})))
	ids := e.fake.CustomerIDs()
	var out struct {
		Contact struct {
			All struct {
				TotalCount int
				Truncated  bool
			}
			Open struct {
				TotalCount int
				Truncated  bool
				Nodes      []struct{ Status string }
			}
		}
	}
	e.query(t, `query($id: ID!) { contact(id: $id) {
		all: tickets { totalCount truncated }
		open: tickets(status: OPEN) { totalCount truncated nodes { status } }
	} }`, map[string]any{"id": ids[len(ids)-1]}, &out)
	if out.Contact.All.TotalCount != 2000 || !out.Contact.All.Truncated {
		t.Errorf("all: %+v, want 2000 truncated", out.Contact.All)
	}
	if out.Contact.Open.TotalCount == 0 {
		t.Fatal("no OPEN tickets")
	}
	for _, n := range out.Contact.Open.Nodes {
		if n.Status != "OPEN" {
			t.Fatalf("status filter let a %s ticket through", n.Status)
		}
	}
	if got := e.fake.Calls("getTasks"); got != 2 {
		t.Errorf("getTasks called %d times, want 2 (the capped list, then Gladly's OPEN filter)", got)
	}
}

// TestTicketingUpstreamFailureIsPartial: a field whose Gladly call fails reports
// UPSTREAM_UNAVAILABLE at its path; the rest of the query is answered.
func TestTicketingUpstreamFailureIsPartial(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fault := gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503}
	e.fake.FailNext("getTasks", fault, fault, fault, fault) // every attempt the client makes
	resp := e.do(t, `query($id: ID!) { contact(id: $id) { name tickets { totalCount } conversations { totalCount } } }`,
		map[string]any{"id": gladlytest.DemoCustomerID})
	if len(resp.Errors) != 1 {
		t.Fatalf("errors: %+v, want one", resp.Errors)
	}
	if er := resp.Errors[0]; er.Extensions["code"] != "UPSTREAM_UNAVAILABLE" || jsonString(er.Path) != `["contact","tickets"]` {
		t.Errorf("error %+v, want UPSTREAM_UNAVAILABLE at contact.tickets", er)
	}
	var data struct {
		Contact struct {
			Name          string
			Tickets       *struct{ TotalCount int }
			Conversations *struct{ TotalCount int }
		}
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Contact.Name != "Ada Lovelace" || data.Contact.Tickets != nil || data.Contact.Conversations == nil || data.Contact.Conversations.TotalCount != 3 {
		t.Errorf("partial data: %s", resp.Data)
	}
}
