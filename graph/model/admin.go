package model

import (
	"encoding/json"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// The admin connections.
type (
	WebhookConnection           = Connection[*Webhook]
	WebhookEdge                 = Edge[*Webhook]
	EventConnection             = Connection[*Event]
	EventEdge                   = Edge[*Event]
	ExportScheduleConnection    = Connection[*ExportSchedule]
	ExportScheduleEdge          = Edge[*ExportSchedule]
	ExportJobConnection         = Connection[*ExportJob]
	ExportJobEdge               = Edge[*ExportJob]
	AutomationMessageConnection = Connection[*AutomationMessage]
	AutomationMessageEdge       = Edge[*AutomationMessage]
)

// Webhook is a webhook subscription; credentials and header values are write-only in Gladly.
type Webhook struct{ *gladly.Webhook }

// NewWebhook wraps a webhook (nil stays nil).
func NewWebhook(w *gladly.Webhook) *Webhook {
	if w == nil {
		return nil
	}
	return &Webhook{w}
}

func (w *Webhook) Name() *string         { return optional(w.Webhook.Name) }
func (w *Webhook) CreatedAt() *time.Time { return optionalTime(w.Webhook.CreatedAt) }
func (w *Webhook) UpdatedAt() *time.Time { return optionalTime(w.Webhook.UpdatedAt) }
func (w *Webhook) DisabledAtDueToRetryLimit() *time.Time {
	return optionalTime(w.Webhook.DisabledAtDueToRetryLimit)
}
func (w *Webhook) HeaderKeys() []string { return nonNil(w.Webhook.HeaderKeys) }

// Event is an entry of the event stream; what it refers to are joins.
type Event struct{ *gladly.Event }

// NewEvent wraps an event (nil stays nil).
func NewEvent(e *gladly.Event) *Event {
	if e == nil {
		return nil
	}
	return &Event{e}
}

func (e *Event) Initiator() *Actor { return NewActor(e.Event.Initiator) }

// ExportSchedule is the organization's export schedule.
type ExportSchedule struct{ *gladly.ExportSchedule }

// NewExportSchedule wraps a schedule (nil stays nil).
func NewExportSchedule(s *gladly.ExportSchedule) *ExportSchedule {
	if s == nil {
		return nil
	}
	return &ExportSchedule{s}
}

func (s *ExportSchedule) Frequency() ExportFrequency {
	return ExportFrequency(s.ExportSchedule.Frequency)
}
func (s *ExportSchedule) ExportType() ExportType  { return ExportType(s.Type) }
func (s *ExportSchedule) NextStartAt() *time.Time { return optionalTime(s.ExportSchedule.NextStartAt) }
func (s *ExportSchedule) UpdatedAt() *time.Time   { return optionalTime(s.ExportSchedule.UpdatedAt) }

// ExportJob is an export run; its schedule is a join.
type ExportJob struct{ *gladly.ExportJob }

// NewExportJob wraps a job (nil stays nil).
func NewExportJob(j *gladly.ExportJob) *ExportJob {
	if j == nil {
		return nil
	}
	return &ExportJob{j}
}

func (j *ExportJob) Status() ExportJobStatus { return ExportJobStatus(j.ExportJob.Status) }
func (j *ExportJob) UpdatedAt() *time.Time   { return optionalTime(j.ExportJob.UpdatedAt) }
func (j *ExportJob) Files() []string         { return nonNil(j.ExportJob.Files) }

// Parameters is null when Gladly sent none. CONVERSATIONS is the only export Gladly runs, so
// parameters that name a period without a type are conversations.
func (j *ExportJob) Parameters() *ExportJobParameters {
	p := j.ExportJob.Parameters
	if p.Type == "" && p.StartAt.IsZero() && p.EndAt.IsZero() {
		return nil
	}
	typ := ExportType(p.Type)
	if typ == "" {
		typ = ExportTypeConversations
	}
	return &ExportJobParameters{Type: typ, StartAt: optionalTime(p.StartAt), EndAt: optionalTime(p.EndAt)}
}

// AutomationMessage is a message of a message-automation session.
type AutomationMessage struct{ *gladly.AutomationMessage }

// NewAutomationMessage wraps a message (nil stays nil).
func NewAutomationMessage(m *gladly.AutomationMessage) *AutomationMessage {
	if m == nil {
		return nil
	}
	return &AutomationMessage{m}
}

func (m *AutomationMessage) MessageType() AutomationMessageType {
	return AutomationMessageType(m.AutomationMessage.Type)
}
func (m *AutomationMessage) Body() *string   { return optional(m.Content.Value) }
func (m *AutomationMessage) Prompt() *string { return optional(m.Content.Prompt) }
func (m *AutomationMessage) From() *Actor    { return NewActor(m.AutomationMessage.From) }
func (m *AutomationMessage) CreatedAt() *time.Time {
	return optionalTime(m.AutomationMessage.CreatedAt)
}
func (m *AutomationMessage) MenuItems() []*AutomationMenuItem {
	out := make([]*AutomationMenuItem, len(m.Content.MenuItems))
	for i, it := range m.Content.MenuItems {
		out[i] = &AutomationMenuItem{ID: it.ID, Label: it.Label}
	}
	return out
}

// MessageContext is the message's context (page URL, authentication) as a JSON object.
func (m *AutomationMessage) MessageContext() json.RawMessage {
	if len(m.Context) == 0 {
		return nil
	}
	b, _ := json.Marshal(m.Context)
	return b
}
