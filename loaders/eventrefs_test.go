package loaders

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly"
)

// documentedEventTypes is GLADLY_API.md §22: the webhook events enum, the older spec's
// AUTOMATION and CUSTOM_CHANNEL events, and PING.
var documentedEventTypes = []string{
	"AGENT_AVAILABILITY/FOCUS_ENTERED", "AGENT_AVAILABILITY/FOCUS_EXITED", "AGENT_AVAILABILITY/UPDATED",
	"AGENT_STATUS/CHANGED_ACTIVE_REASON", "AGENT_STATUS/LOGGED_IN", "AGENT_STATUS/LOGGED_OUT",
	"AGENT_STATUS/RETURNED_FROM_AWAY", "AGENT_STATUS/WENT_AWAY",
	"CONTACT/ENDED", "CONTACT/FULFILLED", "CONTACT/HOLD_ENDED", "CONTACT/HOLD_STARTED", "CONTACT/JOINED",
	"CONTACT/MESSAGE_RECEIVED", "CONTACT/MESSAGE_SENT", "CONTACT/OFFER_ACCEPTED", "CONTACT/OFFERED",
	"CONTACT/OFFER_REJECTED", "CONTACT/STARTED", "CONTACT/TRANSFERRED",
	"CONVERSATION/CLOSED", "CONVERSATION/CREATED", "CONVERSATION/CUSTOM_ATTRIBUTE_ADDED",
	"CONVERSATION/CUSTOM_ATTRIBUTE_REMOVED", "CONVERSATION/NOTE_CREATED", "CONVERSATION/REOPENED",
	"CONVERSATION/TOPIC_ADDED", "CONVERSATION/TOPIC_REMOVED", "CONVERSATION_ASSIGNEE/UPDATED",
	"CONVERSATION_STATUS/UPDATED", "CUSTOMER/MERGED", "CUSTOMER_PROFILE/CREATED", "CUSTOMER_PROFILE/DELETED",
	"CUSTOMER_PROFILE/MERGED", "CUSTOMER_PROFILE/UPDATED", "EXPORT_JOB/COMPLETED", "EXPORT_JOB/FAILED",
	"PAYMENT_REQUEST/CREATED", "PAYMENT_REQUEST/STATUS_CHANGED", "PAYMENT_REQUEST/VIEWED",
	"TASK/ASSIGNEE_UPDATED", "TASK/CLOSED", "TASK/COMMENT_ADDED", "TASK/CONTENT_UPDATED", "TASK/CREATED",
	"TASK/DUE_DATE_UPDATED", "TASK/FOLLOWER_ADDED", "TASK/FOLLOWER_REMOVED", "TASK/REOPENED",
	"AUTOMATION/MESSAGE_RECEIVED", "AUTOMATION/MESSAGE_SENT", "CUSTOM_CHANNEL/MESSAGE_SENT", "PING",
}

func TestEveryDocumentedEventTypeIsMapped(t *testing.T) {
	t.Parallel()
	for _, typ := range documentedEventTypes {
		if !KnownEventType(typ) {
			t.Errorf("event type %s has no mapping", typ)
		}
	}
	if len(eventRefs) != len(documentedEventTypes) {
		t.Errorf("eventRefs maps %d types, GLADLY_API.md §22 documents %d", len(eventRefs), len(documentedEventTypes))
	}
}

func event(t *testing.T, typ string, content map[string]any) *gladly.Event {
	t.Helper()
	b, err := json.Marshal(content)
	if err != nil {
		t.Fatal(err)
	}
	return &gladly.Event{ID: "ev1", Type: typ, Content: b}
}

