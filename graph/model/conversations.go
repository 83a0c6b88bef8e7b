package model

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// The conversation connections.
type (
	ConversationConnection     = Connection[*Conversation]
	ConversationEdge           = Edge[*Conversation]
	ConversationItemConnection = Connection[*ConversationItem]
	ConversationItemEdge       = Edge[*ConversationItem]
)

// Conversation is a Gladly conversation.
type Conversation struct{ *gladly.Conversation }

// NewConversation wraps a conversation (nil stays nil).
func NewConversation(c *gladly.Conversation) *Conversation {
	if c == nil {
		return nil
	}
	return &Conversation{c}
}

// NewConversations wraps conversations.
func NewConversations(cs []*gladly.Conversation) []*Conversation { return wrapAll(cs, NewConversation) }

func (c *Conversation) Status() ConversationStatus  { return ConversationStatus(c.Conversation.Status) }
func (c *Conversation) ClosedAt() *time.Time        { return optionalTime(c.Conversation.ClosedAt) }
func (c *Conversation) RemoteData() json.RawMessage { return rawOrEncoded(c.Raw, c.Conversation) }

// Assignee is the conversation's inbox and agent.
func (c *Conversation) Assignee() *Assignee {
	return &Assignee{InboxID: c.InboxID, UserID: c.AgentID}
}

// Attributes lists the conversation's freeform-topic values in Gladly's order.
func (c *Conversation) Attributes() []*ConversationCustomAttribute {
	out := make([]*ConversationCustomAttribute, len(c.CustomAttributes))
	for i, a := range c.CustomAttributes {
		out[i] = &ConversationCustomAttribute{ID: a.ID, Value: a.Value}
	}
	return out
}

// ConversationCustomAttribute is one freeform-topic value; its definition is a join.
type ConversationCustomAttribute struct {
	ID    string
	Value string
}

// ConversationItem is an entry of a conversation or of a customer's timeline.
type ConversationItem struct{ *gladly.Item }

// NewConversationItem wraps an item (nil stays nil).
func NewConversationItem(it *gladly.Item) *ConversationItem {
	if it == nil {
		return nil
	}
	return &ConversationItem{it}
}

// NewConversationItems wraps items.
func NewConversationItems(its []*gladly.Item) []*ConversationItem {
	return wrapAll(its, NewConversationItem)
}

func (it *ConversationItem) SessionID() *string { return optional(it.Item.SessionID) }
func (it *ConversationItem) Initiator() *Actor  { return NewActor(it.Item.Initiator) }
func (it *ConversationItem) Responder() *Actor  { return NewActor(it.Item.Responder) }

// ItemContent maps the item's content to the schema's union member. Content that reads as
// UnknownContent carries the item's content exactly as Gladly sent it.
func (it *ConversationItem) ItemContent() ConversationItemContent {
	out := NewItemContent(it.Content)
	if u, ok := out.(*UnknownContent); ok && len(it.Raw) > 0 {
		var raw struct {
			Content json.RawMessage `json:"content"`
		}
		if json.Unmarshal(it.Raw, &raw) == nil && len(raw.Content) > 0 {
			u.Raw = raw.Content
		}
	}
	return out
}

// Recording returns the item's recording, if its kind has one and it is available.
func (it *ConversationItem) Recording() (duration int, ok bool) {
	switch c := it.Content.(type) {
	case *gladly.PhoneCallContent:
		return int(c.RecordingDuration), c.RecordingStatus == "AVAILABLE"
	case *gladly.VoicemailContent:
		return int(c.RecordingDuration), c.RecordingStatus == "AVAILABLE"
	}
	return 0, false
}

// ChatMessageContent is a chat message; the quick-reply request it answers is a join.
type ChatMessageContent struct {
	SessionID         string
	MessageType       ChatMessageType
	Text              string
	Attachments       []*ConversationAttachment
	QuickReplyOptions []*QuickReplyOption
	SelectedOption    *QuickReplyOption
	// RequestMessageID is the quick-reply request a response answers.
	RequestMessageID string
}

func (ChatMessageContent) IsConversationItemContent() {}

// TopicChangeContent is a change of a conversation's topics; the topics are joins.
type TopicChangeContent struct {
	AddedTopicIDs   []string
	RemovedTopicIDs []string
}

func (TopicChangeContent) IsConversationItemContent() {}

// NewItemContent maps Gladly's item content to the union member of its kind; content of a kind
// the schema does not know, or whose enum values it cannot represent (values Gladly added
// later), is UnknownContent with the raw JSON.
func NewItemContent(c gladly.ItemContent) ConversationItemContent {
	out := itemContent(c)
	if _, unknown := out.(*UnknownContent); unknown || representable(out) {
		return out
	}
	raw, _ := json.Marshal(c)
	return &UnknownContent{Type: c.ContentType(), Raw: raw}
}

