package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// The ticketing mutations: every write read back by the next request (with the in-process cache
// and with Redis), Gladly's refusals as user errors, and local refusals that send nothing.

// ticketingInBothCaches runs f against a fresh environment with the in-process cache and with Redis.
func ticketingInBothCaches(t *testing.T, f func(t *testing.T, e *env)) {
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

// mutate runs a document with one mutation field and returns its payload's fields.
func ticketingMutate(t *testing.T, e *env, doc string, vars map[string]any) map[string]json.RawMessage {
	t.Helper()
	var out map[string]map[string]json.RawMessage
	e.query(t, doc, vars, &out)
	if len(out) != 1 {
		t.Fatalf("want one mutation field, got %v", out)
	}
	for _, p := range out {
		return p
	}
	return nil
}

// ticketingPayloadErrors decodes a payload's userErrors.
func ticketingPayloadErrors(t *testing.T, p map[string]json.RawMessage) []userError {
	t.Helper()
	var errs []userError
	if err := json.Unmarshal(p["userErrors"], &errs); err != nil {
		t.Fatalf("userErrors %s: %v", p["userErrors"], err)
	}
	return errs
}

// succeeded decodes the payload's object into out after checking it has no user errors.
func ticketingSucceeded(t *testing.T, p map[string]json.RawMessage, field string, out any) {
	t.Helper()
	if errs := ticketingPayloadErrors(t, p); len(errs) != 0 {
		t.Fatalf("userErrors: %+v", errs)
	}
	if err := json.Unmarshal(p[field], out); err != nil {
		t.Fatalf("%s %s: %v", field, p[field], err)
	}
}

// contactLookupCount is how many contacts contacts(field: value) finds.
func contactLookupCount(t *testing.T, e *env, field, value string) int {
	t.Helper()
	var out struct{ Contacts struct{ TotalCount int } }
	e.query(t, `query($v: String) { contacts(`+field+`: $v) { totalCount } }`, map[string]any{"v": value}, &out)
	return out.Contacts.TotalCount
}

const contactSelection = `id name email emails { address normalized primary } phones { number normalized type smsPreference primary }
	address image externalCustomerId customAttributes`

type contactOut struct {
	ID     string
	Name   *string
	Email  *string
	Emails []struct {
		Address, Normalized string
		Primary             bool
	}
	Phones []struct {
		Number, Normalized, Type string
		SmsPreference            *string
		Primary                  bool
	}
	Address, Image, ExternalCustomerID *string
	CustomAttributes                   map[string]any
}

func TestCreateContactReadAfterWrite(t *testing.T) {
	t.Parallel()
	ticketingInBothCaches(t, func(t *testing.T, e *env) {
		// Warm the cache with what the create will change: a missing id and empty lookups.
		var missing struct{ Contact *contactOut }
		e.query(t, `{ contact(id: "new-person-1") { id } }`, nil, &missing)
		for _, l := range [][2]string{{"email", "new.person@example.com"}, {"phone", "+14155550199"}, {"phone", "+14155550198"}, {"externalCustomerId", "legacy-7"}} {
			if n := contactLookupCount(t, e, l[0], l[1]); n != 0 || missing.Contact != nil {
				t.Fatalf("before the create: %s %s finds %d", l[0], l[1], n)
			}
		}

		p := ticketingMutate(t, e, `mutation($in: CreateContactInput!) { createContact(input: $in) { contact { `+contactSelection+` } userErrors { field code message } } }`,
			map[string]any{"in": map[string]any{
				"id": "new-person-1", "name": "New Person", "address": "1 Infinite Loop", "image": "https://images.example.com/new.png",
				"externalCustomerId": "legacy-7",
				"emails":             []any{map[string]any{"address": "New Person <New.Person@Example.com>", "primary": true}},
				"phones": []any{
					map[string]any{"number": "+1 415 555 0199", "type": "MOBILE", "smsPreference": "ON", "primary": true},
					map[string]any{"number": "(415) 555-0198"}, // national: Gladly reads it in the US
				},
				"customAttributes": map[string]any{"membershipTier": "silver"},
			}})
		var c contactOut
		ticketingSucceeded(t, p, "contact", &c)
		if c.ID != "new-person-1" || *c.Name != "New Person" || *c.Email != "New.Person@Example.com" || *c.ExternalCustomerID != "legacy-7" ||
			c.CustomAttributes["membershipTier"] != "silver" || len(c.Phones) != 2 || c.Phones[1].Normalized != "+14155550198" || c.Phones[1].Type != "OTHER" {
			t.Errorf("created contact: %+v", c)
		}

		var got struct{ Contact *contactOut }
		e.query(t, `{ contact(id: "new-person-1") { `+contactSelection+` } }`, nil, &got)
		if got.Contact == nil || got.Contact.Address == nil || *got.Contact.Address != "1 Infinite Loop" {
			t.Fatalf("read after create: %+v", got.Contact)
		}
		for _, l := range [][2]string{{"email", "new.person@example.com"}, {"phone", "+14155550199"}, {"phone", "+14155550198"}, {"externalCustomerId", "legacy-7"}} {
			if n := contactLookupCount(t, e, l[0], l[1]); n != 1 {
				t.Errorf("after the create: %s %s finds %d contacts, want 1", l[0], l[1], n)
			}
		}

		// Without an id, gladgraph generates one.
		p = ticketingMutate(t, e, `mutation { createContact(input: {name: "Anon"}) { contact { id name } userErrors { field code message } } }`, nil)
		var anon contactOut
		ticketingSucceeded(t, p, "contact", &anon)
		if len(anon.ID) != 22 || *anon.Name != "Anon" {
			t.Errorf("contact without an id: %+v", anon)
		}
	})
}

func TestUpdateContactReadAfterWrite(t *testing.T) {
	t.Parallel()
	ticketingInBothCaches(t, func(t *testing.T, e *env) {
		ada := map[string]any{"id": gladlytest.DemoCustomerID}
		var before struct{ Contact contactOut }
		e.query(t, `query($id: ID!) { contact(id: $id) { `+contactSelection+` } }`, ada, &before)
		warm := map[[2]string]int{
			{"email", "ada@example.com"}: 1, {"email", "ada@lovelace.example"}: 0,
			{"phone", "+442079460018"}: 1, {"phone", "+442079460099"}: 0,
			{"externalCustomerId", "legacy-ada"}: 0,
		}
		for l, want := range warm {
			if n := contactLookupCount(t, e, l[0], l[1]); n != want {
				t.Fatalf("before the update: %s %s finds %d, want %d", l[0], l[1], n, want)
			}
		}

		update := `mutation($id: ID!, $in: UpdateContactInput!) { updateContact(id: $id, input: $in) { contact { ` + contactSelection + ` } userErrors { field code message } } }`
		p := ticketingMutate(t, e, update, map[string]any{"id": gladlytest.DemoCustomerID, "in": map[string]any{
			"name":               "Augusta Ada King",
			"externalCustomerId": "legacy-ada",
			"emails":             []any{map[string]any{"address": "ada@lovelace.example", "primary": true}},
			"phones":             []any{map[string]any{"number": "+442079460099", "type": "MOBILE", "regionCode": "gb"}},
			"customAttributes":   map[string]any{"membershipTier": "platinum"},
		}})
		var c contactOut
		ticketingSucceeded(t, p, "contact", &c)
		wantAttrs := map[string]any{"membershipTier": "platinum", "membershipNumber": "AL-1815"} // merged, as Gladly does
		if *c.Name != "Augusta Ada King" || *c.Email != "ada@lovelace.example" || len(c.Emails) != 1 || len(c.Phones) != 1 ||
			*c.Address != *before.Contact.Address || !cmp.Equal(wantAttrs, c.CustomAttributes) {
			t.Errorf("updated contact: %+v", c)
		}

		var got struct{ Contact contactOut }
		e.query(t, `query($id: ID!) { contact(id: $id) { `+contactSelection+` } }`, ada, &got)
		if diff := cmp.Diff(c, got.Contact); diff != "" {
			t.Errorf("read after update differs from the payload (-payload +read):\n%s", diff)
		}
		for l, was := range warm {
			if n := contactLookupCount(t, e, l[0], l[1]); n != 1-was {
				t.Errorf("after the update: %s %s finds %d contacts, want %d", l[0], l[1], n, 1-was)
			}
		}

		// An empty list clears the emails; a null attribute value removes the attribute.
		p = ticketingMutate(t, e, update, map[string]any{"id": gladlytest.DemoCustomerID, "in": map[string]any{
			"emails": []any{}, "customAttributes": map[string]any{"membershipNumber": nil},
		}})
		ticketingSucceeded(t, p, "contact", &c)
		got.Contact = contactOut{} // decoding into a map keeps its old keys
		e.query(t, `query($id: ID!) { contact(id: $id) { `+contactSelection+` } }`, ada, &got)
		if got.Contact.Email != nil || len(got.Contact.Emails) != 0 || !cmp.Equal(map[string]any{"membershipTier": "platinum"}, got.Contact.CustomAttributes) {
			t.Errorf("after clearing: %+v", got.Contact)
		}
		if n := contactLookupCount(t, e, "email", "ada@lovelace.example"); n != 0 {
			t.Errorf("a removed email still finds %d contacts", n)
		}
	})
}

func TestDeleteContactReadAfterWrite(t *testing.T) {
	t.Parallel()
	ticketingInBothCaches(t, func(t *testing.T, e *env) {
		charles := map[string]any{"id": gladlytest.DemoCustomerIDOf("Charles Babbage")}
		var before struct {
			Contact *struct {
				Conversations struct{ TotalCount int }
			}
			Tickets *ticketConn
		}
		read := `query($id: ID!) { contact(id: $id) { conversations { totalCount } } tickets(contactId: $id) { nodes { id } } }`
		e.query(t, read, charles, &before)
		if before.Contact == nil || before.Contact.Conversations.TotalCount != 1 || before.Tickets == nil || len(before.Tickets.Nodes) != 1 {
			t.Fatalf("Charles before the delete: %+v %+v", before.Contact, before.Tickets)
		}
		task := map[string]any{"id": before.Tickets.Nodes[0].ID}
		var ticket struct{ Ticket *ticketNode }
		e.query(t, `query($id: ID!) { ticket(id: $id) { id } }`, task, &ticket)
		if ticket.Ticket == nil || contactLookupCount(t, e, "email", "charles@example.com") != 1 || contactLookupCount(t, e, "phone", "+442079460020") != 1 {
			t.Fatal("Charles's ticket and lookups before the delete")
		}

		p := ticketingMutate(t, e, `mutation($id: ID!) { deleteContact(id: $id) { deletedId userErrors { field code message } } }`, charles)
		var deleted string
		ticketingSucceeded(t, p, "deletedId", &deleted)
		if deleted != charles["id"] {
			t.Errorf("deletedId %q", deleted)
		}

		var after struct {
			Contact *json.RawMessage
			Tickets *ticketConn
		}
		e.query(t, read, charles, &after)
		if after.Contact != nil || after.Tickets != nil {
			t.Errorf("after the delete: contact %s, tickets %+v; want null", *after.Contact, after.Tickets)
		}
		e.query(t, `query($id: ID!) { ticket(id: $id) { id } }`, task, &ticket)
		if ticket.Ticket != nil {
			t.Errorf("the deleted contact's ticket is still readable")
		}
		if contactLookupCount(t, e, "email", "charles@example.com") != 0 || contactLookupCount(t, e, "phone", "+442079460020") != 0 {
			t.Errorf("lookups still find the deleted contact")
		}
	})
}

const ticketSelection = `id name description status dueAt contact { id } assignee { inbox { name } user { name } } assignees { totalCount nodes { name } }`

func TestCreateTicketReadAfterWrite(t *testing.T) {
	t.Parallel()
	ticketingInBothCaches(t, func(t *testing.T, e *env) {
		ada := map[string]any{"id": gladlytest.DemoCustomerID}
		read := `query($id: ID!) { tickets(contactId: $id) { totalCount nodes { id } } contact(id: $id) { open: tickets(status: OPEN) { totalCount } } ticket(id: "new-ticket-1") { ` + ticketSelection + ` } }`
		type readOut struct {
			Tickets ticketConn
			Contact struct{ Open struct{ TotalCount int } }
			Ticket  *ticketNode
		}
		var before readOut
		e.query(t, read, ada, &before)
		if before.Tickets.TotalCount != 3 || before.Contact.Open.TotalCount != 2 || before.Ticket != nil {
			t.Fatalf("before the create: %+v", before)
		}

		due := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Millisecond)
		p := ticketingMutate(t, e, `mutation($in: CreateTicketInput!) { createTicket(input: $in) { ticket { `+ticketSelection+` } userErrors { field code message } } }`,
			map[string]any{"in": map[string]any{
				"id": "new-ticket-1", "contactId": gladlytest.DemoCustomerID, "description": "<p>Call Ada about the <em>engine</em></p><p>Soon.</p>",
				"dueAt": due.Format(time.RFC3339Nano), "inboxId": gladlytest.DemoInboxID("Phone"), "assigneeUserId": gladlytest.DemoAgentID("Amy Agent"),
			}})
		var tk ticketNode
		ticketingSucceeded(t, p, "ticket", &tk)
		if tk.ID != "new-ticket-1" || tk.Name != "Call Ada about the engine" || tk.Status != "OPEN" || tk.DueAt == nil ||
			tk.Contact.ID != gladlytest.DemoCustomerID || tk.Assignee.Inbox.Name != "Phone" || tk.Assignee.User.Name != "Amy Agent" ||
			tk.Assignees.TotalCount != 1 || tk.Assignees.Nodes[0].Name != "Amy Agent" {
			t.Errorf("created ticket: %+v", tk)
		}
		if d, err := time.Parse(time.RFC3339, *tk.DueAt); err != nil || !d.Equal(due) {
			t.Errorf("dueAt %s, want %s", *tk.DueAt, due)
		}

		var after readOut
		e.query(t, read, ada, &after)
		if after.Tickets.TotalCount != 4 || after.Tickets.Nodes[0].ID != "new-ticket-1" || after.Contact.Open.TotalCount != 3 || after.Ticket == nil {
			t.Errorf("after the create: %+v", after)
		}

		// No id and no agent: gladgraph generates the id; the ticket waits in the inbox.
		p = ticketingMutate(t, e, `mutation($in: CreateTicketInput!) { createTicket(input: $in) { ticket { `+ticketSelection+` } userErrors { field code message } } }`,
			map[string]any{"in": map[string]any{"contactId": gladlytest.DemoCustomerID, "description": "Plain text", "dueAt": due.Format(time.RFC3339), "inboxId": gladlytest.DemoInboxID("Email")}})
		ticketingSucceeded(t, p, "ticket", &tk)
		if len(tk.ID) != 22 || tk.Assignee.User != nil || tk.Assignees.TotalCount != 0 || tk.Name != "Plain text" {
			t.Errorf("ticket without id and agent: %+v", tk)
		}
	})
}