func TestEventRefs(t *testing.T) {
	t.Parallel()
	conv := []Ref{{KindConversation, "conv1"}, {KindConversationItems, "conv1"}, {KindCustomerConversations, "cust1"}}
	tests := []struct {
		typ     string
		content map[string]any
		want    []Ref
		unknown bool
	}{
		{typ: "AGENT_STATUS/LOGGED_IN", content: map[string]any{"agentId": "a1"}},
		{typ: "PING"},
		{typ: "CONVERSATION/CLOSED", content: map[string]any{"customerId": "cust1", "conversationId": "conv1"}, want: conv},
		{typ: "CONVERSATION_STATUS/UPDATED", content: map[string]any{"customerId": "cust1", "conversationId": "conv1"}, want: conv},
		{typ: "CONVERSATION/NOTE_CREATED", content: map[string]any{"customerId": "cust1", "conversationId": "conv1", "noteId": "n1"},
			want: append(conv[:3:3], Ref{KindNote, "n1"})},
		{typ: "CONTACT/MESSAGE_RECEIVED", content: map[string]any{"customerId": "cust1", "conversationId": "conv1", "messageId": "m1", "channel": "SMS"},
			want: append(conv[:3:3], Ref{KindItem, "m1"})},
		{typ: "CUSTOMER/MERGED", content: map[string]any{"sourceCustomerId": "src", "destinationCustomerId": "dst", "sourceConversationId": "c-src", "destinationConversationId": "c-dst"},
			want: []Ref{
				{KindCustomer, "src"}, {KindCustomerWork, "src"}, {KindCustomerConversations, "src"}, {KindCustomerTasks, "src"},
				{KindCustomer, "dst"}, {KindCustomerWork, "dst"}, {KindCustomerConversations, "dst"}, {KindCustomerTasks, "dst"},
				{KindConversation, "c-src"}, {KindConversationItems, "c-src"},
				{KindConversation, "c-dst"}, {KindConversationItems, "c-dst"},
			}},
		{typ: "CUSTOMER_PROFILE/MERGED", content: map[string]any{"sourceCustomerId": "src", "destinationCustomerId": "dst"},
			want: []Ref{
				{KindCustomer, "src"}, {KindCustomerWork, "src"}, {KindCustomerConversations, "src"}, {KindCustomerTasks, "src"},
				{KindCustomer, "dst"}, {KindCustomerWork, "dst"}, {KindCustomerConversations, "dst"}, {KindCustomerTasks, "dst"},
			}},
		{typ: "CUSTOMER_PROFILE/UPDATED", content: map[string]any{"customerId": "cust1"}, want: []Ref{{KindCustomer, "cust1"}}},
		{typ: "CUSTOMER_PROFILE/DELETED", content: map[string]any{"customerId": "cust1"},
			want: []Ref{{KindCustomer, "cust1"}, {KindCustomerWork, "cust1"}, {KindCustomerConversations, "cust1"}, {KindCustomerTasks, "cust1"}}},
		{typ: "TASK/CLOSED", content: map[string]any{"customerId": "cust1", "taskId": "t1", "context": map[string]any{"createdAt": "2024-01-01T00:00:00Z"}},
			want: []Ref{{KindTask, "t1"}, {KindCustomerTasks, "cust1"}}},
		{typ: "TASK/COMMENT_ADDED", content: map[string]any{"customerId": "cust1", "taskId": "t1", "commentId": "cm1"},
			want: []Ref{{KindTask, "t1"}, {KindCustomerTasks, "cust1"}, {KindTaskComments, "t1"}, {KindComment, "cm1"}}},
		{typ: "EXPORT_JOB/COMPLETED", content: map[string]any{"jobId": "j1"}, want: []Ref{{KindExportJob, "j1"}}},
		{typ: "AUTOMATION/MESSAGE_RECEIVED", content: map[string]any{"sessionId": "s1", "customerId": "cust1", "conversationId": "conv1"},
			want: append([]Ref{{KindAutomationSession, "s1"}}, conv...)},
		{typ: "PAYMENT_REQUEST/VIEWED", content: map[string]any{"customerId": "cust1", "conversationId": "conv1", "paymentRequestId": "p1"}, want: conv},
		{typ: "SOMETHING/NEW", content: map[string]any{"customerId": "cust1", "taskId": "t1"}, unknown: true,
			want: []Ref{{KindCustomer, "cust1"}, {KindCustomerWork, "cust1"}, {KindTask, "t1"}, {KindCustomerTasks, "cust1"}}},
		// Missing ids name nothing rather than empty refs.
		{typ: "CONVERSATION/CLOSED", content: map[string]any{"conversationId": "conv1"},
			want: []Ref{{KindConversation, "conv1"}, {KindConversationItems, "conv1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			t.Parallel()
			got, known := EventRefs(event(t, tt.typ, tt.content))
			if known == tt.unknown {
				t.Errorf("known = %v, want %v", known, !tt.unknown)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("EventRefs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventRefsContentNotAnObject(t *testing.T) {
	t.Parallel()
	got, known := EventRefs(&gladly.Event{ID: "x", Type: "CONVERSATION/CLOSED", Content: json.RawMessage(`"text"`)})
	if !known || len(got) != 0 {
		t.Errorf("EventRefs = %v, %v; want none, known", got, known)
	}
}
