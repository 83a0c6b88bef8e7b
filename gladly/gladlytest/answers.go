package gladlytest

// knowledgeState holds answers and their content.
type knowledgeState struct{}

func newKnowledgeState() knowledgeState { return knowledgeState{} }

// answerRoutes serves answers and their content.
func (s *Server) answerRoutes() []route { return nil }

// seedKnowledge generates answers with content.
func (s *Server) seedKnowledge() error { return nil }
