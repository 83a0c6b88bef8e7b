package gladlytest

import (
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// store is the organization's data. Every field is guarded by Server.mu.
type store struct {
	org       gladly.Organization
	apiAgent  string // the default API user's agent id
	agents    table[*gladly.Agent]
	teams     table[*gladly.Team]
	inboxes   table[*gladly.Inbox]
	topics    table[*gladly.Topic]
	audiences table[*gladly.Audience]

	customers table[*gladly.Customer]
	merged    map[string]string // merged-away customer id → surviving id
	byEmail   map[string]string // normalized email → customer id
	byMobile  map[string]string // normalized MOBILE phone → customer id

	events []event

	work      workState      // conversations, items, tasks, comments (work.go)
	knowledge knowledgeState // answers and their content (answers.go)
	admin     adminState     // webhooks, exports, automation, call recorders (admin.go)
}

func newStore() *store {
	return &store{
		agents:    newTable[*gladly.Agent](),
		teams:     newTable[*gladly.Team](),
		inboxes:   newTable[*gladly.Inbox](),
		topics:    newTable[*gladly.Topic](),
		audiences: newTable[*gladly.Audience](),
		customers: newTable[*gladly.Customer](),
		merged:    map[string]string{},
		byEmail:   map[string]string{},
		byMobile:  map[string]string{},
		work:      newWorkState(),
		knowledge: newKnowledgeState(),
		admin:     newAdminState(),
	}
}

// event is one entry of the organization's event stream (Events API and webhooks).
type event struct {
	ID        string
	Type      string // e.g. "CUSTOMER_PROFILE/UPDATED"
	Timestamp time.Time
	Initiator *gladly.Actor // nil for system events
	Content   map[string]any
}

// emit records an event and sends it to the webhooks subscribed to it (asynchronously, see
// deliver). Callers hold s.mu.
func (s *Server) emit(typ string, initiator *gladly.Actor, content map[string]any) {
	ev := event{ID: s.newID(), Type: typ, Timestamp: s.nowMillis(), Initiator: initiator, Content: content}
	s.db.events = append(s.db.events, ev)
	s.deliver(ev)
}

// apiActor is the actor of changes made through the API by the request's user.
func (s *Server) apiActor() *gladly.Actor {
	return &gladly.Actor{ID: s.db.apiAgent, Type: gladly.ActorAPI}
}

// newID returns a fresh Gladly-shaped id. Callers hold s.mu.
func (s *Server) newID() string { return idFrom(s.rng) }

// nowMillis is the current time at Gladly's millisecond precision.
func (s *Server) nowMillis() time.Time { return s.now().Truncate(time.Millisecond) }

// resolveCustomer follows merges to the surviving customer id.
func (st *store) resolveCustomer(id string) (string, bool) {
	for range 32 {
		next, ok := st.merged[id]
		if !ok {
			return id, id != ""
		}
		id = next
	}
	return "", false
}
