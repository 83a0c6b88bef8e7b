package gladly_test

import (
	"testing"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// TestHopperOrganizationIsAnotherAccount: WithOrganization(HopperOrg) seeds a different
// organization — its own name, API user, fixture customer with a conversation and a task, other
// directory ids and other generated customers — and none of Ada's fixture.
func TestHopperOrganizationIsAnotherAccount(t *testing.T) {
	t.Parallel()
	size := gladlytest.Size{Customers: 3, ConversationsPerCustomer: 1, ItemsPerConversation: 3, TasksPerCustomer: 1, CommentsPerTask: 1}
	demo := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithSize(size))
	hopper := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithSize(size), gladlytest.WithOrganization(gladlytest.HopperOrg))
	if hopper.Username != gladlytest.HopperUsername || hopper.Token != gladlytest.HopperToken {
		t.Fatalf("hopper credentials %q/%q", hopper.Username, hopper.Token)
	}
	dcl, hcl := newClient(t, demo), newClient(t, hopper)
	ctx := t.Context()

	org, _, err := hcl.Organization.Get(ctx)
	if err != nil || org.ID != gladlytest.HopperOrganizationID || org.Name != gladlytest.HopperOrganizationName || org.LoginDomain != "hopper.example" {
		t.Fatalf("hopper organization %+v, %v", org, err)
	}
	dorg, _, err := dcl.Organization.Get(ctx)
	if err != nil || dorg.ID != gladlytest.DemoOrganizationID || dorg.Name == org.Name {
		t.Fatalf("demo organization %+v, %v", dorg, err)
	}

	// Each organization's API user is unknown to the other.
	cross, err := gladly.NewClient(hopper.URL, gladly.WithBasicAuth(demo.Username, demo.Token), gladly.WithRateLimit(gladly.Unlimited{}), gladly.WithRetry(fastRetry()))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cross.Organization.Get(ctx); !gladly.IsUnauthorized(err) {
		t.Fatalf("demo credentials on hopper: %v, want 401", err)
	}

	if ada, _, err := dcl.Customers.Find(ctx, gladly.FindCustomersOptions{Email: gladlytest.DemoCustomerEmail}); err != nil || len(ada) != 1 || ada[0].ID != gladlytest.DemoCustomerID {
		t.Fatalf("ada on the demo: %+v, %v", ada, err)
	}
	found, _, err := hcl.Customers.Find(ctx, gladly.FindCustomersOptions{Email: gladlytest.DemoCustomerEmail})
	if err != nil || len(found) != 0 {
		t.Fatalf("ada on hopper: %d found, %v", len(found), err)
	}
	for _, id := range []string{gladlytest.DemoCustomerID, gladlytest.DemoCustomerIDOf("Grace Hopper")} {
		if _, _, err := hcl.Customers.Get(ctx, id); !gladly.IsNotFound(err) {
			t.Fatalf("demo customer %s on hopper: %v, want 404", id, err)
		}
	}
	if _, _, err := hcl.Conversations.Get(ctx, gladlytest.DemoOpenConversationID); !gladly.IsNotFound(err) {
		t.Fatalf("ada's conversation on hopper: %v, want 404", err)
	}
	if _, _, err := hcl.Tasks.Get(ctx, gladlytest.DemoOpenTaskID); !gladly.IsNotFound(err) {
		t.Fatalf("ada's task on hopper: %v, want 404", err)
	}
	if _, _, err := hcl.Automation.GetSession(ctx, gladlytest.DemoAutomationSessionID); !gladly.IsNotFound(err) {
		t.Fatalf("ada's automation session on hopper: %v, want 404", err)
	}

	found, _, err = hcl.Customers.Find(ctx, gladly.FindCustomersOptions{Email: gladlytest.HopperCustomerEmail})
	if err != nil || len(found) != 1 || found[0].ID != gladlytest.HopperCustomerID || found[0].Name != gladlytest.HopperCustomerName {
		t.Fatalf("grace on hopper: %+v, %v", found, err)
	}
	convs, _, err := hcl.Conversations.ListForCustomer(ctx, gladlytest.HopperCustomerID)
	if err != nil || len(convs) != 1 || convs[0].ID != gladlytest.HopperConversationID || convs[0].Status != gladly.ConversationOpen {
		t.Fatalf("grace's conversations: %+v, %v", convs, err)
	}
	tasks, _, err := hcl.Tasks.ListForCustomer(ctx, gladlytest.HopperCustomerID, nil)
	if err != nil || len(tasks) != 1 || tasks[0].ID != gladlytest.HopperTaskID {
		t.Fatalf("grace's tasks: %+v, %v", tasks, err)
	}
	if found, _, err := dcl.Customers.Find(ctx, gladly.FindCustomersOptions{Email: gladlytest.HopperCustomerEmail}); err != nil || len(found) != 0 {
		t.Fatalf("grace brewster on the demo: %d found, %v", len(found), err)
	}

	// The directory and the generated customers are the organization's own.
	dagents, _, err := dcl.Agents.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hagents, _, err := hcl.Agents.List(ctx)
	if err != nil || len(hagents) != len(dagents) {
		t.Fatalf("hopper agents: %d, %v", len(hagents), err)
	}
	demoAgents := map[string]bool{}
	for _, a := range dagents {
		demoAgents[a.ID] = true
	}
	for _, a := range hagents {
		if demoAgents[a.ID] {
			t.Fatalf("hopper agent %s %q has a demo id", a.ID, a.Name)
		}
	}
	// Generated customers come from another default seed: other ids, other profiles.
	for i := range size.Customers {
		if d, h := findGenerated(t, dcl, i), findGenerated(t, hcl, i); d == h {
			t.Fatalf("generated customer %d has the same id %s in both organizations", i, d)
		}
	}
}