// representable reports whether every enum value of mapped content is one the schema has.
func representable(c ConversationItemContent) bool {
	switch c := c.(type) {
	case *ChatMessageContent:
		return c.MessageType.IsValid()
	case *ConversationStatusChangeContent:
		return c.Status.IsValid()
	case *CustomerActivityContent:
		return c.ActivityType.IsValid()
	case *PhoneCallContent:
		return (c.RecordingStatus == nil || c.RecordingStatus.IsValid()) && (c.RecordingSummary == nil || c.RecordingSummary.Status.IsValid())
	case *VoicemailContent:
		return (c.RecordingStatus == nil || c.RecordingStatus.IsValid()) && (c.RecordingSummary == nil || c.RecordingSummary.Status.IsValid())
	case *VoiceAiMessageContent:
		return c.Status == nil || c.Status.IsValid()
	case *CustomChannelMessageContent:
		return c.MessageType.IsValid() && c.Status.IsValid()
	}
	return true
}

func itemContent(c gladly.ItemContent) ConversationItemContent {
	switch c := c.(type) {
	case *gladly.ChatMessageContent:
		out := &ChatMessageContent{SessionID: c.SessionID, MessageType: ChatMessageTypeText, Text: c.Content,
			Attachments: attachments(c.Attachments), QuickReplyOptions: []*QuickReplyOption{}}
		if c.MessageType != "" { // Gladly omits it for plain text
			out.MessageType = ChatMessageType(c.MessageType)
		}
		if d := c.MessageData; d != nil {
			opts := d.Options
			if d.QuickReplyRequest != nil && len(opts) == 0 {
				opts = d.QuickReplyRequest.Options
			}
			for _, o := range opts {
				opt := &QuickReplyOption{ID: o.ID, Label: o.Label}
				out.QuickReplyOptions = append(out.QuickReplyOptions, opt)
				if o.ID == d.SelectedOptionID {
					out.SelectedOption = opt
				}
			}
			out.RequestMessageID = d.RequestMessageID
		}
		return out
	case *gladly.ConversationStatusChangeContent:
		return &ConversationStatusChangeContent{Status: ConversationStatus(c.Status)}
	case *gladly.CustomerActivityContent:
		out := &CustomerActivityContent{Title: optional(c.Title), Body: optional(c.Body), ActivityType: CustomerActivityType(c.ActivityType),
			SourceName: optional(c.SourceName), ExpandByDefault: c.ExpandByDefault, OccurredAt: optionalTime(c.OccurredAt), ReceivedAt: optionalTime(c.ReceivedAt)}
		if c.Link != nil {
			out.Link = &CustomerActivityLink{URL: c.Link.URL, Text: optional(c.Link.Text)}
		}
		return out
	case *gladly.EmailContent:
		return &EmailContent{From: c.From, To: nonNil(c.To), Cc: nonNil(c.Cc), Bcc: nonNil(c.Bcc), Subject: c.Subject,
			Text: c.Content, Attachments: attachments(c.Attachments)}
	case *gladly.FacebookMessageContent:
		return &FacebookMessageContent{PageID: c.PageID, FacebookUserID: c.UserID, Text: c.Content, Attachments: attachments(c.Attachments)}
	case *gladly.NoteContent:
		return &NoteContent{Body: c.Body, Attachments: attachments(c.Attachments)}
	case *gladly.PhoneCallContent:
		return &PhoneCallContent{From: c.From, To: c.To, StartedAt: c.StartedAt, AnsweredAt: optionalTime(c.AnsweredAt),
			CompletedAt: optionalTime(c.CompletedAt), RecordingStatus: recordingStatus(c.RecordingStatus),
			RecordingDurationSeconds: optionalSeconds(c.RecordingDuration), RecordingSummary: recordingSummary(c.RecordingSummary)}
	case *gladly.SMSContent:
		return &SmsContent{From: c.From, To: c.To, Text: c.Content, Attachments: attachments(c.Attachments)}
	case *gladly.TopicChangeContent:
		return &TopicChangeContent{AddedTopicIDs: c.AddedTopicIDs, RemovedTopicIDs: c.RemovedTopicIDs}
	case *gladly.VoiceAIMessageContent:
		out := &VoiceAiMessageContent{CustomerNumber: optional(c.CustomerNumber), CompanyNumber: c.CompanyNumber, Body: c.Body}
		if c.Status != "" {
			s := VoiceAiMessageStatus(c.Status)
			out.Status = &s
		}
		return out
	case *gladly.VoicemailContent:
		return &VoicemailContent{StartedAt: optionalTime(c.StartedAt), RecordingStatus: recordingStatus(c.RecordingStatus),
			RecordingDurationSeconds: optionalSeconds(c.RecordingDuration), RecordingSummary: recordingSummary(c.RecordingSummary)}
	case *gladly.WhatsAppContent:
		return &WhatsAppContent{Text: c.Content, Attachments: attachments(c.Attachments)}
	case *gladly.InstagramDirectContent:
		return &InstagramDirectContent{Text: c.Content, Attachments: attachments(c.Attachments)}
	case *gladly.TwitterContent:
		return &TwitterContent{Text: c.Content}
	case *gladly.TaskContent:
		return &TaskContent{Body: c.Body, DueAt: optionalTime(c.DueAt), Assignee: NewAssignee(c.Assignee)}
	case *gladly.UnknownContent:
		if cc, ok := c.CustomChannel(); ok {
			return customChannel(cc)
		}
		return &UnknownContent{Type: c.Type, Raw: c.Raw}
	}
	raw, _ := json.Marshal(c)
	typ := ""
	if c != nil {
		typ = c.ContentType()
	}
	return &UnknownContent{Type: typ, Raw: raw}
}

