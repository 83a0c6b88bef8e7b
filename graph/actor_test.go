package graph_test

import (
	"testing"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// TestAPIActorResolvesItsUser: the items gladgraph's own mutations create are initiated by the
// API user (type API); Actor.user resolves it, as the schema promises for AGENT or API (it was
// null).
func TestAPIActorResolvesItsUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var p struct {
		ConversationNote *struct {
			Initiator struct {
				Type string
				User *struct{ ID string }
			}
		}
	}
	mutate(t, e, `mutation($input: AddConversationNoteInput!) { addConversationNote(input: $input) {
		conversationNote { initiator { type user { id } } } userErrors { code } } }`,
		map[string]any{"input": map[string]any{"conversationId": gladlytest.DemoOpenConversationID, "body": "<p>called back</p>"}}, &p)
	n := p.ConversationNote
	if n == nil || n.Initiator.Type != "API" || n.Initiator.User == nil || n.Initiator.User.ID != gladlytest.APIAgentID {
		t.Fatalf("note initiator: %+v; want the API user %s", n, gladlytest.APIAgentID)
	}
}
