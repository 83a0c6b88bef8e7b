package gladlytest

import (
	"net/http"

	"github.com/gladgraph/gladgraph/gladly"
)

func (s *Server) directoryRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/organization", op: "getOrganization", h: s.getOrganization},
		{pattern: "GET /api/v1/agents", op: "getAgents", h: listAll(s, func(st *store) *table[*gladly.Agent] { return &st.agents })},
		{pattern: "GET /api/v1/agents/{agentId}", op: "getAgent", h: getOne(s, "agentId", "agent", func(st *store) *table[*gladly.Agent] { return &st.agents })},
		{pattern: "GET /api/v1/teams", op: "getTeams", h: listAll(s, func(st *store) *table[*gladly.Team] { return &st.teams })},
		{pattern: "GET /api/v1/teams/{teamId}", op: "getTeam", h: getOne(s, "teamId", "team", func(st *store) *table[*gladly.Team] { return &st.teams })},
		{pattern: "GET /api/v1/inboxes", op: "getInboxes", h: listAll(s, func(st *store) *table[*gladly.Inbox] { return &st.inboxes })},
		{pattern: "GET /api/v1/inboxes/{inboxId}", op: "getInbox", h: getOne(s, "inboxId", "inbox", func(st *store) *table[*gladly.Inbox] { return &st.inboxes })},
		{pattern: "GET /api/v1/audiences", op: "getAudiences", h: listAll(s, func(st *store) *table[*gladly.Audience] { return &st.audiences })},
	}
}

func (s *Server) getOrganization(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.db.org)
}

// listAll answers a whole uncapped collection (agents, teams, inboxes, topics, audiences…).
func listAll[T any](s *Server, t func(*store) *table[T]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		writeJSON(w, http.StatusOK, t(s.db).list())
	}
}

// getOne answers one object of a collection by the path value param, or 404 not_exist.
func getOne[T any](s *Server, param, noun string, t func(*store) *table[T]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue(param)
		s.mu.Lock()
		defer s.mu.Unlock()
		v, ok := t(s.db).get(id)
		if !ok {
			notFound(w, noun+" "+id+" does not exist")
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}
