package gladly

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Item content types (the content's "type"). Gladly adds types within v1; any other value
// decodes as *UnknownContent.
const (
	ContentChatMessage              = "CHAT_MESSAGE"
	ContentConversationStatusChange = "CONVERSATION_STATUS_CHANGE"
	ContentCustomerActivity         = "CUSTOMER_ACTIVITY"
	ContentEmail                    = "EMAIL"
	ContentFacebookMessage          = "FACEBOOK_MESSAGE"
	ContentConversationNote         = "CONVERSATION_NOTE"
	ContentPhoneCall                = "PHONE_CALL"
	ContentSMS                      = "SMS"
	ContentTopicChange              = "TOPIC_CHANGE"
	ContentVoiceAIMessage           = "VOICE_AI_MESSAGE"
	ContentVoicemail                = "VOICEMAIL"
	ContentWhatsApp                 = "WHATSAPP"
	ContentInstagramDirect          = "INSTAGRAM_DIRECT"
	ContentTwitter                  = "TWITTER"
	ContentTask                     = "TASK" // deprecated: tasks live in the Tasks API
)

// Chat message types.
const (
	ChatText               = "TEXT"
	ChatQuickReplyRequest  = "QUICK_REPLY_REQUEST"
	ChatQuickReplyResponse = "QUICK_REPLY_RESPONSE"
)

// Recording statuses of calls and voicemails; the media endpoint serves only AVAILABLE ones.
const (
	RecordingAvailable = "AVAILABLE"
	RecordingDeleted   = "DELETED"
	RecordingError     = "ERROR"
)

// ItemContent is the content of an item: one of the *…Content types of this file.
type ItemContent interface {
	// ContentType is the content's "type" discriminator, e.g. "EMAIL".
	ContentType() string
}

// DecodeItemContent decodes an item's content by its "type". Unknown types, and content whose
// shape does not match its documented type, decode as *UnknownContent so that one odd item never
// hides a timeline. JSON null decodes as nil.
func DecodeItemContent(b []byte) (ItemContent, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil, nil
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, err
	}
	var c ItemContent
	switch head.Type {
	case ContentChatMessage:
		c = new(ChatMessageContent)
	case ContentConversationStatusChange:
		c = new(ConversationStatusChangeContent)
	case ContentCustomerActivity:
		c = new(CustomerActivityContent)
	case ContentEmail:
		c = new(EmailContent)
	case ContentFacebookMessage:
		c = new(FacebookMessageContent)
	case ContentConversationNote:
		c = new(NoteContent)
	case ContentPhoneCall:
		c = new(PhoneCallContent)
	case ContentSMS:
		c = new(SMSContent)
	case ContentTopicChange:
		c = new(TopicChangeContent)
	case ContentVoiceAIMessage:
		c = new(VoiceAIMessageContent)
	case ContentVoicemail:
		c = new(VoicemailContent)
	case ContentWhatsApp:
		c = new(WhatsAppContent)
	case ContentInstagramDirect:
		c = new(InstagramDirectContent)
	case ContentTwitter:
		c = new(TwitterContent)
	case ContentTask:
		c = new(TaskContent)
	}
	if c == nil || json.Unmarshal(b, c) != nil {
		return &UnknownContent{Type: head.Type, Raw: bytes.Clone(b)}, nil
	}
	return c, nil
}

// withType encodes v (a content struct without methods) with "type" first.
func withType(typ string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	t, _ := json.Marshal(typ)
	out := append([]byte(`{"type":`), t...)
	if len(b) > 2 { // not "{}"
		out = append(out, ',')
		out = append(out, b[1:]...)
		return out, nil
	}
	return append(out, '}'), nil
}

// Attachment is a file attached to a message or note.
type Attachment struct {
	ID          string `json:"id"`
	ContentType string `json:"contentType,omitempty"`
	Filename    string `json:"filename,omitempty"`
	FileSize    int64  `json:"fileSize,omitempty"` // bytes
}

// ChatMessageContent is a message of a Gladly Chat session: plain text, a quick-reply request
// (MessageData.Options) or the customer's answer to one (MessageData.QuickReplyRequest,
// SelectedOptionID, RequestMessageID).
type ChatMessageContent struct {
	SessionID   string           `json:"sessionId"`
	Content     string           `json:"content"`
	MessageType string           `json:"messageType,omitempty"` // TEXT when absent
	MessageData *ChatMessageData `json:"messageData,omitempty"`
	Attachments []Attachment     `json:"attachments,omitempty"`
}

