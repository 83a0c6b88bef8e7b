package model

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// GladlyEvent is an event delivered by a subscription, of one of the family types below.
type GladlyEvent interface{ Live() *LiveEvent }

// LiveEvent is Gladly's event with its subscription cursor; the family types wrap it, and their
// typed fields read its content, decoded once.
type LiveEvent struct {
	*gladly.Event
	Cursor string
	c      liveContent
}

// liveContent is what the typed fields read from an event's content (Gladly: webhook payloads).
type liveContent struct {
	gladly.EventIDs
	ContactID            string           `json:"contactId"`
	Channel              string           `json:"channel"`
	Reason               string           `json:"reason"`
	Status               string           `json:"status"`
	Assignee             *gladly.Assignee `json:"assignee"`
	CustomAttributeKey   string           `json:"customAttributeKey"`
	CustomAttributeValue json.RawMessage  `json:"customAttributeValue"`
	PaymentRequestID     string           `json:"paymentRequestId"`
	OldStatus            string           `json:"oldStatus"`
	NewStatus            string           `json:"newStatus"`
	DueAt                time.Time        `json:"dueAt"`
	OccurredAt           time.Time        `json:"occurredAt"`
	AvailableFor         []string         `json:"availableFor"`
	Context              struct {
		AvailableFor []string `json:"availableFor"`
	} `json:"context"`
}

// NewLiveEvent wraps a delivered event. Content that does not decode (a field of an unexpected
// type) leaves the typed fields that failed empty; `content` still carries it whole.
func NewLiveEvent(ev *gladly.Event, cursor string) *LiveEvent {
	e := &LiveEvent{Event: ev, Cursor: cursor}
	_ = json.Unmarshal(ev.Content, &e.c)
	return e
}

func (e *LiveEvent) Live() *LiveEvent { return e }

// Content returns what Gladly's content refers to, decoded.
func (e *LiveEvent) Refs() gladly.EventIDs { return e.c.EventIDs }

// GladlyEventTypeOf is the schema's name of a Gladly event type ("CONVERSATION/CLOSED" →
// CONVERSATION_CLOSED).
func GladlyEventTypeOf(t string) GladlyEventType {
	return GladlyEventType(strings.Replace(t, "/", "_", 1))
}

// GladlyName is Gladly's name of the type (the first "_" that separates the family is "/"):
// valid for the schema's values only.
func (t GladlyEventType) GladlyName() string {
	for _, fam := range []string{"AGENT_AVAILABILITY", "AGENT_STATUS", "CONVERSATION_ASSIGNEE", "CONVERSATION_STATUS",
		"CUSTOM_CHANNEL", "CUSTOMER_PROFILE", "EXPORT_JOB", "PAYMENT_REQUEST"} {
		if rest, ok := strings.CutPrefix(string(t), fam+"_"); ok {
			return fam + "/" + rest
		}
	}
	fam, rest, _ := strings.Cut(string(t), "_")
	return fam + "/" + rest
}

func (e *LiveEvent) EventType() GladlyEventType { return GladlyEventTypeOf(e.Type) }
func (e *LiveEvent) GladlyType() string         { return e.Type }
func (e *LiveEvent) Initiator() *Actor          { return NewActor(e.Event.Initiator) }

// The event families, one GraphQL type each.
type (
	ConversationEvent   struct{ *LiveEvent }
	ChannelContactEvent struct{ *LiveEvent }
	AutomationEvent     struct{ *LiveEvent }
	PaymentRequestEvent struct{ *LiveEvent }
	ContactEvent        struct{ *LiveEvent }
	TicketEvent         struct{ *LiveEvent }
	UserEvent           struct{ *LiveEvent }
	ExportJobEvent      struct{ *LiveEvent }
)

func (e *ConversationEvent) Assignee() *Assignee         { return NewAssignee(e.c.Assignee) }
func (e *ConversationEvent) Reason() *string             { return optional(e.c.Reason) }
func (e *ConversationEvent) CustomAttributeKey() *string { return optional(e.c.CustomAttributeKey) }

// CustomAttributeValue is the value as text: a JSON string's text, any other value's JSON.
func (e *ConversationEvent) CustomAttributeValue() *string {
	v := e.c.CustomAttributeValue
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return &s
	}
	raw := string(v)
	return &raw
}

func (e *ChannelContactEvent) ChannelContactID() *string { return optional(e.c.ContactID) }
func (e *ChannelContactEvent) Channel() *string          { return optional(e.c.Channel) }
func (e *ChannelContactEvent) Assignee() *Assignee       { return NewAssignee(e.c.Assignee) }
func (e *ChannelContactEvent) Reason() *string           { return optional(e.c.Reason) }
func (e *ChannelContactEvent) Status() *string           { return optional(e.c.Status) }

func (e *AutomationEvent) SessionID() *string { return optional(e.c.SessionID) }

func (e *PaymentRequestEvent) PaymentRequestID() *string { return optional(e.c.PaymentRequestID) }
func (e *PaymentRequestEvent) OldStatus() *string        { return optional(e.c.OldStatus) }
func (e *PaymentRequestEvent) NewStatus() *string        { return optional(e.c.NewStatus) }

// ContactID is the surviving profile of a merge, else the event's customer.
func (e *ContactEvent) ContactID() *string {
	if e.c.DestinationCustomerID != "" {
		return &e.c.DestinationCustomerID
	}
	return optional(e.c.CustomerID)
}
func (e *ContactEvent) MergedContactID() *string { return optional(e.c.SourceCustomerID) }

func (e *TicketEvent) Assignee() *Assignee { return NewAssignee(e.c.Assignee) }
func (e *TicketEvent) DueAt() *time.Time {
	if e.Type != "TASK/DUE_DATE_UPDATED" {
		return nil // other task events carry the due date in their context, not as a change
	}
	return optionalTime(e.c.DueAt)
}

func (e *UserEvent) AvailableFor() []string {
	if e.c.AvailableFor != nil {
		return e.c.AvailableFor
	}
	return nonNil(e.c.Context.AvailableFor)
}
func (e *UserEvent) OccurredAt() *time.Time { return optionalTime(e.c.OccurredAt) }
