package eventbus

import (
	"encoding/json"

	"github.com/gladgraph/gladgraph/gladly"
)

// Filter selects the events a subscriber receives; every set field must match. The zero
// Filter selects every event of the account (organization-wide).
type Filter struct {
	// Types are Gladly event types ("CONVERSATION/CLOSED"); empty selects all.
	Types map[string]bool
	// ContactID matches the event's customer (either side of a merge).
	ContactID string
	// ConversationID matches the event's conversation (either side of a merge).
	ConversationID string
	// TicketID matches the event's task.
	TicketID string
	// UserID matches the agent the event is about.
	UserID string
}

// OrganizationWide reports whether the filter names no contact, conversation, ticket or user.
func (f Filter) OrganizationWide() bool {
	return f.ContactID == "" && f.ConversationID == "" && f.TicketID == "" && f.UserID == ""
}

// refs are the ids of an event's content a filter looks at.
type refs struct {
	gladly.EventIDs
	SourceConversationID      string `json:"sourceConversationId"`
	DestinationConversationID string `json:"destinationConversationId"`
}

// Match reports whether ev passes the filter.
func (f Filter) Match(ev *gladly.Event) bool {
	if len(f.Types) > 0 && !f.Types[ev.Type] {
		return false
	}
	if f.OrganizationWide() {
		return true
	}
	var r refs
	_ = json.Unmarshal(ev.Content, &r) // content that is not an object names nothing
	return f.match(ev, &r)
}

// match is Match with the content's ids already decoded (r may be nil for an
// organization-wide filter).
func (f Filter) match(ev *gladly.Event, r *refs) bool {
	if len(f.Types) > 0 && !f.Types[ev.Type] {
		return false
	}
	if f.OrganizationWide() {
		return true
	}
	return (f.ContactID == "" || f.ContactID == r.CustomerID || f.ContactID == r.SourceCustomerID || f.ContactID == r.DestinationCustomerID) &&
		(f.ConversationID == "" || f.ConversationID == r.ConversationID || f.ConversationID == r.SourceConversationID || f.ConversationID == r.DestinationConversationID) &&
		(f.TicketID == "" || f.TicketID == r.TaskID) &&
		(f.UserID == "" || f.UserID == r.AgentID)
}
