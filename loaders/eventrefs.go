package loaders

import (
	"encoding/json"
	"strings"

	"github.com/gladgraph/gladgraph/gladly"
)

// eventContent holds the ids of an event's content that gladly.EventIDs does not carry.
type eventContent struct {
	gladly.EventIDs
	SourceConversationID      string `json:"sourceConversationId"`
	DestinationConversationID string `json:"destinationConversationId"`
}

// eventRefs maps each event type Gladly documents (webhook events enum, and the AUTOMATION and
// CUSTOM_CHANNEL events of the older spec) to what it makes stale. Payloads carry ids only, so
// stale data is named by id; data the cache cannot name by id (a lookup by email that found
// nobody before CUSTOMER_PROFILE/CREATED) ages out with its TTL.
var eventRefs = map[string]func(*RefSet, eventContent){
	// Agent presence is not part of any cached object; invalidating the org-wide agent list on
	// every status change would defeat the directory cache of a busy contact center.
	"AGENT_AVAILABILITY/FOCUS_ENTERED":   nil,
	"AGENT_AVAILABILITY/FOCUS_EXITED":    nil,
	"AGENT_AVAILABILITY/UPDATED":         nil,
	"AGENT_STATUS/CHANGED_ACTIVE_REASON": nil,
	"AGENT_STATUS/LOGGED_IN":             nil,
	"AGENT_STATUS/LOGGED_OUT":            nil,
	"AGENT_STATUS/RETURNED_FROM_AWAY":    nil,
	"AGENT_STATUS/WENT_AWAY":             nil,

	// A contact adds timeline items and can change the conversation's status and assignee.
	"CONTACT/ENDED":            contactRefs,
	"CONTACT/FULFILLED":        contactRefs,
	"CONTACT/HOLD_ENDED":       contactRefs,
	"CONTACT/HOLD_STARTED":     contactRefs,
	"CONTACT/JOINED":           contactRefs,
	"CONTACT/MESSAGE_RECEIVED": contactRefs,
	"CONTACT/MESSAGE_SENT":     contactRefs,
	"CONTACT/OFFER_ACCEPTED":   contactRefs,
	"CONTACT/OFFERED":          contactRefs,
	"CONTACT/OFFER_REJECTED":   contactRefs,
	"CONTACT/STARTED":          contactRefs,
	"CONTACT/TRANSFERRED":      contactRefs,

	// Status, assignee, topic and attribute changes show on the conversation, as timeline items,
	// and in the customer's conversation list.
	"CONVERSATION/CLOSED":                   conversationRefs,
	"CONVERSATION/CREATED":                  conversationRefs,
	"CONVERSATION/CUSTOM_ATTRIBUTE_ADDED":   conversationRefs,
	"CONVERSATION/CUSTOM_ATTRIBUTE_REMOVED": conversationRefs,
	"CONVERSATION/NOTE_CREATED": func(s *RefSet, c eventContent) {
		conversationRefs(s, c)
		s.Add(KindNote, c.NoteID)
	},
	"CONVERSATION/REOPENED":         conversationRefs,
	"CONVERSATION/TOPIC_ADDED":      conversationRefs,
	"CONVERSATION/TOPIC_REMOVED":    conversationRefs,
	"CONVERSATION_ASSIGNEE/UPDATED": conversationRefs,
	"CONVERSATION_STATUS/UPDATED":   conversationRefs,

	// A merge moves conversations and tasks from the source to the destination customer.
	"CUSTOMER/MERGED": func(s *RefSet, c eventContent) {
		mergeRefs(s, c)
		for _, id := range []string{c.SourceConversationID, c.DestinationConversationID} {
			s.Add(KindConversation, id)
			s.Add(KindConversationItems, id)
		}
	},
	"CUSTOMER_PROFILE/CREATED": customerRefs,
	"CUSTOMER_PROFILE/DELETED": func(s *RefSet, c eventContent) {
		// Deleting a customer deletes their conversations and tasks.
		s.Add(KindCustomer, c.CustomerID)
		s.Add(KindCustomerWork, c.CustomerID)
		s.Add(KindCustomerConversations, c.CustomerID)
		s.Add(KindCustomerTasks, c.CustomerID)
	},
	"CUSTOMER_PROFILE/MERGED":  mergeRefs, // deprecated form of CUSTOMER/MERGED
	"CUSTOMER_PROFILE/UPDATED": customerRefs,

	"EXPORT_JOB/COMPLETED": exportJobRefs,
	"EXPORT_JOB/FAILED":    exportJobRefs,

	// Payment requests live in the conversation's timeline.
	"PAYMENT_REQUEST/CREATED":        conversationRefs,
	"PAYMENT_REQUEST/STATUS_CHANGED": conversationRefs,
	"PAYMENT_REQUEST/VIEWED":         conversationRefs,

	"TASK/ASSIGNEE_UPDATED": taskRefs,
	"TASK/CLOSED":           taskRefs,
	"TASK/COMMENT_ADDED": func(s *RefSet, c eventContent) {
		taskRefs(s, c)
		s.Add(KindTaskComments, c.TaskID)
		s.Add(KindComment, c.CommentID)
	},
	"TASK/CONTENT_UPDATED":  taskRefs,
	"TASK/CREATED":          taskRefs,
	"TASK/DUE_DATE_UPDATED": taskRefs,
	"TASK/FOLLOWER_ADDED":   taskRefs,
	"TASK/FOLLOWER_REMOVED": taskRefs,
	"TASK/REOPENED":         taskRefs,

	"AUTOMATION/MESSAGE_RECEIVED": automationRefs,
	"AUTOMATION/MESSAGE_SENT":     automationRefs,
	"CUSTOM_CHANNEL/MESSAGE_SENT": contactRefs,

	"PING": nil,
}

