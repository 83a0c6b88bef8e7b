package gladly

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
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
	return decodeKeepingRaw(b, (*plain)(c), &c.Raw)
}

// MarshalJSON writes a conversation back as Gladly sent it (from its fields when built in Go).
func (c Conversation) MarshalJSON() ([]byte, error) {
	type plain Conversation
	return encodeRawOr(c.Raw, plain(c))
}

// ConversationAttribute is one freeform-topic value on a conversation.
type ConversationAttribute struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// AssigneeUpdate is the new assignee of a conversation or task: an inbox, and optionally an agent
// in it. An empty AgentID is sent as "agentId": null, which leaves the work in the inbox with no
// agent — the way Gladly's own samples unassign.
type AssigneeUpdate struct {
	InboxID string
	AgentID string
}

// MarshalJSON writes {"inboxId": …, "agentId": … or null}.
func (a AssigneeUpdate) MarshalJSON() ([]byte, error) {
	var agent *string
	if a.AgentID != "" {
		agent = &a.AgentID
	}
	return json.Marshal(struct {
		InboxID string  `json:"inboxId"`
		AgentID *string `json:"agentId"`
	}{a.InboxID, agent})
}

// UpdateConversationRequest is the body of patchConversation: a new assignee, a new status, or
// both. Nil fields are left alone.
type UpdateConversationRequest struct {
	Assignee *AssigneeUpdate           `json:"assignee,omitempty"`
	Status   *ConversationStatusUpdate `json:"status,omitempty"`
}

// ConversationStatusUpdate sets a conversation OPEN or CLOSED (WAITING cannot be set).
type ConversationStatusUpdate struct {
	Value string `json:"value"`
	// Force closes the conversation even though the customer still awaits a response.
	Force bool `json:"force,omitempty"`
}

// Get fetches a conversation.
// Gladly: GET /api/v1/conversations/{conversationId} (getConversation)
func (s *ConversationsService) Get(ctx context.Context, id string) (*Conversation, *Response, error) {
	return get[*Conversation](ctx, s.client, "getConversation", nil, "/api/v1/conversations/%s", id)
}

// ListForCustomer returns up to 100 of a customer's conversations, oldest first; resp.Limited
// says whether Gladly left newer ones out.
// Gladly: GET /api/v1/customers/{customerId}/conversations (getConversations)
func (s *ConversationsService) ListForCustomer(ctx context.Context, customerID string) ([]*Conversation, *Response, error) {
	return getList[*Conversation](ctx, s.client, "getConversations", nil, "/api/v1/customers/%s/conversations", customerID)
}

// Update changes a conversation's assignee, status or both. Gladly refuses (400 invalid_state)
// to close a conversation without topics when the organization requires them, or while the
// customer awaits a response unless Status.Force is set; to reassign a closed conversation; and
// to assign an agent who is not in the inbox.
// Gladly: PATCH /api/v1/conversations/{conversationId} (patchConversation)
func (s *ConversationsService) Update(ctx context.Context, id string, body *UpdateConversationRequest) (*Response, error) {
	return s.client.call(ctx, "patchConversation", http.MethodPatch, nil, body, nil, "/api/v1/conversations/%s", id)
}

// AddTopics adds topics to a conversation; topics it already has are ignored.
// Gladly: POST /api/v1/conversations/{conversationId}/topics (addTopicToConversation)
func (s *ConversationsService) AddTopics(ctx context.Context, id string, topicIDs ...string) (*Response, error) {
	body := struct {
		TopicIDs []string `json:"topicIds"`
	}{topicIDs}
	return s.client.call(ctx, "addTopicToConversation", http.MethodPost, nil, body, nil, "/api/v1/conversations/%s/topics", id)
}

// RemoveTopic removes a topic from a conversation.
// Gladly: DELETE /api/v1/conversations/{conversationId}/topics/{topicId} (deleteTopicFromConversation)
func (s *ConversationsService) RemoveTopic(ctx context.Context, id, topicID string) (*Response, error) {
	return s.client.call(ctx, "deleteTopicFromConversation", http.MethodDelete, nil, nil, nil, "/api/v1/conversations/%s/topics/%s", id, topicID)
}

// AddNote adds a note (plain text or rich content) to a conversation and returns the note's id.
// The body carries no id, so the request is never repeated: after a transport error the note may
// or may not exist.
//
// The spec's schema lists a "body" property but requires "content", and its example sends
// {"content": {"body": …}} — the shape a note also has when read back; that is what is sent.
// Gladly: POST /api/v1/conversations/{conversationId}/notes (addNoteToConversation)
func (s *ConversationsService) AddNote(ctx context.Context, id, body string) (string, *Response, error) {
	type noteContent struct {
		Body string `json:"body"`
	}
	req := struct {
		Content noteContent `json:"content"`
	}{noteContent{body}}
	resp, err := s.client.call(ctx, "addNoteToConversation", http.MethodPost, nil, req, nil, "/api/v1/conversations/%s/notes", id)
	if err != nil {
		return "", resp, err
	}
	return lastSegment(resp.Location), resp, nil
}

// GetNote fetches a note of a conversation (an item whose content is *NoteContent).
// Gladly: GET /api/v1/conversations/{conversationId}/notes/{noteId} (getNoteFromConversation)
func (s *ConversationsService) GetNote(ctx context.Context, conversationID, noteID string) (*Item, *Response, error) {
	return get[*Item](ctx, s.client, "getNoteFromConversation", nil, "/api/v1/conversations/%s/notes/%s", conversationID, noteID)
}

// lastSegment returns the unescaped last path segment of a Location ("" when there is none).
func lastSegment(location string) string {
	u, err := url.Parse(location)
	if err != nil {
		return ""
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	seg := p[strings.LastIndexByte(p, '/')+1:]
	if s, err := url.PathUnescape(seg); err == nil {
		return s
	}
	return seg
}
