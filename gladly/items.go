package gladly

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Item is one entry of a customer's timeline: a message, call, note, status or topic change…,
// usually within a conversation. Content holds one of the *…Content types below, chosen by the
// content's "type"; types this package does not know decode as *UnknownContent, losing nothing.
type Item struct {
	ID         string `json:"id"`
	CustomerID string `json:"customerId"`
	// ConversationID is empty for timeline items outside any conversation (e.g. sent SMS).
	ConversationID string `json:"conversationId,omitempty"`
	// SessionID names the chat or voice-AI session the item belongs to, when it has one.
	SessionID string      `json:"sessionId,omitempty"`
	Timestamp time.Time   `json:"timestamp"`
	Initiator *Actor      `json:"initiator,omitempty"`
	Responder *Actor      `json:"responder,omitempty"`
	Content   ItemContent `json:"content"`

	// Raw is the object exactly as Gladly sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an item, its content by type, and keeps the raw JSON.
func (it *Item) UnmarshalJSON(b []byte) error {
	type plain Item
	var aux struct {
		plain
		Content json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*it = Item(aux.plain)
	content, err := DecodeItemContent(aux.Content)
	if err != nil {
		return err
	}
	it.Content = content
	it.Raw = bytes.Clone(b)
	return nil
}

// MarshalJSON writes a decoded item back as Gladly sent it; an item built in Go is encoded with
// its content's "type" (unknown content as it was received).
func (it Item) MarshalJSON() ([]byte, error) {
	if len(it.Raw) > 0 {
		return it.Raw, nil
	}
	type plain Item
	content := json.RawMessage("null")
	if it.Content != nil {
		b, err := json.Marshal(it.Content)
		if err != nil {
			return nil, err
		}
		content = b
	}
	return json.Marshal(struct {
		plain
		Content json.RawMessage `json:"content"`
	}{plain(it), content})
}

// VoiceTranscript is the transcript of a phone call or voicemail.
type VoiceTranscript struct {
	Paragraphs       []TranscriptParagraph `json:"paragraphs"`
	CustomerID       string                `json:"customerId,omitempty"`
	NumberOfSpeakers int                   `json:"numberOfSpeakers"`
	Language         string                `json:"language,omitempty"`
	CreatedAt        time.Time             `json:"createdAt,omitzero"`
	UpdatedAt        time.Time             `json:"updatedAt,omitzero"`
}

// TranscriptParagraph is one speaker's turn; times are seconds from the start of the recording.
type TranscriptParagraph struct {
	Transcript string  `json:"transcript"`
	Speaker    int     `json:"speaker"`
	StartTime  float64 `json:"startTime"`
	EndTime    float64 `json:"endTime"`
}

// ListItemsOptions filters a conversation's items.
type ListItemsOptions struct {
	// SessionID keeps only the items of one chat or voice-AI session.
	SessionID string
}

// Get fetches one item. Items of types the API does not serve (deprecated TASK items) answer 400.
// Gladly: GET /api/v1/conversation-items/{itemId} (getItem)
func (s *ItemsService) Get(ctx context.Context, id string) (*Item, *Response, error) {
	return get[*Item](ctx, s.client, "getItem", nil, "/api/v1/conversation-items/%s", id)
}

// ListForConversation returns up to 1000 items of a conversation, oldest first; resp.Limited
// says whether Gladly left newer ones out.
// Gladly: GET /api/v1/conversations/{conversationId}/items (getConversationItems)
func (s *ItemsService) ListForConversation(ctx context.Context, conversationID string, opts *ListItemsOptions) ([]*Item, *Response, error) {
	var q url.Values
	if opts != nil && opts.SessionID != "" {
		q = url.Values{"sessionId": {opts.SessionID}}
	}
	return getList[*Item](ctx, s.client, "getConversationItems", q, "/api/v1/conversations/%s/items", conversationID)
}

// GetVoiceTranscript fetches the transcript of a phone call or voicemail item.
// Gladly: GET /api/v1/conversation-items/{itemId}/voice-transcript (getVoiceTranscript)
func (s *ItemsService) GetVoiceTranscript(ctx context.Context, itemID string) (*VoiceTranscript, *Response, error) {
	return get[*VoiceTranscript](ctx, s.client, "getVoiceTranscript", nil, "/api/v1/conversation-items/%s/voice-transcript", itemID)
}

// GetRecording opens the recording of a phone call or voicemail (single-channel 32 kbps MP3).
// The body is streamed, never buffered: the caller reads and must close it. resp.Header carries
// Content-Type and Content-Length.
// Gladly: GET /api/v1/conversation-items/{itemId}/media/recording (getMedia)
func (s *ItemsService) GetRecording(ctx context.Context, itemID string) (io.ReadCloser, *Response, error) {
	p, err := apiPath("/api/v1/conversation-items/%s/media/recording", itemID)
	if err != nil {
		return nil, nil, err
	}
	req, err := s.client.NewRequest("getMedia", http.MethodGet, p, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Accept = "audio/mpeg"
	req.Uncapped = true // relayed as it arrives, never held whole
	req.Stream = true   // a long call outlasts any total timeout: bounded per read instead
	resp, err := s.client.DoRaw(ctx, req)
	if err != nil {
		return nil, resp, err
	}
	return resp.Body, resp, nil
}
