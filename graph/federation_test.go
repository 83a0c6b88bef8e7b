package graph_test

import (
	"testing"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// TestEntitiesResolveThroughOneBatch: a gateway's _entities call with many representations is
// one loader batch: one Gladly call per distinct object, none for the directory beyond its list.
func TestEntitiesResolveThroughOneBatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reps := []any{
		map[string]any{"__typename": "Contact", "id": gladlytest.DemoCustomerID},
		map[string]any{"__typename": "Contact", "email": gladlytest.DemoCustomerEmail},
		map[string]any{"__typename": "User", "id": gladlytest.DemoAgentID("Amy Agent")},
		map[string]any{"__typename": "User", "email": "alan.turing@babbage.example.com"},
		map[string]any{"__typename": "Group", "id": gladlytest.DemoTeamID("Billing")},
		map[string]any{"__typename": "Inbox", "id": gladlytest.DemoInboxID("Chat")},
		map[string]any{"__typename": "Topic", "id": gladlytest.DemoTopicID("Returns")},
		map[string]any{"__typename": "Conversation", "id": gladlytest.DemoOpenConversationID},
		map[string]any{"__typename": "Contact", "id": "no-such-contact"},
	}
	var out struct {
		Entities []map[string]any `json:"_entities"`
	}
	e.query(t, `query($r: [_Any!]!) { _entities(representations: $r) {
		__typename
		... on Contact { id contactName: name }
		... on User { id name email }
		... on Group { id name }
		... on Inbox { id name }
		... on Topic { id name }
		... on Conversation { id status }
	} }`, map[string]any{"r": reps}, &out)
	if len(out.Entities) != len(reps) {
		t.Fatalf("%d entities for %d representations", len(out.Entities), len(reps))
	}
	for i, want := range []string{"Ada Lovelace", "Ada Lovelace", "Amy Agent", "Alan Turing", "Billing", "Chat", "Returns"} {
		name := out.Entities[i]["name"]
		if i < 2 {
			name = out.Entities[i]["contactName"]
		}
		if name != want {
			t.Errorf("entity %d: %v, want name %q", i, out.Entities[i], want)
		}
	}
	if out.Entities[7]["status"] != "OPEN" {
		t.Errorf("conversation entity: %v", out.Entities[7])
	}
	if out.Entities[8] != nil {
		t.Errorf("missing contact resolved to %v, want null", out.Entities[8])
	}
	assertCalls(t, e, map[string]int{"getAgents": 1, "getTeams": 1, "getInboxes": 1, "getTopics": 1, "getCustomer": 2, "findCustomers": 1, "getConversation": 1})
}
