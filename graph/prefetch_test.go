package graph_test

import (
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// slowParent is how long the fake holds the parent object's answer in the prefetch tests: a child
// list asked for before that answer came back was started alongside it, not after it.
const slowParent = 2 * time.Second

// TestRootResolversStartSelectedChildListsAlongside checks that contact(id), conversation(id) and
// users start the lists the operation selects under them while their own object is still on its
// way, instead of one Gladly round trip later, and that they start nothing the operation does not
// select.
func TestRootResolversStartSelectedChildListsAlongside(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		query    string
		vars     map[string]any
		parent   string   // the operation the fake answers slowly
		children []string // lists asked for before the parent's answer
		absent   []string // lists the operation must not ask for
	}{
		{
			name:     "contact",
			query:    `query($id: ID!) { contact(id: $id) { name conversations { totalCount } tickets { totalCount } } }`,
			vars:     map[string]any{"id": gladlytest.DemoCustomerID},
			parent:   "getCustomer",
			children: []string{"getConversations", "getTasks"},
		},
		{
			name:   "contact without its lists",
			query:  `query($id: ID!) { contact(id: $id) { name tickets @skip(if: true) { totalCount } } }`,
			vars:   map[string]any{"id": gladlytest.DemoCustomerID},
			parent: "getCustomer",
			absent: []string{"getConversations", "getTasks"},
		},
		{
			name: "conversation through a fragment",
			query: `query($id: ID!) { conversation(id: $id) { status ...timeline } }
				fragment timeline on Conversation { items { nodes { id } } }`,
			vars:     map[string]any{"id": gladlytest.DemoOpenConversationID},
			parent:   "getConversation",
			children: []string{"getConversationItems"},
		},
		{
			name:   "conversation without items",
			query:  `query($id: ID!) { conversation(id: $id) { status } }`,
			vars:   map[string]any{"id": gladlytest.DemoOpenConversationID},
			parent: "getConversation",
			absent: []string{"getConversationItems"},
		},
		{
			name:     "users with groups",
			query:    `{ users { nodes { name groups { nodes { name } } } } }`,
			parent:   "getAgents",
			children: []string{"getTeams"},
		},
		{
			name:     "users with groups through edges",
			query:    `{ users { edges { node { name groups { nodes { name } } } } } }`,
			parent:   "getAgents",
			children: []string{"getTeams"},
		},
		{
			name:   "users without groups",
			query:  `{ users { nodes { name } } }`,
			parent: "getAgents",
			absent: []string{"getTeams"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.fake.FailNext(tc.parent, gladlytest.Fault{Kind: gladlytest.FaultSlow, Delay: slowParent})
			var data map[string]any
			e.query(t, tc.query, tc.vars, &data)

			first := map[string]time.Time{}
			for _, r := range e.fake.Requests() {
				if _, seen := first[r.Op]; !seen {
					first[r.Op] = r.Time
				}
			}
			answered, ok := first[tc.parent]
			if !ok {
				t.Fatalf("%s was never called", tc.parent)
			}
			answered = answered.Add(slowParent)
			for _, op := range tc.children {
				at, ok := first[op]
				switch {
				case !ok:
					t.Errorf("%s was never called", op)
				case !at.Before(answered):
					t.Errorf("%s was asked %v after %s arrived: it waited for the answer instead of starting alongside",
						op, at.Sub(answered.Add(-slowParent)), tc.parent)
				}
				if n := e.fake.Calls(op); n != 1 {
					t.Errorf("%s called %d times, want 1 (the prefetch and the field share one load)", op, n)
				}
			}
			for _, op := range tc.absent {
				if n := e.fake.Calls(op); n != 0 {
					t.Errorf("%s called %d times although the operation does not select it", op, n)
				}
			}
		})
	}
}

// TestNaiveUsersPrefetchNothing checks that the N+1 baseline starts no list ahead of its field,
// whichever way (nodes or edges) the operation reaches the users' groups: each groups field reads
// the teams once, and nothing else does.
func TestNaiveUsersPrefetchNothing(t *testing.T) {
	t.Parallel()
	for name, query := range map[string]string{
		"nodes": `{ users { nodes { id groups { nodes { name } } } } }`,
		"edges": `{ users { edges { node { id groups { nodes { name } } } } } }`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withNaive())
			var data struct {
				Users struct {
					Nodes []struct{ ID string }
					Edges []struct{ Node struct{ ID string } }
				}
			}
			e.query(t, query, nil, &data)
			if n := e.fake.Calls("getAgents"); n != 1 {
				t.Fatalf("getAgents called %d times, want 1", n)
			}
			agents := len(data.Users.Nodes) + len(data.Users.Edges)
			if agents == 0 {
				t.Fatal("no users in the answer")
			}
			if got := e.fake.Calls("getTeams"); got != agents {
				t.Errorf("getTeams called %d times for %d users, want one per user's groups field and no prefetch", got, agents)
			}
		})
	}
}
