package graph_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// customer360Query is the customer-360 view: a contact with every conversation (assignee,
// inbox, topics, freeform topics, the whole timeline with who did what, call transcripts and
// recordings) and every ticket (assignee, creator, comments with authors). Operation
// Customer360ByEmail finds the contact by email, Customer360 by id. The README and the
// benchmark use this text.
const customer360Query = `
query Customer360ByEmail($email: String!) {
  contacts(email: $email) { totalCount nodes { ...Customer360 } }
}

query Customer360($id: ID!) {
  contact(id: $id) { ...Customer360 }
}

fragment Customer360 on Contact {
  id name email address
  phones { number type primary }
  conversations {
    totalCount truncated
    nodes {
      id status createdAt closedAt
      assignee { inbox { id name } user { id name email } }
      inbox { id name }
      topics { nodes { id name } }
      customAttributes { id value attribute { key label } }
      items {
        totalCount truncated
        nodes { ...TimelineItem }
      }
    }
  }
  tickets {
    totalCount truncated
    nodes {
      id name status dueAt createdAt
      assignee { inbox { name } user { name } }
      assignees { nodes { id name } }
      creator { type user { name } }
      comments { totalCount nodes { id body createdAt author { id name } } }
    }
  }
}

fragment TimelineItem on ConversationItem {
  id timestamp sessionId
  initiator { type user { id name } contact { id name } }
  responder { type user { id name } contact { id name } }
  content {
    __typename
    ... on ChatMessageContent { messageType text attachments { filename } quickReplyOptions { id label }
      selectedOption { id label } requestItem { id } }
    ... on ConversationStatusChangeContent { status }
    ... on EmailContent { from to cc subject emailText: text attachments { filename contentType fileSizeBytes } }
    ... on NoteContent { body }
    ... on PhoneCallContent { from phoneTo: to startedAt answeredAt completedAt recordingStatus recordingDurationSeconds
      recordingSummary { status summary } }
    ... on VoicemailContent { recordingStatus recordingDurationSeconds recordingSummary { status summary } }
    ... on TopicChangeContent { addedTopics { nodes { name } } removedTopics { nodes { name } } }
    ... on SmsContent { from smsTo: to text }
    ... on UnknownContent { type }
  }
  transcript { speakerCount text paragraphs { speaker text startSeconds endSeconds } }
  media { url contentType durationSeconds expiresAt }
}
`

// customer360Calls is what the query costs cold, per Gladly operation, beyond finding the
// contact (her own profile, found by email or read by id, also answers for her as the initiator
// of her messages): one list per list, directory objects from their org-wide lists, one read per
// freeform-topic definition, a transcript read per call or voicemail, and nothing for media.
var customer360Calls = map[string]int{
	"getConversations":     1, // Ada's 3 conversations
	"getConversationItems": 3, // one timeline each
	"getTopics":            1, // every topic of every conversation and topic change
	"getInboxes":           1,
	"getAgents":            1, // assignees, initiators, responders, ticket creators, comment authors
	"getCustomAttribute":   2, // orderId, carrier
	"getVoiceTranscript":   3, // the open conversation's call; the closed one's voicemail and call
	"getTasks":             1, // her 3 tickets
	"getTaskComments":      3, // one list per ticket
}

// do360 runs one operation of customer360Query.
func do360(t *testing.T, e *env, op string, vars map[string]any) gqlResponse {
	t.Helper()
	return e.doOperation(t, customer360Query, op, vars)
}

