package model

import "github.com/gladgraph/gladgraph/gladly"

// The federation entities (types with @key), marked for gqlgen's entity union.

func (*Contact) IsEntity()          {}
func (*Ticket) IsEntity()           {}
func (*User) IsEntity()             {}
func (*Group) IsEntity()            {}
func (*Inbox) IsEntity()            {}
func (*Conversation) IsEntity()     {}
func (*ConversationItem) IsEntity() {}
func (*Topic) IsEntity()            {}
func (*Answer) IsEntity()           {}

// Inbox is a Gladly inbox.
type Inbox struct{ *gladly.Inbox }

// NewInbox wraps an inbox (nil stays nil).
func NewInbox(i *gladly.Inbox) *Inbox {
	if i == nil {
		return nil
	}
	return &Inbox{i}
}

// NewInboxes wraps inboxes.
func NewInboxes(is []*gladly.Inbox) []*Inbox { return wrapAll(is, NewInbox) }

// Topic is a conversation topic; its parent and children are joins.
type Topic struct{ *gladly.Topic }

// NewTopic wraps a topic (nil stays nil).
func NewTopic(t *gladly.Topic) *Topic {
	if t == nil {
		return nil
	}
	return &Topic{t}
}

// NewTopics wraps topics.
func NewTopics(ts []*gladly.Topic) []*Topic { return wrapAll(ts, NewTopic) }
