package gladly_test

import (
	"testing"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["directory"] = contractDirectory }

func contractDirectory(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()

	org, _, err := cl.Organization.Get(ctx)
	if err != nil || org.ID != gladlytest.DemoOrganizationID || org.GladlyURL != srv.URL {
		t.Fatalf("organization: %+v, %v", org, err)
	}
	agents, _, err := cl.Agents.List(ctx)
	if err != nil || len(agents) < 20 {
		t.Fatalf("agents: %d, %v; want ≥ 20", len(agents), err)
	}
	amy, _, err := cl.Agents.Get(ctx, gladlytest.DemoAgentID("Amy Agent"))
	if err != nil || amy.Name != "Amy Agent" || amy.EmailAddress != "amy.agent@babbage.example.com" || len(amy.Raw) == 0 {
		t.Errorf("agent: %+v, %v", amy, err)
	}
	teams, _, err := cl.Teams.List(ctx)
	if err != nil || len(teams) < 4 {
		t.Fatalf("teams: %d, %v; want ≥ 4", len(teams), err)
	}
	billing, _, err := cl.Teams.Get(ctx, gladlytest.DemoTeamID("Billing"))
	if err != nil || billing.Name != "Billing" || len(billing.AgentIDs) == 0 {
		t.Errorf("team: %+v, %v", billing, err)
	}
	inboxes, _, err := cl.Inboxes.List(ctx)
	if err != nil || len(inboxes) < 4 {
		t.Fatalf("inboxes: %d, %v; want ≥ 4", len(inboxes), err)
	}
	chat, _, err := cl.Inboxes.Get(ctx, gladlytest.DemoInboxID("Chat"))
	if err != nil || chat.Name != "Chat" {
		t.Errorf("inbox: %+v, %v", chat, err)
	}
	audiences, _, err := cl.Audiences.List(ctx)
	if err != nil || len(audiences) < 2 {
		t.Errorf("audiences: %d, %v", len(audiences), err)
	}
	if _, _, err := cl.Teams.Get(ctx, "no-such-team"); !gladly.IsNotFound(err) {
		t.Errorf("missing team: %v, want 404", err)
	}
}