type contact360 struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Address string `json:"address"`
	Phones  []struct {
		Number  string `json:"number"`
		Type    string `json:"type"`
		Primary bool   `json:"primary"`
	} `json:"phones"`
	Conversations struct {
		TotalCount int  `json:"totalCount"`
		Truncated  bool `json:"truncated"`
		Nodes      []struct {
			conversationOut
			Items struct {
				TotalCount int       `json:"totalCount"`
				Truncated  bool      `json:"truncated"`
				Nodes      []itemOut `json:"nodes"`
			} `json:"items"`
		} `json:"nodes"`
	} `json:"conversations"`
	Tickets struct {
		TotalCount int  `json:"totalCount"`
		Truncated  bool `json:"truncated"`
		Nodes      []struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			Status   string `json:"status"`
			Assignee *struct {
				Inbox *namedNode `json:"inbox"`
				User  *namedNode `json:"user"`
			} `json:"assignee"`
			Assignees namedConn `json:"assignees"`
			Creator   *actorOut `json:"creator"`
			Comments  struct {
				TotalCount int `json:"totalCount"`
				Nodes      []struct {
					ID     string     `json:"id"`
					Body   string     `json:"body"`
					Author *namedNode `json:"author"`
				} `json:"nodes"`
			} `json:"comments"`
		} `json:"nodes"`
	} `json:"tickets"`
}

// run360 runs one operation, which must answer without errors, and returns Ada as it read her.
func run360(t *testing.T, e *env, op string, vars map[string]any) (*contact360, json.RawMessage) {
	t.Helper()
	resp := do360(t, e, op, vars)
	if len(resp.Errors) > 0 {
		skipUntilTicketingResolvers(t, resp)
		t.Fatalf("%s answered with errors: %+v", op, resp.Errors)
	}
	var out struct {
		Contacts *struct {
			TotalCount int           `json:"totalCount"`
			Nodes      []*contact360 `json:"nodes"`
		} `json:"contacts"`
		Contact *contact360 `json:"contact"`
	}
	if err := json.Unmarshal(resp.Data, &out); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if out.Contacts != nil {
		if out.Contacts.TotalCount != 1 || len(out.Contacts.Nodes) != 1 {
			t.Fatalf("contacts(email): %d found", out.Contacts.TotalCount)
		}
		return out.Contacts.Nodes[0], resp.Data
	}
	return out.Contact, resp.Data
}

// skipUntilTicketingResolvers skips while the contact and ticket resolvers (the ticketing
// domain, built on its own branch) are still the generated stubs: they panic, which the handler
// reports as an error on contact(id:) with no data. Once they exist, every error fails the test.
func skipUntilTicketingResolvers(t *testing.T, resp gqlResponse) {
	t.Helper()
	probe := newEnv(t)
	r := probe.do(t, `query($id: ID!) { contact(id: $id) { id } }`, map[string]any{"id": gladlytest.DemoCustomerID})
	if len(r.Errors) == 1 && string(r.Data) == `{"contact":null}` &&
		(strings.Contains(r.Errors[0].Message, "not implemented") || r.Errors[0].Extensions["code"] == "INTERNAL_SERVER_ERROR") {
		t.Skipf("the ticketing resolvers are not implemented on this branch yet (errors: %+v)", resp.Errors)
	}
}

// TestCustomer360 is the acceptance test: the demo's customer-360 query answers without
// errors, with the right data, at a known cost in Gladly calls cold and none warm.
func TestCustomer360(t *testing.T) {
	t.Parallel()
	for _, b := range cacheBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				op     string
				vars   map[string]any
				lookup map[string]int // the call that finds the contact
			}{
				{"Customer360ByEmail", map[string]any{"email": gladlytest.DemoCustomerEmail}, map[string]int{"findCustomers": 1}},
				{"Customer360", map[string]any{"id": gladlytest.DemoCustomerID}, map[string]int{"getCustomer": 1}},
			} {
				t.Run(tc.op, func(t *testing.T) {
					t.Parallel()
					e := newEnv(t, b.opts...)
					ada, cold := run360(t, e, tc.op, tc.vars)
					checkAda(t, ada)

					want := map[string]int{}
					for op, n := range customer360Calls {
						want[op] += n
					}
					for op, n := range tc.lookup {
						want[op] += n
					}
					if tc.op == "Customer360" {
						want["getCustomer"] = 1 // the contact itself: its messages' initiator is the same read
					}
					wantCalls(t, e, want)

					e.fake.ResetStats()
					_, warm := run360(t, e, tc.op, tc.vars)
					if n := e.fake.TotalCalls(); n != 0 {
						t.Errorf("warm: %d Gladly calls, want 0: %v", n, e.fake.CallsByOp())
					}
					if !bytes.Equal(cold, warm) {
						t.Errorf("warm answer differs from cold:\ncold %s\nwarm %s", cold, warm)
					}
				})
			}
		})
	}
}