// ChatMessageData is the quick-reply part of a chat message.
type ChatMessageData struct {
	// Options are offered by a QUICK_REPLY_REQUEST.
	Options []QuickReplyOption `json:"options,omitempty"`
	// QuickReplyRequest, SelectedOptionID and RequestMessageID describe a QUICK_REPLY_RESPONSE.
	QuickReplyRequest *QuickReplyRequest `json:"quickReplyRequest,omitempty"`
	SelectedOptionID  string             `json:"selectedOptionId,omitempty"`
	RequestMessageID  string             `json:"requestMessageId,omitempty"`
}

// QuickReplyRequest repeats the options a quick-reply response chose from.
type QuickReplyRequest struct {
	Options []QuickReplyOption `json:"options"`
}

// QuickReplyOption is one choice of a quick-reply request.
type QuickReplyOption struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

func (*ChatMessageContent) ContentType() string { return ContentChatMessage }

func (c ChatMessageContent) MarshalJSON() ([]byte, error) {
	type plain ChatMessageContent
	return withType(ContentChatMessage, plain(c))
}

// ConversationStatusChangeContent records a conversation opening or closing.
type ConversationStatusChangeContent struct {
	Status string `json:"status,omitempty"` // OPEN or CLOSED
}

func (*ConversationStatusChangeContent) ContentType() string { return ContentConversationStatusChange }

func (c ConversationStatusChangeContent) MarshalJSON() ([]byte, error) {
	type plain ConversationStatusChangeContent
	return withType(ContentConversationStatusChange, plain(c))
}

// Customer activity types.
const (
	ActivityEmail  = "EMAIL"
	ActivityIssue  = "ISSUE"
	ActivitySMS    = "SMS"
	ActivitySurvey = "SURVEY"
)

// CustomerActivityContent is an event from another system placed on the customer's timeline.
type CustomerActivityContent struct {
	Title           string        `json:"title,omitempty"` // ≤ 100 characters
	Body            string        `json:"body,omitempty"`  // rich content, ≤ 25000 characters
	ActivityType    string        `json:"activityType"`
	SourceName      string        `json:"sourceName,omitempty"`
	Link            *ActivityLink `json:"link,omitempty"`
	ExpandByDefault bool          `json:"expandByDefault,omitempty"`
	OccurredAt      time.Time     `json:"occurredAt,omitzero"`
	ReceivedAt      time.Time     `json:"receivedAt,omitzero"`
}

// ActivityLink is a customer activity's link to its source.
type ActivityLink struct {
	URL  string `json:"url,omitempty"`
	Text string `json:"text,omitempty"`
}

func (*CustomerActivityContent) ContentType() string { return ContentCustomerActivity }

func (c CustomerActivityContent) MarshalJSON() ([]byte, error) {
	type plain CustomerActivityContent
	return withType(ContentCustomerActivity, plain(c))
}

