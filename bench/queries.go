package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// The query set. Sizes are exact: the fixture seeds them with gladlytest.AddCustomer, and every
// response is checked against them before it counts.
//
// Minimum upstream calls are derived by hand from each query's dependency graph and Gladly's API:
// Gladly has no multi-get by ids, so an object the query needs and no list returns costs one
// GET; organization-wide objects (agents, inboxes, topics, teams) come from one list call each,
// whatever ids are asked for. Hops are the levels of the query that need Gladly's answer from the
// level above before they can be asked (the sequential part of the dependency graph).

// contact360: a contact, its 20 conversations (assignee, inbox, topics) and its 10 tickets
// (assignee, comments with authors).
//
// Minimum calls, cold (16):
//
//	GET /customer-profiles/{id}           1  name, email
//	GET /customers/{id}/conversations     1  the 20 conversations, one list
//	GET /customers/{id}/tasks             1  the 10 tasks, one list
//	GET /tasks/{id}/comments             10  one list per task: Gladly has no comments-by-customer
//	GET /agents                           1  conversation assignees, ticket assignees, comment authors
//	GET /inboxes                          1  conversation inboxes and assignee inboxes
//	GET /topics                           1  conversation topics
//
// Hops (2): the contact with its conversation and task lists (all three need only the id the query
// gives; contact(id) starts the lists alongside the profile) → comments and the directory lists.
const contact360Query = `query Contact360($id: ID!) {
  contact(id: $id) {
    id name email
    conversations {
      totalCount
      nodes {
        id status createdAt
        assignee { user { id name } inbox { id name } }
        inbox { id name }
        topics { nodes { id name } }
      }
    }
    tickets {
      totalCount
      nodes {
        id name status dueAt
        assignee { user { id name } inbox { id name } }
        assignees { nodes { id name } }
        comments { nodes { id body createdAt author { id name } } }
      }
    }
  }
}`

// directory: every user, with their groups, with those groups' members.
//
// Minimum calls, cold (2): GET /agents (users, and members), GET /teams (groups).
// Hops (1): the agents and teams lists need nothing from each other (users starts the teams list
// alongside when groups are selected; members come from the agents list).
const directoryQuery = `query Directory {
  users {
    totalCount
    nodes { id name email groups { nodes { id name members { nodes { id name email } } } } }
  }
}`

// timeline: a conversation's 100 items with who initiated and answered each.
//
// Minimum calls, cold (4): GET /conversations/{id}, GET /conversations/{id}/items (the 100 items,
// one list), GET /agents (agent actors), GET /customer-profiles/{id} (the customer actor: one
// customer per conversation).
// Hops (2): the conversation with its items (both need only the id; conversation(id) starts the
// items alongside) → the actors (the agents list, and the customer the conversation names).
const timelineQuery = `query Timeline($id: ID!) {
  conversation(id: $id) {
    id status
    items {
      totalCount
      nodes {
        id timestamp
        initiator { type user { id name } contact { id name } }
        responder { type user { id name } contact { id name } }
        content { __typename }
      }
    }
  }
}`

