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

// Ref names cached data by kind and Gladly id. Data named by several ids (a comment of a task,
// an answer's content in a language) takes a composite ref from its constructor (CommentRef,
// ContentRef, PublicAnswerRef), never an ID joined by hand.
type Ref struct {
	Kind Kind
	ID   string
}

func (r Ref) String() string { return r.tag() }

// compositeMark starts the ID of a composite ref: the rest is already joined from escaped
// parts (see joinParts). Refs only invalidate, so an id that spells the mark can at worst drop
// an entry too many.
const compositeMark = "\x00"

// tag is the cache tag of the ref's own entry.
func (r Ref) tag() string {
	if rest, ok := strings.CutPrefix(r.ID, compositeMark); ok {
		return string(r.Kind) + ":" + rest
	}
	return key(r.Kind, r.ID)
}

// compositeRef is the ref of data named by several parts.
func compositeRef(kind Kind, parts ...string) Ref {
	return Ref{Kind: kind, ID: compositeMark + joinParts(parts...)}
}

// CommentRef is the ref of one comment of a task (the Comments loader's entry, a 404 included).
func CommentRef(taskID, commentID string) Ref { return compositeRef(KindComment, taskID, commentID) }

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