func TestUpdateTicketReadAfterWrite(t *testing.T) {
	t.Parallel()
	ticketingInBothCaches(t, func(t *testing.T, e *env) {
		vars := map[string]any{"id": gladlytest.DemoOpenTaskID, "contact": gladlytest.DemoCustomerID}
		read := `query($id: ID!, $contact: ID!) { ticket(id: $id) { ` + ticketSelection + ` }
			contact(id: $contact) { open: tickets(status: OPEN) { nodes { id } } closed: tickets(status: CLOSED) { nodes { id } } } }`
		type readOut struct {
			Ticket  ticketNode
			Contact struct{ Open, Closed ticketConn }
		}
		var before readOut
		e.query(t, read, vars, &before)
		if before.Ticket.Status != "OPEN" || len(before.Contact.Open.Nodes) != 2 || len(before.Contact.Closed.Nodes) != 1 {
			t.Fatalf("before the update: %+v", before)
		}

		update := `mutation($id: ID!, $in: UpdateTicketInput!) { updateTicket(id: $id, input: $in) { ticket { ` + ticketSelection + ` } userErrors { field code message } } }`
		due := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Millisecond)
		p := ticketingMutate(t, e, update, map[string]any{"id": gladlytest.DemoOpenTaskID, "in": map[string]any{
			"status": "CLOSED", "description": "Replacement shipped &amp; tracked", "dueAt": due.Format(time.RFC3339Nano),
			"assignee": map[string]any{"inboxId": gladlytest.DemoInboxID("Phone"), "userId": nil},
		}})
		var tk ticketNode
		ticketingSucceeded(t, p, "ticket", &tk)
		if tk.Status != "CLOSED" || tk.Name != "Replacement shipped & tracked" || tk.Assignee.Inbox.Name != "Phone" || tk.Assignee.User != nil || tk.Assignees.TotalCount != 0 {
			t.Errorf("updated ticket: %+v", tk)
		}
		var after readOut
		e.query(t, read, vars, &after)
		if diff := cmp.Diff(tk, after.Ticket); diff != "" {
			t.Errorf("read after update differs from the payload (-payload +read):\n%s", diff)
		}
		if len(after.Contact.Open.Nodes) != 1 || len(after.Contact.Closed.Nodes) != 2 {
			t.Errorf("after closing: OPEN %v, CLOSED %v", ticketIDs(&after.Contact.Open), ticketIDs(&after.Contact.Closed))
		}

		// Reopen and give it an agent again.
		p = ticketingMutate(t, e, update, map[string]any{"id": gladlytest.DemoOpenTaskID, "in": map[string]any{
			"status": "OPEN", "assignee": map[string]any{"inboxId": gladlytest.DemoInboxID("Phone"), "userId": gladlytest.DemoAgentID("Blaise Pascal")},
		}})
		ticketingSucceeded(t, p, "ticket", &tk)
		e.query(t, read, vars, &after)
		if after.Ticket.Status != "OPEN" || after.Ticket.Assignees.TotalCount != 1 || after.Ticket.Assignees.Nodes[0].Name != "Blaise Pascal" || len(after.Contact.Open.Nodes) != 2 {
			t.Errorf("after reopening: %+v", after)
		}

		// Nothing to change: the ticket as it is, and no write.
		writes := e.fake.Calls("updateTask")
		p = ticketingMutate(t, e, update, map[string]any{"id": gladlytest.DemoOpenTaskID, "in": map[string]any{}})
		ticketingSucceeded(t, p, "ticket", &tk)
		if tk.ID != gladlytest.DemoOpenTaskID || e.fake.Calls("updateTask") != writes {
			t.Errorf("empty update: %+v, %d writes", tk, e.fake.Calls("updateTask")-writes)
		}
	})
}