func customerRefs(s *RefSet, c eventContent) { s.Add(KindCustomer, c.CustomerID) }

func conversationRefs(s *RefSet, c eventContent) {
	s.Add(KindConversation, c.ConversationID)
	s.Add(KindConversationItems, c.ConversationID)
	s.Add(KindCustomerConversations, c.CustomerID)
}

func contactRefs(s *RefSet, c eventContent) {
	conversationRefs(s, c)
	s.Add(KindItem, c.MessageID) // a message may have been looked up (and cached as missing)
}

func mergeRefs(s *RefSet, c eventContent) {
	for _, id := range []string{c.SourceCustomerID, c.DestinationCustomerID} {
		s.Add(KindCustomer, id)
		s.Add(KindCustomerWork, id)
		s.Add(KindCustomerConversations, id)
		s.Add(KindCustomerTasks, id)
	}
}

func taskRefs(s *RefSet, c eventContent) {
	s.Add(KindTask, c.TaskID)
	s.Add(KindCustomerTasks, c.CustomerID)
}

func exportJobRefs(s *RefSet, c eventContent) { s.Add(KindExportJob, c.JobID) }

func automationRefs(s *RefSet, c eventContent) {
	s.Add(KindAutomationSession, c.SessionID)
	conversationRefs(s, c)
}

// genericRefs serves event types Gladly adds later (new enum values are allowed within v1):
// whatever ids the content names are treated as stale.
func genericRefs(s *RefSet, c eventContent) {
	mergeRefs(s, c)
	customerRefs(s, c)
	s.Add(KindCustomerWork, c.CustomerID)
	if c.ConversationID != "" {
		conversationRefs(s, c)
	}
	if c.TaskID != "" {
		taskRefs(s, c)
	}
	s.Add(KindItem, c.MessageID)
	s.Add(KindNote, c.NoteID)
	s.Add(KindComment, c.CommentID)
	s.Add(KindExportJob, c.JobID)
	s.Add(KindAutomationSession, c.SessionID)
}

// EventRefs returns what the event makes stale. known is false for an event type Gladly has not
// documented; its refs are then guessed from the ids in its content.
func EventRefs(e *gladly.Event) (refs []Ref, known bool) {
	var c eventContent
	if len(e.Content) > 0 {
		_ = json.Unmarshal(e.Content, &c) // content that is not an object names nothing
	}
	var s RefSet
	f, known := eventRefs[strings.TrimSpace(e.Type)]
	switch {
	case !known:
		genericRefs(&s, c)
	case f != nil:
		f(&s, c)
	}
	return s.Refs(), known
}

// KnownEventType reports whether Gladly documents the event type.
func KnownEventType(t string) bool {
	_, ok := eventRefs[t]
	return ok
}
