package gladlytest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gladgraph/gladgraph/gladly"
)

// topicRoutes serves topics and custom attributes. Topics cannot be deleted: Gladly has no
// endpoint for it (they are disabled instead).
func (s *Server) topicRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/topics", op: "getTopics", h: listAll(s, func(st *store) *table[*gladly.Topic] { return &st.topics })},
		{pattern: "POST /api/v1/topics", op: "addTopic", h: s.addTopic},
		{pattern: "GET /api/v1/topics/{topicId}", op: "getTopic", h: s.getTopic},
		{pattern: "PATCH /api/v1/topics/{topicId}", op: "updateTopic", h: s.updateTopic},
		{pattern: "GET /api/v1/custom-attributes/{customAttributeId}", op: "getCustomAttribute", h: s.getCustomAttribute},
	}
}

// topicInput is the body of addTopic and updateTopic; pointers tell absent from empty.
type topicInput struct {
	ID       *string `json:"id"`
	Name     *string `json:"name"`
	Disabled *bool   `json:"disabled"`
	ParentID *string `json:"parentId"`
}

func topicNotFound(w http.ResponseWriter, id string) {
	notFound(w, fmt.Sprintf("conversation topic [%s] does not exist", id))
}

func (s *Server) getTopic(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("topicId")
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.db.topics.get(id)
	if !ok {
		topicNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) addTopic(w http.ResponseWriter, r *http.Request) {
	var in topicInput
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := ""
	if in.ID != nil {
		id = *in.ID
		if errs := checkID(id); errs != nil {
			badRequest(w, errs...)
			return
		}
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		badRequest(w, fieldError{Attr: "name", Code: "blank", Detail: "name cannot be blank"})
		return
	}
	if in.ParentID != nil {
		if errs := s.checkParent(id, *in.ParentID); errs != nil {
			badRequest(w, errs...)
			return
		}
	}
	// The id is checked before the name: a repeated create then learns that its own first
	// attempt landed.
	if id != "" && s.db.topics.has(id) {
		writeErrors(w, http.StatusConflict, fieldError{Attr: "id", Code: "taken", Detail: "the topic with specified id already exists"})
		return
	}
	name := strings.TrimSpace(*in.Name)
	if other := s.topicNamed(name); other != "" {
		writeErrors(w, http.StatusConflict, topicNameTaken(other))
		return
	}
	if id == "" {
		id = s.newID()
	}
	t := &gladly.Topic{ID: id, Name: name}
	if in.Disabled != nil {
		t.Disabled = *in.Disabled
	}
	if in.ParentID != nil {
		t.ParentID = *in.ParentID
	}
	s.db.topics.put(id, t)
	created(w, "/api/v1/topics/"+id)
}

// updateTopic changes what the body carries. Gladly's spec marks name as required here, but its
// own update sample sends only the changed fields, so a body without name is accepted.
func (s *Server) updateTopic(w http.ResponseWriter, r *http.Request) {
	var in topicInput
	if !decodeBody(w, r, &in) {
		return
	}
	id := r.PathValue("topicId")
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.db.topics.get(id)
	if !ok {
		topicNotFound(w, id)
		return
	}
	next := *t
	if in.Name != nil {
		next.Name = strings.TrimSpace(*in.Name)
		if next.Name == "" {
			badRequest(w, fieldError{Attr: "name", Code: "blank", Detail: "name cannot be blank"})
			return
		}
	}
	if in.ParentID != nil {
		next.ParentID = *in.ParentID
		if errs := s.checkParent(id, next.ParentID); errs != nil {
			badRequest(w, errs...)
			return
		}
	}
	if in.Disabled != nil {
		next.Disabled = *in.Disabled
	}
	if other := s.topicNamed(next.Name); other != "" && other != id {
		writeErrors(w, http.StatusConflict, topicNameTaken(other))
		return
	}
	*t = next
	noContent(w)
}

// checkParent refuses a parent that does not exist or that would put the topic under itself.
func (s *Server) checkParent(id, parentID string) []fieldError {
	for p := parentID; p != ""; {
		if p == id {
			return []fieldError{{Attr: "parentId", Code: "invalid", Detail: "a topic cannot be nested under itself"}}
		}
		t, ok := s.db.topics.get(p)
		if !ok {
			return []fieldError{{Attr: "parentId", Code: "invalid", Detail: "parent topic " + p + " does not exist"}}
		}
		p = t.ParentID
	}
	return nil
}

// topicNamed returns the id of the topic with the name (compared as answer names are), or "".
func (s *Server) topicNamed(name string) string {
	for _, t := range s.db.topics.list() {
		if foldName(t.Name) == foldName(name) {
			return t.ID
		}
	}
	return ""
}

func topicNameTaken(other string) fieldError {
	return fieldError{Attr: "name", Code: "taken", Detail: "another topic already has this name", Meta: map[string]any{"id": other}}
}

func (s *Server) getCustomAttribute(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("customAttributeId")
	s.mu.Lock()
	defer s.mu.Unlock()
	ca, ok := s.db.knowledge.customAttributes.get(id)
	if !ok {
		notFound(w, "custom attribute "+id+" does not exist")
		return
	}
	writeJSON(w, http.StatusOK, ca)
}