func TestCreateCommentReadAfterWrite(t *testing.T) {
	t.Parallel()
	ticketingInBothCaches(t, func(t *testing.T, e *env) {
		vars := map[string]any{"id": gladlytest.DemoOpenTaskID}
		read := `query($id: ID!) { ticket(id: $id) { comments { totalCount nodes { id body author { name } } } } comment(ticketId: $id, id: "new-comment-1") { id } }`
		type readOut struct {
			Ticket  ticketNode
			Comment *commentNode
		}
		var before readOut
		e.query(t, read, vars, &before)
		if before.Ticket.Comments.TotalCount != 2 || before.Comment != nil {
			t.Fatalf("before the comment: %+v", before)
		}

		p := ticketingMutate(t, e, `mutation($in: CreateCommentInput!) { createComment(input: $in) { comment { id body createdAt author { name } ticket { id } } userErrors { field code message } } }`,
			map[string]any{"in": map[string]any{"id": "new-comment-1", "ticketId": gladlytest.DemoOpenTaskID, "body": "Tracking number sent.", "authorUserId": gladlytest.DemoAgentID("Blaise Pascal")}})
		var c commentNode
		ticketingSucceeded(t, p, "comment", &c)
		if c.ID != "new-comment-1" || c.Body != "Tracking number sent." || c.Author.Name != "Blaise Pascal" || c.Ticket.ID != gladlytest.DemoOpenTaskID || c.CreatedAt == "" {
			t.Errorf("created comment: %+v", c)
		}

		var after readOut
		e.query(t, read, vars, &after)
		nodes := after.Ticket.Comments.Nodes
		if after.Ticket.Comments.TotalCount != 3 || nodes[2].ID != "new-comment-1" || nodes[2].Author.Name != "Blaise Pascal" || after.Comment == nil {
			t.Errorf("after the comment: %+v %+v", after.Ticket.Comments, after.Comment)
		}
	})
}

