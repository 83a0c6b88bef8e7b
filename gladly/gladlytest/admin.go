package gladlytest

import (
	"crypto/rand"

	"github.com/gladgraph/gladgraph/gladly"
)

// adminState holds webhooks, export schedules and jobs, automation sessions and the key that
// signs user identity tokens.
type adminState struct {
	webhooks table[*webhook]
	// deliveries sends events to webhooks outside s.mu; it has its own lock and never changes.
	deliveries *dispatcher

	schedule gladly.ExportSchedule
	jobs     table[*gladly.ExportJob]

	sessions table[*gladly.AutomationSession]
	messages map[string][]*gladly.AutomationMessage // by session id, oldest first

	jwtKey []byte
}

func newAdminState() adminState {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return adminState{
		webhooks:   newTable[*webhook](),
		deliveries: newDispatcher(),
		jobs:       newTable[*gladly.ExportJob](),
		sessions:   newTable[*gladly.AutomationSession](),
		messages:   map[string][]*gladly.AutomationMessage{},
		jwtKey:     key,
	}
}

// adminRoutes serves webhooks, events, exports, reports, automation sessions and identity
// tokens.
func (s *Server) adminRoutes() []route {
	var rs []route
	for _, group := range [][]route{
		s.webhookRoutes(),
		{{pattern: "GET /api/v1/events", op: "getEvents", h: s.getEvents}},
		s.exportRoutes(),
		s.reportRoutes(),
		s.automationRoutes(),
		{{pattern: "POST /api/v1/user-identity-jwt", op: "createUserIdentityJWT", h: s.createUserIdentityJWT}},
	} {
		rs = append(rs, group...)
	}
	return rs
}

// seedAdmin generates webhooks, export jobs, recent events and (in the demo) the automation
// session. It runs
// after the other resources are seeded, so history can point at their objects. Seeding sends
// nothing to webhooks.
func (s *Server) seedAdmin() error {
	s.seedWebhooks()
	s.seedExports()
	s.seedEvents()
	if s.cfg.org == DemoOrg {
		s.seedAutomation() // Ada's chat with the bot
	}
	return nil
}