// entities: what a federation gateway sends to join 100 contacts from another subgraph.
//
// Minimum calls, cold (100): one GET /customer-profiles/{id} per representation (no multi-get).
// Hops (1): every read needs only its representation.
const entitiesQuery = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Contact { id name email } }
}`

// mutation mix: one operation of two requests, a mutation (create a ticket, comment on it,
// rename the contact) then a re-read of what it changed.
//
// Minimum calls, cold (10): the three writes (POST /tasks, POST /tasks/{id}/comments,
// PATCH /customer-profiles/{id}); the payloads' reads of what Gladly created or changed (GET
// /tasks/{id}, GET /tasks/{id}/comments/{id}, GET /customer-profiles/{id}: Gladly answers writes
// with no body); the re-read's GET /customers/{id}/conversations, GET /customers/{id}/tasks (it
// changed), GET /tasks/{id}/comments (it changed), GET /agents (comment authors). The profile and
// the task were read by the payloads and are cached by then.
// Batched (12): no shared cache, so the re-read also reads the profile and the task again.
// Warm (8): the conversations list and the agents are cached and no write changed them.
// Hops (8): a mutation's fields run one after another, and each write is followed by the read
// of its payload (POST /tasks → GET /tasks/{id} → POST comment → GET comment → PATCH profile →
// GET profile); the re-read then needs the comment list (with the task and conversation lists
// beside it) before the comment authors (agents).
const mutationQuery = `mutation Mix($contactId: ID!, $ticketId: ID!, $dueAt: DateTime!, $inboxId: ID!, $agentId: ID!, $name: String!) {
  createTicket(input: {id: $ticketId, contactId: $contactId, description: "Call back about the bench order", dueAt: $dueAt, inboxId: $inboxId, assigneeUserId: $agentId}) {
    ticket { id status } userErrors { code message }
  }
  createComment(input: {ticketId: $ticketId, body: "Left a voicemail", authorUserId: $agentId}) {
    comment { id body createdAt } userErrors { code message }
  }
  updateContact(id: $contactId, input: {name: $name}) {
    contact { id name } userErrors { code message }
  }
}`

const rereadQuery = `query Reread($contactId: ID!, $ticketId: ID!) {
  contact(id: $contactId) {
    id name
    conversations { totalCount nodes { id status } }
    tickets { totalCount }
  }
  ticket(id: $ticketId) { id status comments { nodes { id body author { id name } } } }
}`

// request is one GraphQL request of an operation.
type request struct {
	query string
	vars  map[string]any
	check func(data json.RawMessage) error
}

// querySpec is one query of the set.
type querySpec struct {
	name string
	// minimum is the minimum of upstream calls per operation by mode (see the derivations above).
	minimum map[string]int
	hops    int
	// op returns the requests of the i-th operation (a fresh ticket id for the mutation mix).
	op func(i int) []request
	// writes: the operation needs an upstream (memory mode does not run it).
	writes bool
}

// fixture is what the fake was seeded with for the query set.
type fixture struct {
	contact360, timeline, mutation gladlytest.Seeded
	entityIDs                      []string
	runID                          string // makes created ids unique across runs against one fake
}

// shapes of the fixture's customers: exactly the sizes the query set names.
var (
	contact360Shape = gladlytest.Shape{Conversations: 20, ItemsPerConversation: 3, Tickets: 10, CommentsPerTicket: 3}
	timelineShape   = gladlytest.Shape{Conversations: 1, ItemsPerConversation: 100}
	mutationShape   = gladlytest.Shape{Conversations: 2, ItemsPerConversation: 3, Tickets: 2, CommentsPerTicket: 1}
)

const entityCount = 100

func seedFixture(fake *gladlytest.Server, runID string) (fixture, error) {
	f := fixture{
		contact360: fake.AddCustomer(contact360Shape),
		timeline:   fake.AddCustomer(timelineShape),
		mutation:   fake.AddCustomer(mutationShape),
		runID:      runID,
	}
	ids := excluding(fake.CustomerIDs(), f.contact360.CustomerID, f.timeline.CustomerID, f.mutation.CustomerID)
	if len(ids) < entityCount {
		return f, fmt.Errorf("the fake has %d customers, the entities query needs %d", len(ids), entityCount)
	}
	f.entityIDs = ids[len(ids)-entityCount:]
	return f, nil
}

func sameForReads(n int) map[string]int {
	return map[string]int{"naive": n, "batched": n, "cold": n, "warm": 0, "opcache": 0, "memory": 0, peerCold: n, peerWarm: 0}
}

func querySet(f fixture) []querySpec {
	reps := make([]map[string]any, len(f.entityIDs))
	for i, id := range f.entityIDs {
		reps[i] = map[string]any{"__typename": "Contact", "id": id}
	}
	agent, inbox := gladlytest.DemoAgentID("Amy Agent"), gladlytest.DemoInboxID("Email")
	return []querySpec{
		{name: "contact360", minimum: sameForReads(16), hops: 2, op: func(int) []request {
			return []request{{query: contact360Query, vars: map[string]any{"id": f.contact360.CustomerID}, check: checkContact360}}
		}},
		{name: "directory", minimum: sameForReads(2), hops: 1, op: func(int) []request {
			return []request{{query: directoryQuery, check: checkDirectory}}
		}},
		{name: "timeline", minimum: sameForReads(4), hops: 2, op: func(int) []request {
			return []request{{query: timelineQuery, vars: map[string]any{"id": f.timeline.ConversationIDs[0]}, check: checkTimeline}}
		}},
		{name: "entities", minimum: sameForReads(entityCount), hops: 1, op: func(int) []request {
			return []request{{query: entitiesQuery, vars: map[string]any{"representations": reps}, check: checkEntities}}
		}},
		{name: "mutation", minimum: map[string]int{"naive": 12, "batched": 12, "cold": 10, "warm": 8}, hops: 8, writes: true,
			op: func(i int) []request {
				ticket := fmt.Sprintf("bench-%s-%d", f.runID, i)
				return []request{
					{query: mutationQuery, vars: map[string]any{
						"contactId": f.mutation.CustomerID, "ticketId": ticket, "dueAt": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339),
						"inboxId": inbox, "agentId": agent, "name": fmt.Sprintf("Bench Contact %d", i),
					}, check: checkMutation},
					{query: rereadQuery, vars: map[string]any{"contactId": f.mutation.CustomerID, "ticketId": ticket}, check: checkReread(ticket)},
				}
			}},
	}
}

// Checks: a response counts only when it holds the whole answer.

type node struct {
	ID string `json:"id"`
}

func checkContact360(data json.RawMessage) error {
	var d struct {
		Contact *struct {
			Conversations struct {
				Nodes []struct {
					Inbox *node `json:"inbox"`
				} `json:"nodes"`
			} `json:"conversations"`
			Tickets struct {
				Nodes []struct {
					Comments struct {
						Nodes []struct {
							Author *node `json:"author"`
						} `json:"nodes"`
					} `json:"comments"`
				} `json:"nodes"`
			} `json:"tickets"`
		} `json:"contact"`
	}
	if err := json.Unmarshal(data, &d); err != nil || d.Contact == nil {
		return fmt.Errorf("no contact (%v)", err)
	}
	if n := len(d.Contact.Conversations.Nodes); n != contact360Shape.Conversations {
		return fmt.Errorf("%d conversations, want %d", n, contact360Shape.Conversations)
	}
	for _, c := range d.Contact.Conversations.Nodes {
		if c.Inbox == nil {
			return fmt.Errorf("a conversation without its inbox")
		}
	}
	if n := len(d.Contact.Tickets.Nodes); n != contact360Shape.Tickets {
		return fmt.Errorf("%d tickets, want %d", n, contact360Shape.Tickets)
	}
	for _, t := range d.Contact.Tickets.Nodes {
		if n := len(t.Comments.Nodes); n != contact360Shape.CommentsPerTicket {
			return fmt.Errorf("a ticket with %d comments, want %d", n, contact360Shape.CommentsPerTicket)
		}
		for _, c := range t.Comments.Nodes {
			if c.Author == nil {
				return fmt.Errorf("a comment without its author")
			}
		}
	}
	return nil
}

func checkDirectory(data json.RawMessage) error {
	var d struct {
		Users struct {
			Nodes []struct {
				Groups struct {
					Nodes []struct {
						Members struct {
							Nodes []node `json:"nodes"`
						} `json:"members"`
					} `json:"nodes"`
				} `json:"groups"`
			} `json:"nodes"`
		} `json:"users"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	if len(d.Users.Nodes) < 20 {
		return fmt.Errorf("%d users, want the seeded 20 or more", len(d.Users.Nodes))
	}
	members := 0
	for _, u := range d.Users.Nodes {
		for _, g := range u.Groups.Nodes {
			members += len(g.Members.Nodes)
		}
	}
	if members == 0 {
		return fmt.Errorf("no group has members")
	}
	return nil
}

