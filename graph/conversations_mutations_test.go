package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/loaders"
)

// Every mutation's read-after-write runs over both response caches.
var cacheBackends = []struct {
	name string
	opts []envOption
}{
	{"memory", nil},
	{"redis", []envOption{withRedis()}},
}

const conversationFields = `id status closedAt assignee { inbox { name } user { name } } topics { nodes { name } }`

// stateQuery reads what the conversation mutations change, through every cached read that holds
// it: the conversation, its timeline, and its contact's conversation list.
const stateQuery = `query($id: ID!, $c: ID!) {
	conversation(id: $id) { ` + conversationFields + `
		items { totalCount nodes { id content { __typename
			... on ConversationStatusChangeContent { status }
			... on TopicChangeContent { addedTopics { nodes { name } } removedTopics { nodes { name } } }
			... on NoteContent { body } } } } }
	conversations(contactId: $c) { nodes { ` + conversationFields + ` } }
}`

type convState struct {
	ID       string  `json:"id"`
	Status   string  `json:"status"`
	ClosedAt *string `json:"closedAt"`
	Assignee struct {
		Inbox *namedNode `json:"inbox"`
		User  *namedNode `json:"user"`
	} `json:"assignee"`
	Topics *namedConn `json:"topics"`
}

func (c *convState) user() string {
	if c == nil || c.Assignee.User == nil {
		return ""
	}
	return c.Assignee.User.Name
}

type stateOut struct {
	Conversation *struct {
		convState
		Items struct {
			TotalCount int `json:"totalCount"`
			Nodes      []struct {
				ID      string         `json:"id"`
				Content map[string]any `json:"content"`
			} `json:"nodes"`
		} `json:"items"`
	} `json:"conversation"`
	Conversations struct {
		Nodes []convState `json:"nodes"`
	} `json:"conversations"`
}

// listed is the conversation as its contact's conversation list shows it.
func (s stateOut) listed(id string) *convState {
	for i := range s.Conversations.Nodes {
		if s.Conversations.Nodes[i].ID == id {
			return &s.Conversations.Nodes[i]
		}
	}
	return nil
}

// lastItem is the newest item of the conversation's timeline.
func (s stateOut) lastItem() map[string]any {
	n := s.Conversation.Items.Nodes
	if len(n) == 0 {
		return nil
	}
	return n[len(n)-1].Content
}

func readState(t *testing.T, e *env, convID, contactID string) stateOut {
	t.Helper()
	var out stateOut
	e.query(t, stateQuery, map[string]any{"id": convID, "c": contactID}, &out)
	if out.Conversation == nil {
		t.Fatalf("conversation %s is null", convID)
	}
	return out
}

type conversationPayloadOut struct {
	Conversation *convState  `json:"conversation"`
	UserErrors   []userError `json:"userErrors"`
}

// mutate runs a mutation that must succeed and returns its payload (the one top-level field).
func mutate(t *testing.T, e *env, doc string, vars map[string]any, payload any) {
	t.Helper()
	var out map[string]json.RawMessage
	e.query(t, doc, vars, &out)
	if len(out) != 1 {
		t.Fatalf("want one mutation field, got %d", len(out))
	}
	for _, raw := range out {
		if err := json.Unmarshal(raw, payload); err != nil {
			t.Fatalf("decode payload: %v\n%s", err, raw)
		}
	}
}

// onlyConversationOf returns the id of a demo contact's one conversation.
func onlyConversationOf(t *testing.T, e *env, contactID string) string {
	t.Helper()
	var out conversationsOut
	e.query(t, conversationsQuery, map[string]any{"c": contactID}, &out)
	if ids := out.ids(); len(ids) == 1 {
		return ids[0]
	}
	t.Fatalf("contact %s has %d conversations, want 1", contactID, len(out.ids()))
	return ""
}

const updateConversationDoc = `mutation($id: ID!, $input: UpdateConversationInput!) {
	updateConversation(id: $id, input: $input) { conversation { ` + conversationFields + ` } userErrors { field code message } } }`

