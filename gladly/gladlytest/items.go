package gladlytest

// itemRoutes serves conversation items, media and transcripts.
func (s *Server) itemRoutes() []route { return nil }
