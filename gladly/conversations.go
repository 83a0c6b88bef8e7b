package gladly

import (
	"bytes"
	"encoding/json"
	"time"
)

// Conversation statuses. WAITING (no agent action needed, waiting for the customer) cannot be set
// through the API.
const (
	ConversationOpen    = "OPEN"
	ConversationWaiting = "WAITING"
	ConversationClosed  = "CLOSED"
)

// Conversation is a thread of items with one customer, assigned to an inbox (and agent).
type Conversation struct {
	ID         string `json:"id"`
	CustomerID string `json:"customerId"`
	AgentID    string `json:"agentId,omitempty"`
	InboxID    string `json:"inboxId"`
	// CustomAttributes are conversation-level freeform topics; an id may repeat.
	CustomAttributes []ConversationAttribute `json:"customAttributes,omitempty"`
	TopicIDs         []string                `json:"topicIds"`
	CreatedAt        time.Time               `json:"createdAt"`
	ClosedAt         time.Time               `json:"closedAt,omitzero"` // set only while closed
	Status           string                  `json:"status"`

	// Raw is the object exactly as Gladly sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a conversation and keeps the raw JSON.
func (c *Conversation) UnmarshalJSON(b []byte) error {
	type plain Conversation
	if err := json.Unmarshal(b, (*plain)(c)); err != nil {
		return err
	}
	c.Raw = bytes.Clone(b)
	return nil
}

// ConversationAttribute is one freeform-topic value on a conversation.
type ConversationAttribute struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}
