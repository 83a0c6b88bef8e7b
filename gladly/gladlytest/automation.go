package gladlytest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

func (s *Server) automationRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/message-automation/sessions/{sessionId}", op: "getAutomationSession", h: s.getAutomationSession},
		{pattern: "GET /api/v1/message-automation/sessions/{sessionId}/messages", op: "getAutomationSessionMessages", h: s.getAutomationSessionMessages},
		{pattern: "GET /api/v1/message-automation/sessions/{sessionId}/messages/{messageId}", op: "getAutomationSessionMessage", h: s.getAutomationSessionMessage},
	}
}

// The automation API answers every miss with the same body.
func automationNotFound(w http.ResponseWriter) { notFound(w, "entity does not exist") }

func (s *Server) getAutomationSession(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.db.admin.sessions.get(r.PathValue("sessionId"))
	if !ok {
		automationNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, sess)
}

func (s *Server) getAutomationSessionMessages(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("sessionId")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.db.admin.sessions.has(id) {
		automationNotFound(w)
		return
	}
	msgs := s.db.admin.messages[id]
	if msgs == nil {
		msgs = []*gladly.AutomationMessage{}
	}
	writeJSON(w, http.StatusOK, msgs)
}

func (s *Server) getAutomationSessionMessage(w http.ResponseWriter, r *http.Request) {
	id, msgID := r.PathValue("sessionId"), r.PathValue("messageId")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.db.admin.messages[id] {
		if m.ID == msgID {
			writeJSON(w, http.StatusOK, m)
			return
		}
	}
	automationNotFound(w)
}

// automationMessageID derives a stable message id in Gladly's shape for automation messages:
// 24 hex digits (e.g. 626c058b82388c00f4770ede).
func automationMessageID(name string) string {
	sum := sha256.Sum256([]byte("gladlytest/automation-message/" + name))
	return hex.EncodeToString(sum[:12])
}

// DemoAutomationMessageID returns the id of the n-th message (from 0) of the demo automation
// session.
func DemoAutomationMessageID(n int) string {
	return automationMessageID(DemoAutomationSessionID + "/" + string(rune('a'+n)))
}

// seedAutomation records Ada's chat with the organization's bot: she asks about her order, the
// bot offers a menu, she picks, the bot answers.
func (s *Server) seedAutomation() {
	started := s.seedEpoch().Add(-2 * time.Hour)
	bot := &gladly.Actor{ID: fixtureID("automation/ada-bot"), Type: gladly.ActorAutomation}
	ada := &gladly.Actor{ID: DemoCustomerID, Type: gladly.ActorCustomer}
	chatContext := map[string]string{"URL": "https://shop.babbage.example.com/orders/AL-1815", "IsAuthenticated": "true"}
	msgs := []*gladly.AutomationMessage{
		{Type: gladly.AutomationText, From: ada, Content: gladly.AutomationContent{Value: "Hi! Where is my order AL-1815?"}},
		{Type: gladly.AutomationMenu, From: bot, Content: gladly.AutomationContent{Prompt: "What can we help you with?",
			MenuItems: []gladly.MenuItem{{ID: "order-status", Label: "Order Status"}, {ID: "return", Label: "Return"}, {ID: "agent", Label: "Talk to an agent"}}}},
		{Type: gladly.AutomationText, From: ada, Content: gladly.AutomationContent{Value: "Order Status"}},
		{Type: gladly.AutomationText, From: bot, Content: gladly.AutomationContent{Value: "Your order is on the way! It should arrive on Thursday."}},
		{Type: gladly.AutomationHTML, From: bot, Content: gladly.AutomationContent{Value: `<p>Track it <a href="https://track.babbage.example.com/AL-1815" target="_blank">here</a>.</p>`}},
	}
	for i, m := range msgs {
		m.ID = DemoAutomationMessageID(i)
		m.SessionID = DemoAutomationSessionID
		m.CreatedAt = started.Add(time.Duration(i) * 20 * time.Second)
		m.Context = chatContext
	}
	s.db.admin.sessions.put(DemoAutomationSessionID, &gladly.AutomationSession{
		ID: DemoAutomationSessionID, CompanyAddress: "chat.babbage.example.com", ConversationID: DemoOpenConversationID,
		CustomerAddress: DemoCustomerEmail, CustomerID: DemoCustomerID, EndpointType: "CHAT",
		CreatedAt: started, UpdatedAt: msgs[len(msgs)-1].CreatedAt, Target: &gladly.AutomationTarget{TargetType: "AUTOMATION"},
	})
	s.db.admin.messages[DemoAutomationSessionID] = msgs
}