// TestTicketingRefusals: Gladly's refusals of the ticketing writes are user errors at the input's
// path, with Gladly's code.
func TestTicketingRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	future := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	charles, mary := gladlytest.DemoCustomerIDOf("Charles Babbage"), gladlytest.DemoCustomerIDOf("Mary Somerville")
	if err := e.fake.MergeCustomers(charles, mary); err != nil {
		t.Fatal(err)
	}
	amy, email := gladlytest.DemoAgentID("Amy Agent"), gladlytest.DemoInboxID("Email")
	for _, tc := range []struct {
		name, doc string
		vars      map[string]any
		want      userError // Message is not compared
		op        string    // the Gladly write that refused
	}{
		{"comment on a closed ticket", `mutation($t: ID!, $a: ID!) { createComment(input: {ticketId: $t, body: "Too late", authorUserId: $a}) { comment { id } userErrors { field code message } } }`,
			map[string]any{"t": gladlytest.DemoClosedTaskID, "a": amy}, userError{Code: "INVALID_STATE"}, "createTaskComment"},
		{"comment on a missing ticket", `mutation($a: ID!) { createComment(input: {ticketId: "no-such-ticket", body: "Hello", authorUserId: $a}) { comment { id } userErrors { field code message } } }`,
			map[string]any{"a": amy}, userError{Field: []string{"input", "ticketId"}, Code: "NOT_FOUND"}, "createTaskComment"},
		{"comment by an unknown agent", `mutation($t: ID!) { createComment(input: {ticketId: $t, body: "Hello", authorUserId: "no-such-agent"}) { comment { id } userErrors { field code message } } }`,
			map[string]any{"t": gladlytest.DemoOpenTaskID}, userError{Field: []string{"input", "authorUserId"}, Code: "INVALID"}, "createTaskComment"},
		{"duplicate email", `mutation { createContact(input: {name: "Impostor", emails: [{address: "ADA@example.com"}]}) { contact { id } userErrors { field code message } } }`,
			nil, userError{Field: []string{"input", "emails"}, Code: "TAKEN"}, "createCustomer"},
		{"duplicate mobile phone", `mutation { createContact(input: {phones: [{number: "+442079460018", type: MOBILE}]}) { contact { id } userErrors { field code message } } }`,
			nil, userError{Field: []string{"input", "phones"}, Code: "TAKEN"}, "createCustomer"},
		{"duplicate contact id", `mutation($id: ID!) { createContact(input: {id: $id, name: "Twin"}) { contact { id } userErrors { field code message } } }`,
			map[string]any{"id": gladlytest.DemoCustomerID}, userError{Field: []string{"input", "id"}, Code: "TAKEN"}, "createCustomer"},
		{"phone Gladly cannot read", `mutation { createContact(input: {phones: [{number: "+15550001111"}, {number: "12345"}]}) { contact { id } userErrors { field code message } } }`,
			nil, userError{Field: []string{"input", "phones", "1", "number"}, Code: "INVALID"}, "createCustomer"},
		{"update of a missing contact", `mutation { updateContact(id: "no-such-contact", input: {name: "X"}) { contact { id } userErrors { field code message } } }`,
			nil, userError{Field: []string{"id"}, Code: "NOT_FOUND"}, "updateCustomer"},
		{"update of a merged contact", `mutation($id: ID!) { updateContact(id: $id, input: {name: "X"}) { contact { id } userErrors { field code message } } }`,
			map[string]any{"id": charles}, userError{Field: []string{"id"}, Code: "NOT_FOUND"}, "updateCustomer"},
		{"delete with an open conversation", `mutation($id: ID!) { deleteContact(id: $id) { deletedId userErrors { field code message } } }`,
			map[string]any{"id": gladlytest.DemoCustomerID}, userError{Code: "INVALID_STATE"}, "deleteCustomer"},
		{"delete of a missing contact", `mutation { deleteContact(id: "no-such-contact") { deletedId userErrors { field code message } } }`,
			nil, userError{Field: []string{"id"}, Code: "NOT_FOUND"}, "deleteCustomer"},
		{"ticket for a missing contact", `mutation($due: DateTime!, $inbox: ID!) { createTicket(input: {contactId: "no-such-contact", description: "x", dueAt: $due, inboxId: $inbox}) { ticket { id } userErrors { field code message } } }`,
			map[string]any{"due": future, "inbox": email}, userError{Field: []string{"input", "contactId"}, Code: "NOT_FOUND"}, "createTask"},
		{"ticket id taken", `mutation($c: ID!, $id: ID!, $due: DateTime!, $inbox: ID!) { createTicket(input: {id: $id, contactId: $c, description: "x", dueAt: $due, inboxId: $inbox}) { ticket { id } userErrors { field code message } } }`,
			map[string]any{"c": gladlytest.DemoCustomerID, "id": gladlytest.DemoOpenTaskID, "due": future, "inbox": email}, userError{Field: []string{"input", "id"}, Code: "TAKEN"}, "createTask"},
		{"ticket in an unknown inbox", `mutation($c: ID!, $due: DateTime!) { createTicket(input: {contactId: $c, description: "x", dueAt: $due, inboxId: "no-such-inbox"}) { ticket { id } userErrors { field code message } } }`,
			map[string]any{"c": gladlytest.DemoCustomerID, "due": future}, userError{Field: []string{"input", "inboxId"}, Code: "INVALID"}, "createTask"},
		{"ticket for an unknown agent", `mutation($c: ID!, $due: DateTime!, $inbox: ID!) { createTicket(input: {contactId: $c, description: "x", dueAt: $due, inboxId: $inbox, assigneeUserId: "no-such-agent"}) { ticket { id } userErrors { field code message } } }`,
			map[string]any{"c": gladlytest.DemoCustomerID, "due": future, "inbox": email}, userError{Field: []string{"input", "assigneeUserId"}, Code: "INVALID"}, "createTask"},
		{"update of a missing ticket", `mutation { updateTicket(id: "no-such-ticket", input: {status: CLOSED}) { ticket { id } userErrors { field code message } } }`,
			nil, userError{Field: []string{"id"}, Code: "NOT_FOUND"}, "updateTask"},
		{"reassign to an unknown inbox", `mutation($id: ID!) { updateTicket(id: $id, input: {assignee: {inboxId: "no-such-inbox"}}) { ticket { id } userErrors { field code message } } }`,
			map[string]any{"id": gladlytest.DemoOpenTaskID}, userError{Field: []string{"input", "assignee", "inboxId"}, Code: "INVALID"}, "updateTask"},
		{"reassign to an unknown agent", `mutation($id: ID!, $inbox: ID!) { updateTicket(id: $id, input: {assignee: {inboxId: $inbox, userId: "no-such-agent"}}) { ticket { id } userErrors { field code message } } }`,
			map[string]any{"id": gladlytest.DemoOpenTaskID, "inbox": email}, userError{Field: []string{"input", "assignee", "userId"}, Code: "INVALID"}, "updateTask"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writes := e.fake.Calls(tc.op)
			p := ticketingMutate(t, e, tc.doc, tc.vars)
			errs := ticketingPayloadErrors(t, p)
			if len(errs) != 1 {
				t.Fatalf("userErrors %+v, want one", errs)
			}
			if errs[0].Message == "" {
				t.Errorf("user error without a message")
			}
			errs[0].Message = ""
			if diff := cmp.Diff(tc.want, errs[0]); diff != "" {
				t.Errorf("user error (-want +got):\n%s", diff)
			}
			for k, v := range p {
				if k != "userErrors" && string(v) != "null" {
					t.Errorf("%s = %s beside user errors, want null", k, v)
				}
			}
			if e.fake.Calls(tc.op) != writes+1 {
				t.Errorf("%s called %d times, want 1: the refusal is Gladly's", tc.op, e.fake.Calls(tc.op)-writes)
			}
		})
	}

	// The refused delete left Ada in place.
	var out struct{ Contact *struct{ ID string } }
	e.query(t, `query($id: ID!) { contact(id: $id) { id } }`, map[string]any{"id": gladlytest.DemoCustomerID}, &out)
	if out.Contact == nil {
		t.Error("Ada is gone after a refused delete")
	}
}

