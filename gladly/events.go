package gladly

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
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
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("gladly: data after the event's JSON object")
	}
	if e.Type == "" {
		return nil, errors.New("gladly: event without a type")
	}
	if e.ID == "" && e.Type != "PING" {
		return nil, errors.New("gladly: event without an id")
	}
	return &e, nil
}

// Entities of the events stream: each selects the event types of one family (AGENT_STATUS →
// AGENT_STATUS/*; CONVERSATION → CONVERSATION/* and CONVERSATION_ASSIGNEE/*).
const (
	EntityAgentAvailability = "AGENT_AVAILABILITY"
	EntityAgentStatus       = "AGENT_STATUS"
	EntityContact           = "CONTACT"
	EntityConversation      = "CONVERSATION"
	EntityCustomer          = "CUSTOMER"
	EntityCustomerProfile   = "CUSTOMER_PROFILE"
	EntityPaymentRequest    = "PAYMENT_REQUEST"
	EntityTask              = "TASK"
)

// EventsWindow is how far back the events stream reaches.
const EventsWindow = 24 * time.Hour

// ListEventsOptions selects events by the time Gladly recorded them.
type ListEventsOptions struct {
	// StartAt is required and must lie within the last 24 hours (EventsWindow).
	StartAt time.Time
	// EndAt is optional (Gladly's default is now) and must be after StartAt.
	EndAt time.Time
	// Entities are the families to include (Entity…); at least one.
	Entities []string
}

// queryTime is the form of startAt/endAt: ISO 8601 at the stream's millisecond precision.
const queryTime = "2006-01-02T15:04:05.000Z07:00"

func (o ListEventsOptions) query() (url.Values, error) {
	if o.StartAt.IsZero() {
		return nil, &ArgumentError{Detail: "events: StartAt is required"}
	}
	if len(o.Entities) == 0 {
		return nil, &ArgumentError{Detail: "events: at least one entity is required"}
	}
	q := url.Values{"startAt": {o.StartAt.UTC().Format(queryTime)}, "entities": o.Entities}
	if !o.EndAt.IsZero() {
		q.Set("endAt", o.EndAt.UTC().Format(queryTime))
	}
	return q, nil
}

// Stream calls fn for each event, oldest first, as the lines of Gladly's JSON-lines answer
// arrive: the stream is never held in memory whole. An error from fn stops the stream and is
// returned as is.
// Gladly: GET /api/v1/events (getEvents)
func (s *EventsService) Stream(ctx context.Context, opts ListEventsOptions, fn func(*Event) error) (*Response, error) {
	q, err := opts.query()
	if err != nil {
		return nil, err
	}
	req, err := s.client.NewRequest("getEvents", http.MethodGet, "/api/v1/events", q, nil)
	if err != nil {
		return nil, err
	}
	req.Accept = "application/x-jsonlines"
	resp, err := s.client.DoRaw(ctx, req)
	if err != nil {
		return resp, err
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for n := 1; ; n++ {
		line, rerr := r.ReadBytes('\n')
		if rerr != nil && rerr != io.EOF {
			// The line read with the failure is cut short (a dropped stream, the byte cap).
			return resp, fmt.Errorf("gladly: getEvents: read stream: %w", rerr)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			ev, err := ParseEvent(line)
			if err != nil {
				return resp, fmt.Errorf("gladly: getEvents: line %d: %w", n, err)
			}
			if err := fn(ev); err != nil {
				return resp, err
			}
		}
		if rerr == io.EOF {
			return resp, nil
		}
		if rerr != nil {
			return resp, fmt.Errorf("gladly: getEvents: read stream: %w", rerr)
		}
	}
}

// List returns the selected events, oldest first. The window holds at most a day of events;
// for large organizations prefer Stream.
// Gladly: GET /api/v1/events (getEvents)
func (s *EventsService) List(ctx context.Context, opts ListEventsOptions) ([]*Event, *Response, error) {
	var events []*Event
	resp, err := s.Stream(ctx, opts, func(e *Event) error {
		events = append(events, e)
		return nil
	})
	if err != nil {
		return nil, resp, err
	}
	return events, resp, nil
}
