package gladlytest

// topicRoutes serves topics and custom attributes.
func (s *Server) topicRoutes() []route { return nil }