// EmailContent is an email sent or received; Content is its plain text.
type EmailContent struct {
	From        string       `json:"from"`
	To          []string     `json:"to"`
	Cc          []string     `json:"cc,omitempty"`
	Bcc         []string     `json:"bcc,omitempty"`
	Subject     string       `json:"subject"`
	Content     string       `json:"content"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

func (*EmailContent) ContentType() string { return ContentEmail }

func (c EmailContent) MarshalJSON() ([]byte, error) {
	type plain EmailContent
	return withType(ContentEmail, plain(c))
}

// FacebookMessageContent is a Facebook Messenger message.
type FacebookMessageContent struct {
	PageID      string       `json:"pageId"`
	UserID      string       `json:"userId"`
	Content     string       `json:"content"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

func (*FacebookMessageContent) ContentType() string { return ContentFacebookMessage }

func (c FacebookMessageContent) MarshalJSON() ([]byte, error) {
	type plain FacebookMessageContent
	return withType(ContentFacebookMessage, plain(c))
}

// NoteContent is an internal note on a conversation (rich content).
type NoteContent struct {
	Body        string       `json:"body,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

func (*NoteContent) ContentType() string { return ContentConversationNote }

func (c NoteContent) MarshalJSON() ([]byte, error) {
	type plain NoteContent
	return withType(ContentConversationNote, plain(c))
}

// Recording summary statuses.
const (
	SummaryFailed   = "FAILED"
	SummaryReady    = "READY"
	SummaryPending  = "PENDING"
	SummaryRedacted = "REDACTED"
)

// RecordingSummary is Gladly's summary of a call or voicemail recording.
type RecordingSummary struct {
	Status   string `json:"status,omitempty"`
	Summary  string `json:"summary,omitempty"`
	Language string `json:"language,omitempty"`
}

// Seconds is a whole number of seconds. The schema types recordingDuration as an integer but one
// of Gladly's examples sends a string ("100"); both decode. It encodes as an integer.
type Seconds int

// UnmarshalJSON accepts a number, a numeric string or null.
func (s *Seconds) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		b = []byte(str)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return errors.New("gladly: duration is not a number of seconds")
	}
	*s = Seconds(f)
	return nil
}

// Duration converts to a time.Duration.
func (s Seconds) Duration() time.Duration { return time.Duration(s) * time.Second }

// PhoneCallContent is a phone call. RecordingURL is set only while the recording is AVAILABLE.
type PhoneCallContent struct {
	From              string            `json:"from"` // E.164
	To                string            `json:"to"`   // E.164
	StartedAt         time.Time         `json:"startedAt"`
	AnsweredAt        time.Time         `json:"answeredAt,omitzero"`
	CompletedAt       time.Time         `json:"completedAt,omitzero"`
	RecordingStatus   string            `json:"recordingStatus,omitempty"`
	RecordingURL      string            `json:"recordingUrl,omitempty"`
	RecordingDuration Seconds           `json:"recordingDuration,omitempty"`
	RecordingSummary  *RecordingSummary `json:"recordingSummary,omitempty"`
}

func (*PhoneCallContent) ContentType() string { return ContentPhoneCall }

func (c PhoneCallContent) MarshalJSON() ([]byte, error) {
	type plain PhoneCallContent
	return withType(ContentPhoneCall, plain(c))
}

// SMSContent is a text message.
type SMSContent struct {
	From        string       `json:"from"` // E.164
	To          string       `json:"to"`   // E.164
	Content     string       `json:"content"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

func (*SMSContent) ContentType() string { return ContentSMS }

func (c SMSContent) MarshalJSON() ([]byte, error) {
	type plain SMSContent
	return withType(ContentSMS, plain(c))
}

// TopicChangeContent records topics added to or removed from a conversation.
type TopicChangeContent struct {
	AddedTopicIDs   []string `json:"addedTopicIds,omitempty"`
	RemovedTopicIDs []string `json:"removedTopicIds,omitempty"`
}

func (*TopicChangeContent) ContentType() string { return ContentTopicChange }

func (c TopicChangeContent) MarshalJSON() ([]byte, error) {
	type plain TopicChangeContent
	return withType(ContentTopicChange, plain(c))
}

// VoiceAIMessageContent is an utterance of Gladly's voice AI during a call (the item's SessionID
// is the voice-AI session).
type VoiceAIMessageContent struct {
	CustomerNumber string `json:"customerNumber,omitempty"`
	CompanyNumber  string `json:"companyNumber"`
	Body           string `json:"body"`
	Status         string `json:"status,omitempty"` // PLAYED or INTERRUPTED
}

func (*VoiceAIMessageContent) ContentType() string { return ContentVoiceAIMessage }

func (c VoiceAIMessageContent) MarshalJSON() ([]byte, error) {
	type plain VoiceAIMessageContent
	return withType(ContentVoiceAIMessage, plain(c))
}

// VoicemailContent is a voicemail left by a customer.
type VoicemailContent struct {
	StartedAt         time.Time         `json:"startedAt,omitzero"`
	RecordingStatus   string            `json:"recordingStatus,omitempty"`
	RecordingURL      string            `json:"recordingUrl,omitempty"`
	RecordingDuration Seconds           `json:"recordingDuration,omitempty"`
	RecordingSummary  *RecordingSummary `json:"recordingSummary,omitempty"`
}

func (*VoicemailContent) ContentType() string { return ContentVoicemail }

func (c VoicemailContent) MarshalJSON() ([]byte, error) {
	type plain VoicemailContent
	return withType(ContentVoicemail, plain(c))
}

// WhatsAppContent is a WhatsApp message.
type WhatsAppContent struct {
	Content     string       `json:"content"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

func (*WhatsAppContent) ContentType() string { return ContentWhatsApp }

func (c WhatsAppContent) MarshalJSON() ([]byte, error) {
	type plain WhatsAppContent
	return withType(ContentWhatsApp, plain(c))
}

// InstagramDirectContent is an Instagram direct message.
type InstagramDirectContent struct {
	Content     string       `json:"content"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

func (*InstagramDirectContent) ContentType() string { return ContentInstagramDirect }

func (c InstagramDirectContent) MarshalJSON() ([]byte, error) {
	type plain InstagramDirectContent
	return withType(ContentInstagramDirect, plain(c))
}

// TwitterContent is a Twitter message (the channel closed on 2023-04-20; old items stay readable).
type TwitterContent struct {
	Content string `json:"content"`
}

func (*TwitterContent) ContentType() string { return ContentTwitter }

func (c TwitterContent) MarshalJSON() ([]byte, error) {
	type plain TwitterContent
	return withType(ContentTwitter, plain(c))
}

// TaskContent is a task stored as an item, the deprecated form; getItem refuses these.
type TaskContent struct {
	Assignee *Assignee `json:"assignee,omitempty"`
	Body     string    `json:"body,omitempty"`
	DueAt    time.Time `json:"dueAt,omitzero"`
}

func (*TaskContent) ContentType() string { return ContentTask }

func (c TaskContent) MarshalJSON() ([]byte, error) {
	type plain TaskContent
	return withType(ContentTask, plain(c))
}

// UnknownContent is content of a type this package does not model (a custom-channel message, a
// type Gladly added later). Raw is the content object exactly as received and is written back
// unchanged.
type UnknownContent struct {
	Type string
	Raw  json.RawMessage
}

// ContentType is the content's "type" as received (empty when it had none).
func (c *UnknownContent) ContentType() string { return c.Type }

// MarshalJSON writes Raw back unchanged.
func (c UnknownContent) MarshalJSON() ([]byte, error) {
	if len(c.Raw) == 0 {
		return withType(c.Type, struct{}{})
	}
	return c.Raw, nil
}

// CustomChannelMessage is the content of a message on a custom channel. Gladly's spec does not
// name its content type (its "type" is TEXT or FILES), so it arrives as *UnknownContent; see
// UnknownContent.CustomChannel.
type CustomChannelMessage struct {
	CustomChannelID string               `json:"customChannelId"`
	CompanyAddress  string               `json:"companyAddress"`
	CustomerAddress string               `json:"customerAddress"`
	GroupID         string               `json:"groupId,omitempty"`
	GroupName       string               `json:"groupName,omitempty"`
	SessionID       string               `json:"sessionId"`
	Type            string               `json:"type"` // TEXT or FILES
	Content         CustomChannelBody    `json:"content"`
	Status          *CustomChannelStatus `json:"status,omitempty"`
}

// CustomChannelBody is a custom-channel message's text, or its files with an optional caption.
type CustomChannelBody struct {
	Text    string              `json:"text,omitempty"`
	Caption string              `json:"caption,omitempty"`
	Files   []CustomChannelFile `json:"files,omitempty"`
}

// CustomChannelFile is one file of a FILES message; Gladly-hosted URLs need credentials.
type CustomChannelFile struct {
	FileName string `json:"fileName,omitempty"`
	URL      string `json:"url"`
}

// CustomChannelStatus is a custom-channel message's delivery status (SENDING, SENT, ACCEPTED,
// DELIVERED, READ or FAILED) and why.
type CustomChannelStatus struct {
	Value   string `json:"value"`
	Details string `json:"details,omitempty"`
}

// CustomChannel decodes the content as a custom-channel message, recognized by its
// customChannelId; ok is false for any other content.
func (c *UnknownContent) CustomChannel() (msg *CustomChannelMessage, ok bool) {
	var m CustomChannelMessage
	if json.Unmarshal(c.Raw, &m) != nil || m.CustomChannelID == "" {
		return nil, false
	}
	return &m, true
}
