package gladlytest

// conversationRoutes serves conversations, their topics and notes.
func (s *Server) conversationRoutes() []route { return nil }

// seedWork generates conversations, items, tasks and comments (the demo fixture's and the
// generated customers').
func (s *Server) seedWork() error { return nil }
