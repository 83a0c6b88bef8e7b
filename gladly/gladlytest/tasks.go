package gladlytest

// taskRoutes serves tasks and task comments.
func (s *Server) taskRoutes() []route { return nil }
