package loaders

import (
	"context"
	"strings"
)

// Kind names a class of cached Gladly data. Kinds ending in a list name (CustomerTasks, …) are
// the lists that belong to the object whose id the Ref carries.
type Kind string

// The kinds a write or a webhook can make stale.
const (
	KindCustomer              Kind = "customer"               // a customer profile (and lookups that returned it)
	KindCustomerWork          Kind = "customer_work"          // every conversation, item and task of a customer (delete, merge)
	KindCustomerConversations Kind = "customer_conversations" // GET /customers/{id}/conversations
	KindCustomerTasks         Kind = "customer_tasks"         // GET /customers/{id}/tasks
	KindConversation          Kind = "conversation"           // GET /conversations/{id}
	KindConversationItems     Kind = "conversation_items"     // GET /conversations/{id}/items
	KindItem                  Kind = "item"                   // GET /conversation-items/{id}
	KindNote                  Kind = "note"                   // GET /conversations/{cid}/notes/{id}
	KindTask                  Kind = "task"                   // GET /tasks/{id}
	KindTaskComments          Kind = "task_comments"          // GET /tasks/{id}/comments
	KindComment               Kind = "comment"                // GET /tasks/{tid}/comments/{id}
	KindAgent                 Kind = "agent"
	KindTeam                  Kind = "team"
	KindInbox                 Kind = "inbox"
	KindTopic                 Kind = "topic"
	KindAnswer                Kind = "answer"
	KindWebhook               Kind = "webhook"
	KindExportJob             Kind = "export_job"
	KindAutomationSession     Kind = "automation_session" // an automation session's messages
)

// Ref names cached data by kind and Gladly id.
type Ref struct {
	Kind Kind
	ID   string
}

func (r Ref) String() string { return string(r.Kind) + ":" + r.ID }

// Invalidator drops cached data. Mutations call it after a write, the webhook receiver after an
// event; it must be idempotent (the same refs may arrive twice) and cheap for refs it does not
// cache. Implementations drop what they can and return the first failure.
type Invalidator interface {
	Invalidate(ctx context.Context, refs ...Ref) error
}

// RefSet collects refs without duplicates or empty ids, in insertion order.
type RefSet struct {
	refs []Ref
	seen map[Ref]struct{}
}

// Add adds a ref of kind for every non-blank id.
func (s *RefSet) Add(kind Kind, ids ...string) {
	for _, id := range ids {
		if strings.TrimSpace(id) == "" {
			continue
		}
		r := Ref{Kind: kind, ID: id}
		if _, dup := s.seen[r]; dup {
			continue
		}
		if s.seen == nil {
			s.seen = map[Ref]struct{}{}
		}
		s.seen[r] = struct{}{}
		s.refs = append(s.refs, r)
	}
}

// Refs returns the collected refs.
func (s *RefSet) Refs() []Ref { return s.refs }