func TestUpdateConversationReadAfterWrite(t *testing.T) {
	t.Parallel()
	for _, b := range cacheBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, b.opts...)
			id, ada := gladlytest.DemoOpenConversationID, gladlytest.DemoCustomerID
			before := readState(t, e, id, ada)
			if before.Conversation.user() != "Amy Agent" || before.listed(id).user() != "Amy Agent" {
				t.Fatalf("fixture: assignee %q", before.Conversation.user())
			}

			// Reassign within the inbox.
			e.fake.ResetStats()
			var p conversationPayloadOut
			mutate(t, e, updateConversationDoc, map[string]any{"id": id, "input": map[string]any{
				"assignee": map[string]any{"inboxId": gladlytest.DemoInboxID("Chat"), "userId": gladlytest.DemoAgentID("Blaise Pascal")}}}, &p)
			if len(p.UserErrors) != 0 || p.Conversation.user() != "Blaise Pascal" || p.Conversation.Status != "OPEN" {
				t.Fatalf("reassign payload: %+v", p)
			}
			// The write, then the conversation read back; the directory is still cached.
			wantCalls(t, e, map[string]int{"patchConversation": 1, "getConversation": 1})
			after := readState(t, e, id, ada)
			if after.Conversation.user() != "Blaise Pascal" || after.listed(id).user() != "Blaise Pascal" {
				t.Errorf("after reassign: conversation %q, list %q", after.Conversation.user(), after.listed(id).user())
			}

			// Ada awaits an answer: closing takes force.
			mutate(t, e, updateConversationDoc, map[string]any{"id": id, "input": map[string]any{
				"status": map[string]any{"value": "CLOSED", "force": true}}}, &p)
			if len(p.UserErrors) != 0 || p.Conversation.Status != "CLOSED" || p.Conversation.ClosedAt == nil {
				t.Fatalf("close payload: %+v", p)
			}
			closed := readState(t, e, id, ada)
			if closed.Conversation.Status != "CLOSED" || closed.Conversation.ClosedAt == nil || closed.listed(id).Status != "CLOSED" {
				t.Errorf("after close: %+v, listed %+v", closed.Conversation.convState, closed.listed(id))
			}
			if got := closed.lastItem(); got["__typename"] != "ConversationStatusChangeContent" || got["status"] != "CLOSED" ||
				closed.Conversation.Items.TotalCount != after.Conversation.Items.TotalCount+1 {
				t.Errorf("timeline after close: last %v, %d items", got, closed.Conversation.Items.TotalCount)
			}

			// Reopen and unassign the agent in one change.
			mutate(t, e, updateConversationDoc, map[string]any{"id": id, "input": map[string]any{
				"assignee": map[string]any{"inboxId": gladlytest.DemoInboxID("Chat"), "userId": nil},
				"status":   map[string]any{"value": "OPEN"}}}, &p)
			if len(p.UserErrors) != 0 || p.Conversation.Status != "OPEN" || p.Conversation.ClosedAt != nil || p.Conversation.Assignee.User != nil {
				t.Fatalf("reopen payload: %+v", p)
			}
			reopened := readState(t, e, id, ada)
			if c := reopened.Conversation; c.Status != "OPEN" || c.ClosedAt != nil || c.Assignee.User != nil || c.Assignee.Inbox.Name != "Chat" {
				t.Errorf("after reopen: %+v", c.convState)
			}
			if l := reopened.listed(id); l.Status != "OPEN" || l.Assignee.User != nil {
				t.Errorf("list after reopen: %+v", l)
			}
			if got := reopened.lastItem(); got["status"] != "OPEN" {
				t.Errorf("timeline after reopen: last %v", got)
			}
		})
	}
}

const addTopicsDoc = `mutation($c: ID!, $t: [ID!]!) {
	addConversationTopics(conversationId: $c, topicIds: $t) { conversation { ` + conversationFields + ` } userErrors { field code message } } }`

