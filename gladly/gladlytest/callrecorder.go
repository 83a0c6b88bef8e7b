package gladlytest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gladgraph/gladgraph/gladly"
)

// agentCall is the call an agent is on, and whether it is being recorded.
type agentCall struct {
	customerID string
	itemID     string
	recording  bool
}

func (s *Server) callRecorderRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/agents/{agentId}/call-recorder", op: "getAgentCallRecording", h: s.getCallRecorder},
		{pattern: "PATCH /api/v1/agents/{agentId}/call-recorder", op: "updateAgentCallRecording", h: s.updateCallRecorder},
	}
}

// agentByIDOrEmail finds an agent by Gladly id or, as the call recorder allows, email address.
func (s *Server) agentByIDOrEmail(ref string) (*gladly.Agent, bool) {
	if a, ok := s.db.agents.get(ref); ok {
		return a, true
	}
	if !strings.Contains(ref, "@") {
		return nil, false
	}
	for _, a := range s.db.agents.list() {
		if strings.EqualFold(a.EmailAddress, ref) {
			return a, true
		}
	}
	return nil, false
}

func (s *Server) getCallRecorder(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("agentId")
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.agentByIDOrEmail(ref)
	if !ok {
		notFound(w, "agent "+ref+" does not exist")
		return
	}
	out := gladly.CallRecorder{AgentID: a.ID}
	if c := s.db.knowledge.calls[a.ID]; c != nil {
		out.CustomerID, out.ConversationItemID, out.Recording = c.customerID, c.itemID, c.recording
	}
	writeJSON(w, http.StatusOK, out)
}

// updateCallRecorder changes recording on the agent's current call. Off a call it answers 204
// and does nothing, as Gladly documents.
func (s *Server) updateCallRecorder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Recording *bool `json:"recording"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	ref := r.PathValue("agentId")
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.agentByIDOrEmail(ref)
	if !ok {
		notFound(w, "agent "+ref+" does not exist")
		return
	}
	if c := s.db.knowledge.calls[a.ID]; c != nil && in.Recording != nil {
		c.recording = *in.Recording
	}
	noContent(w)
}

// StartCall puts an agent on a call with a customer, whose phone-call item is itemID, as
// Gladly's telephony would; recording says whether the call starts out recorded.
func (s *Server) StartCall(agentID, customerID, itemID string, recording bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.db.agents.has(agentID) {
		return fmt.Errorf("gladlytest: no agent %q", agentID)
	}
	if customerID == "" || itemID == "" {
		return fmt.Errorf("gladlytest: a call needs a customer and a conversation item")
	}
	s.db.knowledge.calls[agentID] = &agentCall{customerID: customerID, itemID: itemID, recording: recording}
	return nil
}

// EndCall takes an agent off their call; the recorder then reports no call and no recording.
func (s *Server) EndCall(agentID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.db.agents.has(agentID) {
		return fmt.Errorf("gladlytest: no agent %q", agentID)
	}
	delete(s.db.knowledge.calls, agentID)
	return nil
}