// TestTicketingLocalValidationSendsNothing: input that Gladly would refuse is refused before any
// Gladly call, each refusal at its input path.
func TestTicketingLocalValidationSendsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	long := strings.Repeat("é", 10001) // Gladly counts characters, not bytes
	okTicket := func(over map[string]any) map[string]any {
		in := map[string]any{"contactId": gladlytest.DemoCustomerID, "description": "Call back", "dueAt": future, "inboxId": gladlytest.DemoInboxID("Email")}
		for k, v := range over {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	okComment := func(over map[string]any) map[string]any {
		in := map[string]any{"ticketId": gladlytest.DemoOpenTaskID, "body": "Hello", "authorUserId": gladlytest.DemoAgentID("Amy Agent")}
		for k, v := range over {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	const (
		createContact = `mutation($in: CreateContactInput!) { createContact(input: $in) { contact { id } userErrors { field code message } } }`
		updateContact = `mutation($id: ID!, $in: UpdateContactInput!) { updateContact(id: $id, input: $in) { contact { id } userErrors { field code message } } }`
		deleteContact = `mutation($id: ID!) { deleteContact(id: $id) { deletedId userErrors { field code message } } }`
		createTicket  = `mutation($in: CreateTicketInput!) { createTicket(input: $in) { ticket { id } userErrors { field code message } } }`
		updateTicket  = `mutation($id: ID!, $in: UpdateTicketInput!) { updateTicket(id: $id, input: $in) { ticket { id } userErrors { field code message } } }`
		createComment = `mutation($in: CreateCommentInput!) { createComment(input: $in) { comment { id } userErrors { field code message } } }`
	)
	emails := func(addrs ...string) []any {
		var out []any
		for _, a := range addrs {
			out = append(out, map[string]any{"address": a, "primary": true})
		}
		return out
	}
	for _, tc := range []struct {
		name, doc string
		vars      map[string]any
		field     []string
		code      string
	}{
		{"contact id with a space", createContact, map[string]any{"in": map[string]any{"id": "has space"}}, []string{"input", "id"}, "INVALID"},
		{"contact id of 50 characters", createContact, map[string]any{"in": map[string]any{"id": "01234567890123456789012345678901234567890123456789"}}, []string{"input", "id"}, "INVALID"},
		{"blank email", createContact, map[string]any{"in": map[string]any{"emails": []any{map[string]any{"address": " "}}}}, []string{"input", "emails", "0", "address"}, "BLANK"},
		{"malformed email", createContact, map[string]any{"in": map[string]any{"emails": []any{map[string]any{"address": "ada.example.com"}}}}, []string{"input", "emails", "0", "address"}, "INVALID"},
		{"two primary emails", createContact, map[string]any{"in": map[string]any{"emails": emails("a@example.com", "b@example.com")}}, []string{"input", "emails"}, "INVALID"},
		{"phone not in E.164", createContact, map[string]any{"in": map[string]any{"phones": []any{map[string]any{"number": "+0123", "type": "MOBILE"}}}}, []string{"input", "phones", "0", "number"}, "INVALID"},
		{"phone with letters", createContact, map[string]any{"in": map[string]any{"phones": []any{map[string]any{"number": "555-CALL-NOW"}}}}, []string{"input", "phones", "0", "number"}, "INVALID"},
		{"bad region code", createContact, map[string]any{"in": map[string]any{"phones": []any{map[string]any{"number": "020 7946 0000", "regionCode": "GBR"}}}}, []string{"input", "phones", "0", "regionCode"}, "INVALID"},
		{"custom attributes not an object", createContact, map[string]any{"in": map[string]any{"customAttributes": []any{1, 2}}}, []string{"input", "customAttributes"}, "INVALID"},
		{"update with a blank id", updateContact, map[string]any{"id": " ", "in": map[string]any{"name": "X"}}, []string{"id"}, "BLANK"},
		{"update with a malformed phone", updateContact, map[string]any{"id": gladlytest.DemoCustomerID, "in": map[string]any{"phones": []any{map[string]any{"number": "+1"}}}}, []string{"input", "phones", "0", "number"}, "INVALID"},
		{"update with custom attributes as a string", updateContact, map[string]any{"id": gladlytest.DemoCustomerID, "in": map[string]any{"customAttributes": "gold"}}, []string{"input", "customAttributes"}, "INVALID"},
		{"delete with a blank id", deleteContact, map[string]any{"id": ""}, []string{"id"}, "BLANK"},
		{"ticket id with a slash", createTicket, okTicket(map[string]any{"id": "a/b"}), []string{"input", "id"}, "INVALID"},
		{"blank contact", createTicket, okTicket(map[string]any{"contactId": ""}), []string{"input", "contactId"}, "BLANK"},
		{"blank description", createTicket, okTicket(map[string]any{"description": "  "}), []string{"input", "description"}, "BLANK"},
		{"description too long", createTicket, okTicket(map[string]any{"description": long}), []string{"input", "description"}, "TOO_LONG"},
		{"due in the past", createTicket, okTicket(map[string]any{"dueAt": past}), []string{"input", "dueAt"}, "INVALID"},
		{"blank inbox", createTicket, okTicket(map[string]any{"inboxId": ""}), []string{"input", "inboxId"}, "BLANK"},
		{"blank agent", createTicket, okTicket(map[string]any{"assigneeUserId": ""}), []string{"input", "assigneeUserId"}, "BLANK"},
		{"update with a blank ticket id", updateTicket, map[string]any{"id": "", "in": map[string]any{"status": "CLOSED"}}, []string{"id"}, "BLANK"},
		{"update due in the past", updateTicket, map[string]any{"id": gladlytest.DemoOpenTaskID, "in": map[string]any{"dueAt": past}}, []string{"input", "dueAt"}, "INVALID"},
		{"update with a blank description", updateTicket, map[string]any{"id": gladlytest.DemoOpenTaskID, "in": map[string]any{"description": ""}}, []string{"input", "description"}, "BLANK"},
		{"update with a long description", updateTicket, map[string]any{"id": gladlytest.DemoOpenTaskID, "in": map[string]any{"description": long}}, []string{"input", "description"}, "TOO_LONG"},
		{"reassign to a blank inbox", updateTicket, map[string]any{"id": gladlytest.DemoOpenTaskID, "in": map[string]any{"assignee": map[string]any{"inboxId": ""}}}, []string{"input", "assignee", "inboxId"}, "BLANK"},
		{"reassign to a blank agent", updateTicket, map[string]any{"id": gladlytest.DemoOpenTaskID, "in": map[string]any{"assignee": map[string]any{"inboxId": "x", "userId": " "}}}, []string{"input", "assignee", "userId"}, "BLANK"},
		{"comment id too long", createComment, okComment(map[string]any{"id": strings.Repeat("x", 50)}), []string{"input", "id"}, "INVALID"},
		{"comment on a blank ticket", createComment, okComment(map[string]any{"ticketId": ""}), []string{"input", "ticketId"}, "BLANK"},
		{"blank comment", createComment, okComment(map[string]any{"body": "\n"}), []string{"input", "body"}, "BLANK"},
		{"comment too long", createComment, okComment(map[string]any{"body": long}), []string{"input", "body"}, "TOO_LONG"},
		{"comment without author", createComment, okComment(map[string]any{"authorUserId": ""}), []string{"input", "authorUserId"}, "BLANK"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.fake.TotalCalls()
			p := ticketingMutate(t, e, tc.doc, tc.vars)
			errs := ticketingPayloadErrors(t, p)
			if len(errs) != 1 || errs[0].Code != tc.code || !cmp.Equal(errs[0].Field, tc.field) || errs[0].Message == "" {
				t.Errorf("userErrors %+v, want one %s at %v", errs, tc.code, tc.field)
			}
			if got := e.fake.TotalCalls() - before; got != 0 {
				t.Errorf("%d Gladly calls for input refused locally, want 0", got)
			}
		})
	}
}

// TestTicketingMutationUpstreamFailure: a write Gladly cannot take (503 on every attempt) is a
// GraphQL error with UPSTREAM_UNAVAILABLE, not a user error.
func TestTicketingMutationUpstreamFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fault := gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503}
	e.fake.FailNext("createTaskComment", fault, fault, fault, fault)
	resp := e.do(t, `mutation($t: ID!, $a: ID!) { createComment(input: {ticketId: $t, body: "Hello", authorUserId: $a}) { comment { id } userErrors { code } } }`,
		map[string]any{"t": gladlytest.DemoOpenTaskID, "a": gladlytest.DemoAgentID("Amy Agent")})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" {
		t.Errorf("errors %+v, want one UPSTREAM_UNAVAILABLE", resp.Errors)
	}
	if string(resp.Data) != `{"createComment":null}` {
		t.Errorf("data %s", resp.Data)
	}
}
