package gladly

import (
	"context"
	"encoding/json"
)

// Agent is a Gladly user who works conversations and tasks.
type Agent struct {
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"`
	EmailAddress string `json:"emailAddress,omitempty"`

	// Raw is the object exactly as Gladly sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an agent and keeps the raw JSON.
func (a *Agent) UnmarshalJSON(b []byte) error {
	type plain Agent
	return decodeKeepingRaw(b, (*plain)(a), &a.Raw)
}

// MarshalJSON writes an agent back as Gladly sent it (from its fields when built in Go).
func (a Agent) MarshalJSON() ([]byte, error) {
	type plain Agent
	return encodeRawOr(a.Raw, plain(a))
}

// Team is a named group of agents.
type Team struct {
	ID          string   `json:"id"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	AgentIDs    []string `json:"agentIds"`

	// Raw is the object exactly as Gladly sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a team and keeps the raw JSON.
func (t *Team) UnmarshalJSON(b []byte) error {
	type plain Team
	return decodeKeepingRaw(b, (*plain)(t), &t.Raw)
}

// MarshalJSON writes a team back as Gladly sent it (from its fields when built in Go).
func (t Team) MarshalJSON() ([]byte, error) {
	type plain Team
	return encodeRawOr(t.Raw, plain(t))
}

// Inbox is a queue that conversations and tasks are assigned to.
type Inbox struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Disabled bool   `json:"disabled"`
}

// Organization is the Gladly organization the credentials belong to.
type Organization struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	LoginDomain string `json:"loginDomain,omitempty"`
	Timezone    string `json:"timezone,omitempty"`
	GladlyURL   string `json:"gladlyUrl,omitempty"`
}

// Audience categorises answers, help centers and chat by brand or region.
type Audience struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Topic labels conversations; topics nest through ParentID.
type Topic struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled"`
	ParentID string `json:"parentId,omitempty"`
}

// List returns every agent of the organization.
// Gladly: GET /api/v1/agents (getAgents)
func (s *AgentsService) List(ctx context.Context) ([]*Agent, *Response, error) {
	return getList[*Agent](ctx, s.client, "getAgents", nil, "/api/v1/agents")
}

// Get fetches an agent.
// Gladly: GET /api/v1/agents/{agentId} (getAgent)
func (s *AgentsService) Get(ctx context.Context, id string) (*Agent, *Response, error) {
	return get[*Agent](ctx, s.client, "getAgent", nil, "/api/v1/agents/%s", id)
}

// List returns every team of the organization.
// Gladly: GET /api/v1/teams (getTeams)
func (s *TeamsService) List(ctx context.Context) ([]*Team, *Response, error) {
	return getList[*Team](ctx, s.client, "getTeams", nil, "/api/v1/teams")
}

// Get fetches a team.
// Gladly: GET /api/v1/teams/{teamId} (getTeam)
func (s *TeamsService) Get(ctx context.Context, id string) (*Team, *Response, error) {
	return get[*Team](ctx, s.client, "getTeam", nil, "/api/v1/teams/%s", id)
}

// List returns every inbox of the organization.
// Gladly: GET /api/v1/inboxes (getInboxes)
func (s *InboxesService) List(ctx context.Context) ([]*Inbox, *Response, error) {
	return getList[*Inbox](ctx, s.client, "getInboxes", nil, "/api/v1/inboxes")
}

// Get fetches an inbox.
// Gladly: GET /api/v1/inboxes/{inboxId} (getInbox)
func (s *InboxesService) Get(ctx context.Context, id string) (*Inbox, *Response, error) {
	return get[*Inbox](ctx, s.client, "getInbox", nil, "/api/v1/inboxes/%s", id)
}

// Get fetches the organization the credentials belong to.
// Gladly: GET /api/v1/organization (getOrganization)
func (s *OrganizationService) Get(ctx context.Context) (*Organization, *Response, error) {
	return get[*Organization](ctx, s.client, "getOrganization", nil, "/api/v1/organization")
}

// List returns every audience of the organization.
// Gladly: GET /api/v1/audiences (getAudiences)
func (s *AudiencesService) List(ctx context.Context) ([]*Audience, *Response, error) {
	return getList[*Audience](ctx, s.client, "getAudiences", nil, "/api/v1/audiences")
}
