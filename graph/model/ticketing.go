package model

import (
	"encoding/json"
	"html"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// The ticketing connections.
type (
	ContactConnection = Connection[*Contact]
	ContactEdge       = Edge[*Contact]
	TicketConnection  = Connection[*Ticket]
	TicketEdge        = Edge[*Ticket]
	CommentConnection = Connection[*Comment]
	CommentEdge       = Edge[*Comment]
)

// Contact is a Gladly customer profile as the unified Contact.
type Contact struct{ *gladly.Customer }

// NewContact wraps a customer (nil stays nil).
func NewContact(c *gladly.Customer) *Contact {
	if c == nil {
		return nil
	}
	return &Contact{c}
}

// NewContacts wraps customers.
func NewContacts(cs []*gladly.Customer) []*Contact { return wrapAll(cs, NewContact) }

func (c *Contact) Name() *string               { return optional(c.Customer.Name) }
func (c *Contact) Address() *string            { return optional(c.Customer.Address) }
func (c *Contact) Image() *string              { return optional(c.Customer.Image) }
func (c *Contact) ExternalCustomerID() *string { return optional(c.Customer.ExternalCustomerID) }
func (c *Contact) UpdatedAt() *time.Time       { return optionalTime(c.Customer.UpdatedAt) }
func (c *Contact) RemoteData() json.RawMessage { return rawOrEncoded(c.Raw, c.Customer) }

// Email is the primary address, else the first; nil when the contact has none.
func (c *Contact) Email() *string {
	if len(c.Emails) == 0 {
		return nil
	}
	for _, e := range c.Emails {
		if e.Primary {
			return &e.Original
		}
	}
	return &c.Emails[0].Original
}

func (c *Contact) ContactEmails() []*ContactEmail {
	out := make([]*ContactEmail, len(c.Emails))
	for i, e := range c.Emails {
		out[i] = &ContactEmail{Address: e.Original, Normalized: optional(e.Normalized), Primary: e.Primary}
	}
	return out
}

func (c *Contact) ContactPhones() []*ContactPhone {
	out := make([]*ContactPhone, len(c.Phones))
	for i, p := range c.Phones {
		typ := PhoneType(p.Type)
		if !typ.IsValid() {
			typ = PhoneTypeOther // Gladly omits the type (or sends "") for OTHER
		}
		var pref *SmsPreference
		if p.SMSPreference != "" {
			sp := SmsPreference(p.SMSPreference)
			pref = &sp
		}
		out[i] = &ContactPhone{Number: p.Original, Normalized: optional(p.Normalized), Type: typ,
			Extension: optional(p.Extension), RegionCode: optional(p.RegionCode), Primary: p.Primary, SmsPreference: pref}
	}
	return out
}

// ExternalIDs lists the external customer ids, sorted by key.
func (c *Contact) ExternalIDs() []*ExternalCustomerID {
	keys := make([]string, 0, len(c.ExternalCustomerIDs))
	for k := range c.ExternalCustomerIDs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]*ExternalCustomerID, len(keys))
	for i, k := range keys {
		out[i] = &ExternalCustomerID{Key: k, Value: c.ExternalCustomerIDs[k]}
	}
	return out
}

// Attributes is the profile's custom attributes as a JSON object ({} when none).
func (c *Contact) Attributes() json.RawMessage {
	if len(c.CustomAttributes) == 0 {
		return json.RawMessage("{}")
	}
	b, err := json.Marshal(c.CustomAttributes)
	if err != nil {
		return json.RawMessage("{}")
	}
	return b
}

// Ticket is a Gladly task as the unified Ticket.
type Ticket struct{ *gladly.Task }

// NewTicket wraps a task (nil stays nil).
func NewTicket(t *gladly.Task) *Ticket {
	if t == nil {
		return nil
	}
	return &Ticket{t}
}

// NewTickets wraps tasks.
func NewTickets(ts []*gladly.Task) []*Ticket { return wrapAll(ts, NewTicket) }

func (t *Ticket) Name() string                { return FirstLine(t.Body) }
func (t *Ticket) Description() string         { return t.Body }
func (t *Ticket) Status() TicketStatus        { return TicketStatus(t.Task.Status) }
func (t *Ticket) DueAt() *time.Time           { return optionalTime(t.Task.DueAt) }
func (t *Ticket) CreatedAt() time.Time        { return t.Timestamp }
func (t *Ticket) Creator() *Actor             { return NewActor(t.CreatedBy) }
func (t *Ticket) RemoteData() json.RawMessage { return rawOrEncoded(t.Raw, t.Task) }

// Assignee is where the task is assigned (nil when Gladly sent none).
func (t *Ticket) Assignee() *Assignee { return NewAssignee(t.Task.Assignee) }

var (
	blockBreak = regexp.MustCompile(`(?i)<\s*(br|/?p|/?div|/?h[1-6]|/?li|/?tr|hr)\b[^>]*>`)
	anyTag     = regexp.MustCompile(`<[^>]*>`)
)

// FirstLine returns the plain-text first line of rich content: block elements and line breaks end
// lines, other tags are dropped, entities decoded, space trimmed.
func FirstLine(richText string) string {
	s := blockBreak.ReplaceAllString(richText, "\n")
	s = anyTag.ReplaceAllString(s, "")
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.Join(strings.Fields(html.UnescapeString(line)), " ")
		if line != "" {
			return line
		}
	}
	return ""
}

// Comment is a Gladly task comment as the unified Comment.
type Comment struct{ *gladly.TaskComment }

// NewComment wraps a task comment (nil stays nil).
func NewComment(c *gladly.TaskComment) *Comment {
	if c == nil {
		return nil
	}
	return &Comment{c}
}

// NewComments wraps task comments.
func NewComments(cs []*gladly.TaskComment) []*Comment { return wrapAll(cs, NewComment) }

func (c *Comment) Body() string                { return c.TaskComment.Comment }
func (c *Comment) RemoteData() json.RawMessage { return rawOrEncoded(c.Raw, c.TaskComment) }