func customChannel(c *gladly.CustomChannelMessage) *CustomChannelMessageContent {
	out := &CustomChannelMessageContent{CustomChannelID: c.CustomChannelID, CompanyAddress: c.CompanyAddress, CustomerAddress: c.CustomerAddress,
		GroupID: optional(c.GroupID), GroupName: optional(c.GroupName), SessionID: c.SessionID, MessageType: CustomChannelMessageType(c.Type),
		Text: optional(c.Content.Text), Caption: optional(c.Content.Caption), Files: []*CustomChannelFile{}, Status: CustomChannelMessageStatusSent}
	for _, f := range c.Content.Files {
		out.Files = append(out.Files, &CustomChannelFile{FileName: optional(f.FileName), URL: f.URL})
	}
	if c.Status != nil {
		out.Status = CustomChannelMessageStatus(c.Status.Value)
		out.StatusDetails = optional(c.Status.Details)
	}
	return out
}

func attachments(as []gladly.Attachment) []*ConversationAttachment {
	out := make([]*ConversationAttachment, len(as))
	for i, a := range as {
		out[i] = &ConversationAttachment{ID: a.ID, ContentType: optional(a.ContentType), Filename: optional(a.Filename)}
		if a.FileSize > 0 {
			n := int(a.FileSize)
			out[i].FileSizeBytes = &n
		}
	}
	return out
}

func recordingStatus(s string) *RecordingStatus {
	if s == "" {
		return nil
	}
	r := RecordingStatus(s)
	return &r
}

func recordingSummary(s *gladly.RecordingSummary) *RecordingSummary {
	if s == nil {
		return nil
	}
	return &RecordingSummary{Status: RecordingSummaryStatus(s.Status), Summary: optional(s.Summary), Language: optional(s.Language)}
}

func optionalSeconds(s gladly.Seconds) *int {
	if s == 0 {
		return nil
	}
	n := int(s)
	return &n
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// VoiceTranscript is the transcript of a call or voicemail.
type VoiceTranscript struct{ *gladly.VoiceTranscript }

// NewVoiceTranscript wraps a transcript (nil stays nil).
func NewVoiceTranscript(t *gladly.VoiceTranscript) *VoiceTranscript {
	if t == nil {
		return nil
	}
	return &VoiceTranscript{t}
}

func (t *VoiceTranscript) SpeakerCount() int     { return t.NumberOfSpeakers }
func (t *VoiceTranscript) Language() *string     { return optional(t.VoiceTranscript.Language) }
func (t *VoiceTranscript) CreatedAt() *time.Time { return optionalTime(t.VoiceTranscript.CreatedAt) }
func (t *VoiceTranscript) UpdatedAt() *time.Time { return optionalTime(t.VoiceTranscript.UpdatedAt) }

// TranscriptParagraphs maps the paragraphs.
func (t *VoiceTranscript) TranscriptParagraphs() []*VoiceTranscriptParagraph {
	out := make([]*VoiceTranscriptParagraph, len(t.Paragraphs))
	for i, p := range t.Paragraphs {
		out[i] = &VoiceTranscriptParagraph{Text: p.Transcript, Speaker: p.Speaker, StartSeconds: p.StartTime, EndSeconds: p.EndTime}
	}
	return out
}

// Text is the whole transcript, one paragraph per line.
func (t *VoiceTranscript) Text() string {
	parts := make([]string, len(t.Paragraphs))
	for i, p := range t.Paragraphs {
		parts[i] = p.Transcript
	}
	return strings.Join(parts, "\n")
}