const removeTopicDoc = `mutation($c: ID!, $t: ID!) {
	removeConversationTopic(conversationId: $c, topicId: $t) { conversation { ` + conversationFields + ` } userErrors { field code message } } }`

func TestConversationTopicsReadAfterWrite(t *testing.T) {
	t.Parallel()
	for _, b := range cacheBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, b.opts...)
			grace := gladlytest.DemoCustomerIDOf("Grace Hopper")
			id := onlyConversationOf(t, e, grace)
			before := readState(t, e, id, grace)
			if len(names(before.Conversation.Topics)) != 0 {
				t.Fatalf("fixture: Grace's conversation has topics %v", names(before.Conversation.Topics))
			}

			var p conversationPayloadOut
			mutate(t, e, addTopicsDoc, map[string]any{"c": id, "t": []string{gladlytest.DemoTopicID("Returns"), gladlytest.DemoTopicID("Refund")}}, &p)
			if len(p.UserErrors) != 0 || !cmp.Equal([]string{"Returns", "Refund"}, names(p.Conversation.Topics)) {
				t.Fatalf("add payload: %+v", p)
			}
			added := readState(t, e, id, grace)
			if got := names(added.Conversation.Topics); !cmp.Equal([]string{"Returns", "Refund"}, got) {
				t.Errorf("topics after add: %v", got)
			}
			if got := names(added.listed(id).Topics); !cmp.Equal([]string{"Returns", "Refund"}, got) {
				t.Errorf("listed topics after add: %v", got)
			}
			if got := added.lastItem(); str(got, "__typename") != "TopicChangeContent" ||
				!cmp.Equal(map[string]any{"nodes": []any{map[string]any{"name": "Returns"}, map[string]any{"name": "Refund"}}}, got["addedTopics"]) {
				t.Errorf("timeline after add: last %v", got)
			}

			mutate(t, e, removeTopicDoc, map[string]any{"c": id, "t": gladlytest.DemoTopicID("Returns")}, &p)
			if len(p.UserErrors) != 0 || !cmp.Equal([]string{"Refund"}, names(p.Conversation.Topics)) {
				t.Fatalf("remove payload: %+v", p)
			}
			removed := readState(t, e, id, grace)
			if got := names(removed.Conversation.Topics); !cmp.Equal([]string{"Refund"}, got) {
				t.Errorf("topics after remove: %v", got)
			}
			if got := names(removed.listed(id).Topics); !cmp.Equal([]string{"Refund"}, got) {
				t.Errorf("listed topics after remove: %v", got)
			}
			if got := removed.lastItem(); !cmp.Equal(map[string]any{"nodes": []any{map[string]any{"name": "Returns"}}}, got["removedTopics"]) {
				t.Errorf("timeline after remove: last %v", got)
			}

			// A topic the conversation has is ignored: nothing changes, nothing is added.
			mutate(t, e, addTopicsDoc, map[string]any{"c": id, "t": []string{gladlytest.DemoTopicID("Refund")}}, &p)
			again := readState(t, e, id, grace)
			if len(p.UserErrors) != 0 || !cmp.Equal([]string{"Refund"}, names(again.Conversation.Topics)) ||
				again.Conversation.Items.TotalCount != removed.Conversation.Items.TotalCount {
				t.Errorf("re-adding a topic: payload %+v, topics %v, %d items", p, names(again.Conversation.Topics), again.Conversation.Items.TotalCount)
			}
		})
	}
}

const addNoteDoc = `mutation($input: AddConversationNoteInput!) { addConversationNote(input: $input) {
	conversationNote { id conversation { id } contact { name } initiator { type } content { __typename ... on NoteContent { body } } }
	userErrors { field code message } } }`

