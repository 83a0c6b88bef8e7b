package gladly

import (
	"context"
	"time"
)

// Automation message types.
const (
	AutomationText = "TEXT"
	AutomationMenu = "MENU"
	AutomationHTML = "HTML"
)

// AutomationSession is a conversation a third-party automation (a chat bot) holds with a
// customer over a Gladly channel, until it hands the customer off to an agent or closes.
type AutomationSession struct {
	ID              string    `json:"id"`
	CompanyAddress  string    `json:"companyAddress,omitempty"`
	ConversationID  string    `json:"conversationId,omitempty"`
	CustomerAddress string    `json:"customerAddress,omitempty"`
	CustomerID      string    `json:"customerId,omitempty"`
	EndpointType    string    `json:"endpointType,omitempty"` // CHAT
	CreatedAt       time.Time `json:"createdAt,omitzero"`
	UpdatedAt       time.Time `json:"updatedAt,omitzero"`
	// Target says who answers the customer now: AUTOMATION, or AGENT after a handoff.
	Target *AutomationTarget `json:"target,omitempty"`
}

// AutomationTarget is who holds an automation session.
type AutomationTarget struct {
	TargetType string `json:"targetType"`
}

// AutomationMessage is one message of an automation session, from the customer or to them.
type AutomationMessage struct {
	ID        string            `json:"id"`
	SessionID string            `json:"sessionId,omitempty"`
	Type      string            `json:"type"` // TEXT, MENU or HTML
	Content   AutomationContent `json:"content"`
	From      *Actor            `json:"from,omitempty"`
	CreatedAt time.Time         `json:"createdAt,omitzero"`
	// Context depends on the channel; for chat: "URL" (the page the chat started on) and
	// "IsAuthenticated" ("true" or "false").
	Context map[string]string `json:"context,omitempty"`
}

// AutomationContent holds one of two shapes: Value (TEXT and HTML messages), or Prompt with
// MenuItems (MENU messages).
type AutomationContent struct {
	Value     string     `json:"value,omitempty"`
	Prompt    string     `json:"prompt,omitempty"`
	MenuItems []MenuItem `json:"menuItems,omitempty"`
}

// MenuItem is one choice of a MENU message.
type MenuItem struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// GetSession fetches an automation session.
// Gladly: GET /api/v1/message-automation/sessions/{sessionId} (getAutomationSession)
func (s *AutomationService) GetSession(ctx context.Context, sessionID string) (*AutomationSession, *Response, error) {
	return get[*AutomationSession](ctx, s.client, "getAutomationSession", nil, "/api/v1/message-automation/sessions/%s", sessionID)
}

// ListMessages returns the messages of an automation session, oldest first.
// Gladly: GET /api/v1/message-automation/sessions/{sessionId}/messages (getAutomationSessionMessages)
func (s *AutomationService) ListMessages(ctx context.Context, sessionID string) ([]*AutomationMessage, *Response, error) {
	return getList[*AutomationMessage](ctx, s.client, "getAutomationSessionMessages", nil, "/api/v1/message-automation/sessions/%s/messages", sessionID)
}

// GetMessage fetches one message of an automation session.
// Gladly: GET /api/v1/message-automation/sessions/{sessionId}/messages/{messageId} (getAutomationSessionMessage)
func (s *AutomationService) GetMessage(ctx context.Context, sessionID, messageID string) (*AutomationMessage, *Response, error) {
	return get[*AutomationMessage](ctx, s.client, "getAutomationSessionMessage", nil, "/api/v1/message-automation/sessions/%s/messages/%s", sessionID, messageID)
}
