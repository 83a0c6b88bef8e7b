package gladly

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
)

// Event is one entry of Gladly's event stream, and also the body of a webhook delivery: the two
// share one envelope. Content's shape depends on Type (see IDs for the ids most events carry).
type Event struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"` // e.g. "CONVERSATION/CLOSED"; "PING" for webhook pings
	Timestamp time.Time       `json:"timestamp"`
	Initiator *Actor          `json:"initiator,omitempty"`
	Content   json.RawMessage `json:"content,omitempty"`
}

// EventIDs are the ids an event's content refers to (empty when absent).
type EventIDs struct {
	CustomerID     string `json:"customerId"`
	ConversationID string `json:"conversationId"`
	TaskID         string `json:"taskId"`
	CommentID      string `json:"commentId"`
	NoteID         string `json:"noteId"`
	MessageID      string `json:"messageId"`
	TopicID        string `json:"topicId"`
	AgentID        string `json:"agentId"`
	JobID          string `json:"jobId"`
	SessionID      string `json:"sessionId"`
	// CUSTOMER/MERGED and CUSTOMER_PROFILE/MERGED name both sides of a merge.
	SourceCustomerID      string `json:"sourceCustomerId"`
	DestinationCustomerID string `json:"destinationCustomerId"`
}

// IDs decodes the ids in the event's content; content that is not an object yields none.
func (e *Event) IDs() EventIDs {
	var ids EventIDs
	_ = json.Unmarshal(e.Content, &ids)
	return ids
}

// ParseEvent decodes one event (a line of the events stream or a webhook body), requiring the
// fields every event has.
func ParseEvent(b []byte) (*Event, error) {
	var e Event
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&e); err != nil {
		return nil, err
	}
	if e.Type == "" {
		return nil, errors.New("gladly: event without a type")
	}
	if e.ID == "" && e.Type != "PING" {
		return nil, errors.New("gladly: event without an id")
	}
	return &e, nil
}
