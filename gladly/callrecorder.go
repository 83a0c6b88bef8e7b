package gladly

import (
	"context"
	"net/http"
)

// CallRecorder is an agent's call-recording state. CustomerID and ConversationItemID are set only
// while the agent is on a call.
type CallRecorder struct {
	AgentID            string `json:"agentId"`
	CustomerID         string `json:"customerId,omitempty"`
	ConversationItemID string `json:"conversationItemId,omitempty"`
	Recording          bool   `json:"recording"`
}

// UpdateCallRecordingRequest is the body of updateAgentCallRecording: recording is the only
// field Gladly lets callers change.
type UpdateCallRecordingRequest struct {
	Recording bool `json:"recording"`
}

// GetCallRecording fetches an agent's call-recording state; agent is the agent's id or email
// address.
// Gladly: GET /api/v1/agents/{agentId}/call-recorder (getAgentCallRecording)
func (s *AgentsService) GetCallRecording(ctx context.Context, agent string) (*CallRecorder, *Response, error) {
	return get[*CallRecorder](ctx, s.client, "getAgentCallRecording", nil, "/api/v1/agents/%s/call-recorder", agent)
}

// UpdateCallRecording starts or stops recording the agent's current call; agent is the agent's
// id or email address. When the agent is not on a call Gladly answers 204 and changes nothing.
// Gladly: PATCH /api/v1/agents/{agentId}/call-recorder (updateAgentCallRecording)
func (s *AgentsService) UpdateCallRecording(ctx context.Context, agent string, body *UpdateCallRecordingRequest) (*Response, error) {
	return s.client.call(ctx, "updateAgentCallRecording", http.MethodPatch, nil, body, nil, "/api/v1/agents/%s/call-recorder", agent)
}
