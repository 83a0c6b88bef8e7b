package gladlytest

// publicAnswerRoutes serves the public (help-center) answers.
func (s *Server) publicAnswerRoutes() []route { return nil }