func checkAda(t *testing.T, ada *contact360) {
	t.Helper()
	if ada == nil {
		t.Fatal("Ada is null")
	}
	if ada.ID != gladlytest.DemoCustomerID || ada.Name != adaName || ada.Email != gladlytest.DemoCustomerEmail ||
		!strings.Contains(ada.Address, "St James's Square") || len(ada.Phones) != 2 || ada.Phones[0].Number != adaMobile {
		t.Errorf("Ada: %+v", ada)
	}

	// Conversations, oldest first, with assignee, inbox, topics and freeform topics.
	type conv struct {
		ID, Status, Inbox, Agent string
		Topics                   []string
		Attributes               []string
		Kinds                    []string
	}
	var convs []conv
	for _, c := range ada.Conversations.Nodes {
		got := conv{ID: c.ID, Status: c.Status, Topics: names(c.Topics)}
		if c.Assignee.Inbox != nil && c.Assignee.User != nil && c.Inbox != nil && c.Inbox.Name == c.Assignee.Inbox.Name {
			got.Inbox, got.Agent = c.Assignee.Inbox.Name, c.Assignee.User.Name
		}
		for _, a := range c.CustomAttributes {
			if a.Attribute != nil {
				got.Attributes = append(got.Attributes, a.Attribute.Key+"="+a.Value)
			}
		}
		got.Kinds = kinds(c.Items.Nodes)
		convs = append(convs, got)
	}
	chat, topic, note := "ChatMessageContent", "TopicChangeContent", "NoteContent"
	if diff := cmp.Diff([]conv{
		{gladlytest.DemoClosedConversationID, "CLOSED", "Phone", "Emmy Noether", []string{"Invoice"}, []string{"orderId=ORD-1815-0017"},
			[]string{"VoicemailContent", "PhoneCallContent", topic, note, "ConversationStatusChangeContent"}},
		{gladlytest.DemoWaitingConversationID, "WAITING", "Email", "Blaise Pascal", []string{"Refund"}, []string{"orderId=ORD-1815-0031"},
			[]string{"EmailContent", topic, "EmailContent"}},
		{gladlytest.DemoOpenConversationID, "OPEN", "Chat", "Amy Agent", []string{"Order Status", "Damaged Item"},
			[]string{"orderId=ORD-1815-0042", "orderId=ORD-1815-0043", "carrier=Royal Mail"},
			[]string{chat, chat, chat, chat, topic, "EmailContent", "PhoneCallContent", note, chat}},
	}, convs); diff != "" {
		t.Errorf("conversations (-want +got):\n%s", diff)
	}
	if ada.Conversations.TotalCount != 3 || ada.Conversations.Truncated {
		t.Errorf("conversations: totalCount %d truncated %v", ada.Conversations.TotalCount, ada.Conversations.Truncated)
	}

	// Every item's initiator and responder resolve to a user or a contact.
	for _, c := range ada.Conversations.Nodes {
		for _, it := range c.Items.Nodes {
			for role, a := range map[string]*actorOut{"initiator": it.Initiator, "responder": it.Responder} {
				if a == nil {
					continue
				}
				if (a.Type == "AGENT" && a.User == nil) || (a.Type == "CUSTOMER" && (a.Contact == nil || a.Contact.Name != adaName)) {
					t.Errorf("item %s (%s): %s %+v does not resolve", it.ID, it.kind(), role, a)
				}
			}
		}
	}

	// The call of the open conversation: transcript and recording; the closed conversation's
	// voicemail: recording; the call whose recording was deleted: neither.
	open := ada.Conversations.Nodes[2].Items.Nodes
	call := byID(open, gladlytest.DemoPhoneCallItemID)
	if call.Transcript == nil || len(call.Transcript.Paragraphs) != 6 || call.Initiator.who() != "CUSTOMER:"+adaName || call.Responder.who() != "AGENT:Amy Agent" {
		t.Errorf("phone call: transcript %+v initiator %q responder %q", call.Transcript, call.Initiator.who(), call.Responder.who())
	}
	checkMedia(t, call, 95)
	if answer := open[3]; str(answer.Content, "requestItem", "id") != open[2].ID || str(answer.Content, "selectedOption", "label") != "Send a replacement" {
		t.Errorf("quick-reply answer: %v", answer.Content)
	}
	closed := ada.Conversations.Nodes[0].Items.Nodes
	checkMedia(t, byID(closed, gladlytest.DemoVoicemailItemID), 24)
	if back := byID(closed, gladlytest.DemoDeletedRecordingItemID); back.Media != nil || back.Transcript != nil {
		t.Errorf("deleted recording: media %+v transcript %+v", back.Media, back.Transcript)
	}

	// Tickets, newest first, with assignees, creators and comments with their authors.
	type ticket struct {
		ID, Status, Inbox, Agent, Creator string
		Assignees                         []string
		Comments                          []string
	}
	var tickets []ticket
	for _, tk := range ada.Tickets.Nodes {
		got := ticket{ID: tk.ID, Status: tk.Status, Assignees: names(&tk.Assignees), Creator: tk.Creator.who()}
		if tk.Assignee != nil && tk.Assignee.Inbox != nil && tk.Assignee.User != nil {
			got.Inbox, got.Agent = tk.Assignee.Inbox.Name, tk.Assignee.User.Name
		}
		for _, c := range tk.Comments.Nodes {
			author := "?"
			if c.Author != nil {
				author = c.Author.Name
			}
			got.Comments = append(got.Comments, author+": "+c.Body)
		}
		tickets = append(tickets, got)
	}
	if diff := cmp.Diff([]ticket{
		{gladlytest.DemoOpenTaskID, "OPEN", "Email", "Emmy Noether", "AGENT:Amy Agent", []string{"Emmy Noether"},
			[]string{"Amy Agent: Warehouse confirmed one gear wheel in stock.", "Emmy Noether: Packed; the courier collects at 3pm."}},
		{gladlytest.DemoFollowUpTaskID, "OPEN", "Phone", "Blaise Pascal", "AGENT:Blaise Pascal", []string{"Blaise Pascal"},
			[]string{"Blaise Pascal: Refund issued; the bank needs 3–5 working days."}},
		{gladlytest.DemoClosedTaskID, "CLOSED", "Email", "Emmy Noether", "AGENT:Emmy Noether", []string{"Emmy Noether"},
			[]string{"Emmy Noether: Corrected the billing address in the order system.", "Amy Agent: Invoice re-sent; Ada confirmed by phone."}},
	}, tickets); diff != "" {
		t.Errorf("tickets (-want +got):\n%s", diff)
	}
	if ada.Tickets.TotalCount != 3 || ada.Tickets.Truncated {
		t.Errorf("tickets: totalCount %d truncated %v", ada.Tickets.TotalCount, ada.Tickets.Truncated)
	}
	if n := ada.Tickets.Nodes[0].Name; !strings.HasPrefix(n, "Ship a replacement gear wheel for order ORD-1815-0042") || strings.Contains(n, "<") {
		t.Errorf("ticket name %q: want the description's plain first line", n)
	}
}