func checkTimeline(data json.RawMessage) error {
	var d struct {
		Conversation *struct {
			Items struct {
				Nodes []struct {
					Initiator *struct {
						Type    string `json:"type"`
						User    *node  `json:"user"`
						Contact *node  `json:"contact"`
					} `json:"initiator"`
				} `json:"nodes"`
			} `json:"items"`
		} `json:"conversation"`
	}
	if err := json.Unmarshal(data, &d); err != nil || d.Conversation == nil {
		return fmt.Errorf("no conversation (%v)", err)
	}
	if n := len(d.Conversation.Items.Nodes); n != timelineShape.ItemsPerConversation {
		return fmt.Errorf("%d items, want %d", n, timelineShape.ItemsPerConversation)
	}
	for _, it := range d.Conversation.Items.Nodes {
		if a := it.Initiator; a == nil || (a.User == nil && a.Contact == nil) {
			return fmt.Errorf("an item whose initiator did not resolve")
		}
	}
	return nil
}

func checkEntities(data json.RawMessage) error {
	var d struct {
		Entities []*node `json:"_entities"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	if len(d.Entities) != entityCount {
		return fmt.Errorf("%d entities, want %d", len(d.Entities), entityCount)
	}
	for _, e := range d.Entities {
		if e == nil || e.ID == "" {
			return fmt.Errorf("an entity did not resolve")
		}
	}
	return nil
}

func checkMutation(data json.RawMessage) error {
	var d map[string]struct {
		UserErrors []struct{ Code, Message string } `json:"userErrors"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	for _, f := range []string{"createTicket", "createComment", "updateContact"} {
		p, ok := d[f]
		if !ok {
			return fmt.Errorf("%s: no payload", f)
		}
		if len(p.UserErrors) > 0 {
			return fmt.Errorf("%s: %s %s", f, p.UserErrors[0].Code, p.UserErrors[0].Message)
		}
	}
	return nil
}

func checkReread(ticket string) func(json.RawMessage) error {
	return func(data json.RawMessage) error {
		var d struct {
			Ticket *struct {
				ID       string `json:"id"`
				Comments struct {
					Nodes []struct {
						Author *node `json:"author"`
					} `json:"nodes"`
				} `json:"comments"`
			} `json:"ticket"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			return err
		}
		if d.Ticket == nil || d.Ticket.ID != ticket || len(d.Ticket.Comments.Nodes) != 1 || d.Ticket.Comments.Nodes[0].Author == nil {
			return fmt.Errorf("the re-read does not show the new ticket with its comment and author")
		}
		return nil
	}
}