func TestAddConversationNoteReadAfterWrite(t *testing.T) {
	t.Parallel()
	for _, b := range cacheBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, b.opts...)
			id, ada := gladlytest.DemoOpenConversationID, gladlytest.DemoCustomerID
			before := readState(t, e, id, ada)

			body := "<p>Called Ada back: the gear wheel arrives <strong>Thursday</strong>.</p>"
			e.fake.ResetStats()
			var p struct {
				ConversationNote *struct {
					ID           string         `json:"id"`
					Conversation *namedNode     `json:"conversation"`
					Contact      *namedNode     `json:"contact"`
					Initiator    *actorOut      `json:"initiator"`
					Content      map[string]any `json:"content"`
				} `json:"conversationNote"`
				UserErrors []userError `json:"userErrors"`
			}
			mutate(t, e, addNoteDoc, map[string]any{"input": map[string]any{"conversationId": id, "body": body}}, &p)
			n := p.ConversationNote
			if len(p.UserErrors) != 0 || n == nil || n.Content["__typename"] != "NoteContent" || n.Content["body"] != body ||
				n.Conversation == nil || n.Conversation.ID != id || n.Contact == nil || n.Contact.Name != adaName || n.Initiator.Type != "API" {
				t.Fatalf("note payload: %+v", p)
			}
			if e.fake.Calls("addNoteToConversation") != 1 || e.fake.Calls("getNoteFromConversation") != 1 {
				t.Errorf("calls: %v", e.fake.CallsByOp())
			}

			after := readState(t, e, id, ada)
			if after.Conversation.Items.TotalCount != before.Conversation.Items.TotalCount+1 || after.lastItem()["body"] != body {
				t.Errorf("timeline after note: %d items, last %v", after.Conversation.Items.TotalCount, after.lastItem())
			}
			var read struct {
				ConversationNote *struct {
					ID      string         `json:"id"`
					Content map[string]any `json:"content"`
				} `json:"conversationNote"`
			}
			e.query(t, `query($c: ID!, $id: ID!) { conversationNote(conversationId: $c, id: $id) { id content { ... on NoteContent { body } } } }`,
				map[string]any{"c": id, "id": n.ID}, &read)
			if read.ConversationNote == nil || read.ConversationNote.Content["body"] != body {
				t.Errorf("conversationNote after add: %+v", read.ConversationNote)
			}
		})
	}
}

const sendSmsDoc = `mutation($input: SendSmsInput!) { sendSms(input: $input) {
	conversationItem { id conversation { id } contact { id } initiator { type }
		content { __typename ... on SmsContent { from to text } } }
	contact { id name phones { number type } }
	userErrors { field code message } } }`

type sendSmsOut struct {
	ConversationItem *struct {
		ID           string         `json:"id"`
		Conversation *namedNode     `json:"conversation"`
		Contact      *namedNode     `json:"contact"`
		Initiator    *actorOut      `json:"initiator"`
		Content      map[string]any `json:"content"`
	} `json:"conversationItem"`
	Contact *struct {
		ID     string  `json:"id"`
		Name   *string `json:"name"`
		Phones []struct {
			Number string `json:"number"`
			Type   string `json:"type"`
		} `json:"phones"`
	} `json:"contact"`
	UserErrors []userError `json:"userErrors"`
}

// lookupPhone finds contacts by phone through the response cache the GraphQL handler uses, as a
// contacts(phone:) query would.
func lookupPhone(t *testing.T, e *env, phone string) []string {
	t.Helper()
	ctx := loaders.NewFactory(e.client, loaders.NewStore(e.cache)).WithLoaders(context.WithoutCancel(t.Context()))
	found, err := loaders.For(ctx).ContactLookups.Load(ctx, loaders.ContactLookup{Field: "phone", Value: phone})
	if err != nil {
		t.Fatalf("lookup %s: %v", phone, err)
	}
	var ids []string
	if found != nil {
		for _, c := range found.Items {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func TestSendSmsReadAfterWrite(t *testing.T) {
	t.Parallel()
	for _, b := range cacheBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, b.opts...)

			// To Ada's mobile: the SMS lands on her timeline, outside any conversation.
			var p sendSmsOut
			text := "Your replacement gear wheel is out for delivery."
			mutate(t, e, sendSmsDoc, map[string]any{"input": map[string]any{"to": adaMobile, "from": gladlytest.DemoSMSNumberUK, "body": text}}, &p)
			if len(p.UserErrors) != 0 || p.Contact == nil || p.Contact.ID != gladlytest.DemoCustomerID || p.ConversationItem == nil {
				t.Fatalf("payload: %+v", p)
			}
			if diff := cmp.Diff(map[string]any{"__typename": "SmsContent", "from": gladlytest.DemoSMSNumberUK, "to": adaMobile, "text": text},
				p.ConversationItem.Content); diff != "" || p.ConversationItem.Conversation != nil || p.ConversationItem.Initiator.Type != "API" {
				t.Errorf("SMS item (-want +got):\n%s", diff)
			}
			if got := queryItem(t, e, p.ConversationItem.ID); got == nil || str(got.Content, "text") != text || got.Contact.Name != adaName {
				t.Errorf("the SMS read back: %+v", got)
			}

			// To a number nobody has: Gladly creates the contact, and a cached lookup that found
			// nobody is stale.
			number := "+14155550987"
			if got := lookupPhone(t, e, number); len(got) != 0 {
				t.Fatalf("fixture: %s already belongs to %v", number, got)
			}
			finds := e.fake.Calls("findCustomers")
			if got := lookupPhone(t, e, number); len(got) != 0 || e.fake.Calls("findCustomers") != finds {
				t.Fatalf("the empty lookup is not cached (findCustomers %d → %d)", finds, e.fake.Calls("findCustomers"))
			}
			mutate(t, e, sendSmsDoc, map[string]any{"input": map[string]any{"to": number, "from": gladlytest.DemoSMSNumber, "body": "Welcome to Babbage!"}}, &p)
			if len(p.UserErrors) != 0 || p.Contact == nil || p.Contact.ID == gladlytest.DemoCustomerID || len(p.Contact.Phones) != 1 ||
				p.Contact.Phones[0].Number != number || p.Contact.Phones[0].Type != "MOBILE" || p.ConversationItem.Contact.ID != p.Contact.ID {
				t.Fatalf("payload for a new number: %+v", p)
			}
			if got := lookupPhone(t, e, number); !cmp.Equal([]string{p.Contact.ID}, got) {
				t.Errorf("lookup of %s after sendSms: %v, want the new contact %s", number, got, p.Contact.ID)
			}
			var ent struct {
				Entities []*struct {
					ID string `json:"id"`
				} `json:"_entities"`
			}
			e.query(t, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }`,
				map[string]any{"r": []any{map[string]any{"__typename": "Contact", "id": p.Contact.ID}}}, &ent)
			if len(ent.Entities) != 1 || ent.Entities[0] == nil || ent.Entities[0].ID != p.Contact.ID {
				t.Errorf("the new contact as an entity: %+v", ent.Entities)
			}
		})
	}
}

// TestConversationMutationRefusals: Gladly's documented refusals come back as user errors, and
// the refused change did not happen.
func TestConversationMutationRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	open, closed := gladlytest.DemoOpenConversationID, gladlytest.DemoClosedConversationID
	grace := onlyConversationOf(t, e, gladlytest.DemoCustomerIDOf("Grace Hopper"))
	chat := gladlytest.DemoInboxID("Chat")
	update := func(id string, input map[string]any) (string, map[string]any) {
		return updateConversationDoc, map[string]any{"id": id, "input": input}
	}
	for _, tc := range []struct {
		name      string
		doc       string
		vars      map[string]any
		wantField []string
		wantCode  string
		wantMsg   string
	}{
		{name: "close while the customer awaits an answer", wantCode: "INVALID_STATE", wantMsg: "customer waiting for response"},
		{name: "close before topics are set", wantCode: "INVALID_STATE", wantMsg: "topics are required"},
		{name: "assign an agent outside the inbox", wantField: []string{"input", "assignee", "userId"}, wantCode: "INVALID_STATE", wantMsg: "agent does not belong to inbox"},
		{name: "reassign a closed conversation", wantCode: "INVALID_STATE", wantMsg: "closed conversation cannot be reassigned"},
		{name: "assign to an unknown inbox", wantField: []string{"input", "assignee", "inboxId"}, wantCode: "INVALID", wantMsg: "does not exist"},
		{name: "update an unknown conversation", wantField: []string{"id"}, wantCode: "NOT_FOUND", wantMsg: "conversation does not exist"},
		{name: "add an unknown topic", doc: addTopicsDoc, vars: map[string]any{"c": open, "t": []string{"no-such-topic"}},
			wantField: []string{"topicIds"}, wantCode: "INVALID", wantMsg: "does not exist"},
		{name: "add a disabled topic", doc: addTopicsDoc, vars: map[string]any{"c": open, "t": []string{gladlytest.DemoTopicID("Holiday 2019")}},
			wantField: []string{"topicIds"}, wantCode: "INVALID_STATE", wantMsg: "disabled"},
		{name: "add topics to an unknown conversation", doc: addTopicsDoc, vars: map[string]any{"c": "no-such-conversation", "t": []string{gladlytest.DemoTopicID("Refund")}},
			wantField: []string{"conversationId"}, wantCode: "NOT_FOUND", wantMsg: "conversation does not exist"},
		{name: "remove a topic the conversation lacks", doc: removeTopicDoc, vars: map[string]any{"c": open, "t": gladlytest.DemoTopicID("Refund")},
			wantField: []string{"topicId"}, wantCode: "NOT_FOUND", wantMsg: "does not have this topic"},
		{name: "remove a topic of an unknown conversation", doc: removeTopicDoc, vars: map[string]any{"c": "no-such-conversation", "t": gladlytest.DemoTopicID("Refund")},
			wantField: []string{"conversationId"}, wantCode: "NOT_FOUND", wantMsg: "conversation does not exist"},
		{name: "note on an unknown conversation", doc: addNoteDoc, vars: map[string]any{"input": map[string]any{"conversationId": "no-such-conversation", "body": "hi"}},
			wantField: []string{"input", "conversationId"}, wantCode: "NOT_FOUND", wantMsg: "conversation does not exist"},
		{name: "SMS from a number that is not the organization's", doc: sendSmsDoc,
			vars:      map[string]any{"input": map[string]any{"to": adaMobile, "from": "+14155550100", "body": "hi"}},
			wantField: []string{"input", "from"}, wantCode: "INVALID", wantMsg: "organization's SMS numbers"},
	} {
		switch tc.name {
		case "close while the customer awaits an answer":
			tc.doc, tc.vars = update(open, map[string]any{"status": map[string]any{"value": "CLOSED"}})
		case "close before topics are set":
			tc.doc, tc.vars = update(grace, map[string]any{"status": map[string]any{"value": "CLOSED", "force": true}})
		case "assign an agent outside the inbox":
			tc.doc, tc.vars = update(open, map[string]any{"assignee": map[string]any{"inboxId": gladlytest.DemoInboxID("VIP"), "userId": gladlytest.DemoAgentID("Amy Agent")}})
		case "reassign a closed conversation":
			tc.doc, tc.vars = update(closed, map[string]any{"assignee": map[string]any{"inboxId": chat, "userId": gladlytest.DemoAgentID("Blaise Pascal")}})
		case "assign to an unknown inbox":
			tc.doc, tc.vars = update(open, map[string]any{"assignee": map[string]any{"inboxId": "no-such-inbox"}})
		case "update an unknown conversation":
			tc.doc, tc.vars = update("no-such-conversation", map[string]any{"status": map[string]any{"value": "OPEN"}})
		}
		var out map[string]map[string]json.RawMessage
		e.query(t, tc.doc, tc.vars, &out)
		for field, payload := range out {
			var errs []userError
			_ = json.Unmarshal(payload["userErrors"], &errs)
			if len(errs) != 1 || errs[0].Code != tc.wantCode || !cmp.Equal(tc.wantField, errs[0].Field) || !strings.Contains(errs[0].Message, tc.wantMsg) {
				t.Errorf("%s: userErrors %+v, want %s at %v saying %q", tc.name, errs, tc.wantCode, tc.wantField, tc.wantMsg)
			}
			for k, v := range payload {
				if k != "userErrors" && string(v) != "null" {
					t.Errorf("%s: %s.%s is %s, want null beside userErrors", tc.name, field, k, v)
				}
			}
		}
	}

	// None of the refused changes happened.
	s := readState(t, e, open, gladlytest.DemoCustomerID)
	if c := s.Conversation; c.Status != "OPEN" || c.user() != "Amy Agent" || !cmp.Equal([]string{"Order Status", "Damaged Item"}, names(c.Topics)) {
		t.Errorf("open conversation after refusals: %+v", c.convState)
	}
	if c := readState(t, e, closed, gladlytest.DemoCustomerID).Conversation; c.Status != "CLOSED" || c.user() != "Emmy Noether" {
		t.Errorf("closed conversation after refusals: %+v", c.convState)
	}
	if c := readState(t, e, grace, gladlytest.DemoCustomerIDOf("Grace Hopper")).Conversation; c.Status != "OPEN" {
		t.Errorf("Grace's conversation after refusals: %+v", c.convState)
	}
}

// TestConversationMutationLocalValidation: input refused locally never reaches Gladly.
func TestConversationMutationLocalValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	open := gladlytest.DemoOpenConversationID
	chat := gladlytest.DemoInboxID("Chat")
	for _, tc := range []struct {
		name string
		doc  string
		vars map[string]any
		want []userError
	}{
		{"update without changes", updateConversationDoc, map[string]any{"id": open, "input": map[string]any{}},
			[]userError{{Field: []string{"input"}, Code: "BLANK"}}},
		{"update a blank id", updateConversationDoc, map[string]any{"id": " ", "input": map[string]any{"status": map[string]any{"value": "OPEN"}}},
			[]userError{{Field: []string{"id"}, Code: "BLANK"}}},
		{"assignee without an inbox", updateConversationDoc, map[string]any{"id": open, "input": map[string]any{"assignee": map[string]any{"inboxId": ""}}},
			[]userError{{Field: []string{"input", "assignee", "inboxId"}, Code: "BLANK"}}},
		{"assignee with a blank user", updateConversationDoc, map[string]any{"id": open, "input": map[string]any{"assignee": map[string]any{"inboxId": chat, "userId": ""}}},
			[]userError{{Field: []string{"input", "assignee", "userId"}, Code: "BLANK"}}},
		{"no topics", addTopicsDoc, map[string]any{"c": open, "t": []string{}},
			[]userError{{Field: []string{"topicIds"}, Code: "BLANK"}}},
		{"a blank topic id", addTopicsDoc, map[string]any{"c": open, "t": []string{gladlytest.DemoTopicID("Refund"), ""}},
			[]userError{{Field: []string{"topicIds", "1"}, Code: "BLANK"}}},
		{"add topics to a blank conversation id", addTopicsDoc, map[string]any{"c": "", "t": []string{gladlytest.DemoTopicID("Refund")}},
			[]userError{{Field: []string{"conversationId"}, Code: "BLANK"}}},
		{"remove a blank topic id", removeTopicDoc, map[string]any{"c": open, "t": " "},
			[]userError{{Field: []string{"topicId"}, Code: "BLANK"}}},
		{"a blank note", addNoteDoc, map[string]any{"input": map[string]any{"conversationId": open, "body": " \n "}},
			[]userError{{Field: []string{"input", "body"}, Code: "BLANK"}}},
		{"a note without a conversation", addNoteDoc, map[string]any{"input": map[string]any{"conversationId": "", "body": "hi"}},
			[]userError{{Field: []string{"input", "conversationId"}, Code: "BLANK"}}},
		{"an SMS to a number not in E.164 form", sendSmsDoc, map[string]any{"input": map[string]any{"to": "020 7946 0018", "from": gladlytest.DemoSMSNumberUK, "body": "hi"}},
			[]userError{{Field: []string{"input", "to"}, Code: "INVALID"}}},
		{"an SMS from a malformed number and without text", sendSmsDoc, map[string]any{"input": map[string]any{"to": adaMobile, "from": "babbage", "body": ""}},
			[]userError{{Field: []string{"input", "from"}, Code: "INVALID"}, {Field: []string{"input", "body"}, Code: "BLANK"}}},
		{"an SMS too long", sendSmsDoc, map[string]any{"input": map[string]any{"to": adaMobile, "from": gladlytest.DemoSMSNumberUK, "body": strings.Repeat("a", 2049)}},
			[]userError{{Field: []string{"input", "body"}, Code: "TOO_LONG"}}},
	} {
		e.fake.ResetStats()
		var out map[string]map[string]json.RawMessage
		e.query(t, tc.doc, tc.vars, &out)
		for _, payload := range out {
			var errs []userError
			_ = json.Unmarshal(payload["userErrors"], &errs)
			for i := range errs {
				if errs[i].Message == "" {
					t.Errorf("%s: user error %d has no message", tc.name, i)
				}
				errs[i].Message = ""
			}
			if diff := cmp.Diff(tc.want, errs); diff != "" {
				t.Errorf("%s: userErrors (-want +got):\n%s", tc.name, diff)
			}
		}
		if n := e.fake.TotalCalls(); n != 0 {
			t.Errorf("%s: refused input made %d Gladly calls: %v", tc.name, n, e.fake.CallsByOp())
		}
	}
	// At the limit the SMS goes out.
	var p sendSmsOut
	mutate(t, e, sendSmsDoc, map[string]any{"input": map[string]any{"to": adaMobile, "from": gladlytest.DemoSMSNumberUK, "body": strings.Repeat("a", 2048)}}, &p)
	if len(p.UserErrors) != 0 || p.ConversationItem == nil {
		t.Errorf("an SMS of 2048 characters: %+v", p.UserErrors)
	}
}

// TestConversationUpstreamFailures: an infrastructure failure is a GraphQL error with its code on
// the field that needed Gladly; the rest of the query still resolves.
func TestConversationUpstreamFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	unavailable := gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503}
	// The client retries a GET four times in all: fail every attempt.
	e.fake.FailNext("getTopics", unavailable, unavailable, unavailable, unavailable)
	resp := e.do(t, `query($id: ID!) { conversation(id: $id) { id status topics { nodes { name } } inbox { name } } }`,
		map[string]any{"id": gladlytest.DemoOpenConversationID})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" ||
		!cmp.Equal([]any{"conversation", "topics"}, resp.Errors[0].Path) {
		t.Errorf("errors: %+v", resp.Errors)
	}
	want := `{"conversation":{"id":"` + gladlytest.DemoOpenConversationID + `","status":"OPEN","topics":null,"inbox":{"name":"Chat"}}}`
	if string(resp.Data) != want {
		t.Errorf("partial data %s, want %s", resp.Data, want)
	}

	// A write is not retried: its failure is the mutation's error, and nothing is reported done.
	e.fake.FailNext("patchConversation", unavailable)
	resp = e.do(t, updateConversationDoc, map[string]any{"id": gladlytest.DemoOpenConversationID,
		"input": map[string]any{"status": map[string]any{"value": "CLOSED", "force": true}}})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" || string(resp.Data) != `{"updateConversation":null}` {
		t.Errorf("failed write: data %s errors %+v", resp.Data, resp.Errors)
	}
}
