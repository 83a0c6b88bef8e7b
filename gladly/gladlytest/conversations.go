package gladlytest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// conversationRoutes serves conversations, their topics and notes.
func (s *Server) conversationRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/conversations/{conversationId}", op: "getConversation", h: s.getConversation},
		{pattern: "GET /api/v1/customers/{customerId}/conversations", op: "getConversations", h: s.getConversations},
		{pattern: "PATCH /api/v1/conversations/{conversationId}", op: "patchConversation", h: s.patchConversation},
		{pattern: "POST /api/v1/conversations/{conversationId}/topics", op: "addTopicToConversation", h: s.addConversationTopics},
		{pattern: "DELETE /api/v1/conversations/{conversationId}/topics/{topicId}", op: "deleteTopicFromConversation", h: s.deleteConversationTopic},
		{pattern: "POST /api/v1/conversations/{conversationId}/notes", op: "addNoteToConversation", h: s.addNote},
		{pattern: "GET /api/v1/conversations/{conversationId}/notes/{noteId}", op: "getNoteFromConversation", h: s.getNote},
	}
}

const conversationListLimit = 100

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.db.work.conversations.get(r.PathValue("conversationId"))
	if !ok {
		notFoundEmpty(w) // the spec documents this 404 without a body
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) getConversations(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("customerId")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.db.customers.has(id) {
		notFound(w, fmt.Sprintf("customer [%s] does not exist", id))
		return
	}
	var out []*gladly.Conversation
	for _, cid := range s.db.work.convsByCustomer[id] {
		if c, ok := s.db.work.conversations.get(cid); ok {
			out = append(out, c)
		}
	}
	sortConversations(out)
	writeList(w, out, conversationListLimit)
}

// assigneeBody is an assignee in a request body; pointers tell absent from null from empty.
type assigneeBody struct {
	InboxID *string `json:"inboxId"`
	AgentID *string `json:"agentId"`
}

func (a *assigneeBody) agent() string {
	if a.AgentID == nil {
		return ""
	}
	return *a.AgentID
}

type conversationPatch struct {
	Assignee *assigneeBody `json:"assignee"`
	Status   *struct {
		Value *string `json:"value"`
		Force bool    `json:"force"`
	} `json:"status"`
}

func blank(p *string) bool { return p == nil || strings.TrimSpace(*p) == "" }

func (s *Server) patchConversation(w http.ResponseWriter, r *http.Request) {
	var in conversationPatch
	if !decodeBody(w, r, &in) {
		return
	}
	var errs []fieldError
	if in.Assignee != nil && blank(in.Assignee.InboxID) {
		errs = append(errs, fieldError{Attr: "assignee.inboxId", Code: "blank", Detail: "'inboxId' cannot be blank when updating assignee"})
	}
	if in.Status != nil && blank(in.Status.Value) {
		errs = append(errs, fieldError{Attr: "status.value", Code: "blank", Detail: "'value' cannot be blank when updating status"})
	}
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	if in.Assignee == nil && in.Status == nil {
		badRequest(w, fieldError{Code: "blank", Detail: "one of assignee, status must be present"})
		return
	}
	if in.Status != nil && *in.Status.Value != gladly.ConversationOpen && *in.Status.Value != gladly.ConversationClosed {
		// WAITING is Gladly's own judgement; the API can only open or close.
		badRequest(w, fieldError{Attr: "status.value", Code: "invalid", Detail: "'value' must be one of [OPEN, CLOSED]"})
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.db.work.conversations.get(r.PathValue("conversationId"))
	if !ok {
		notFound(w, "conversation does not exist")
		return
	}
	target := c.Status
	if in.Status != nil {
		target = *in.Status.Value
	}
	reassign := false
	if a := in.Assignee; a != nil {
		if fe := s.checkAssignee(a, "assignee", true); fe != nil {
			badRequest(w, *fe)
			return
		}
		reassign = *a.InboxID != c.InboxID || a.agent() != c.AgentID
		if reassign && c.Status == gladly.ConversationClosed && target != gladly.ConversationOpen {
			badRequest(w, fieldError{Code: "invalid_state", Detail: "closed conversation cannot be reassigned"})
			return
		}
	}
	if target == gladly.ConversationClosed && c.Status != gladly.ConversationClosed {
		if !s.db.work.topicsNotNeeded && len(c.TopicIDs) == 0 {
			badRequest(w, fieldError{Code: "invalid_state", Detail: "topics are required before closing of conversation"})
			return
		}
		if !in.Status.Force && s.db.work.awaitingResponse(c.ID) {
			badRequest(w, fieldError{Code: "invalid_state", Detail: "cannot close conversation, customer waiting for response, set 'status.force' to true to override"})
			return
		}
	}

	if target != c.Status {
		s.changeConversationStatus(c, target)
	}
	if reassign {
		before := conversationContext(c)
		c.InboxID, c.AgentID = *in.Assignee.InboxID, in.Assignee.agent()
		s.emit("CONVERSATION_ASSIGNEE/UPDATED", s.apiActor(), map[string]any{
			"customerId": c.CustomerID, "conversationId": c.ID, "reason": "MANUAL",
			"assignee": assigneeMap(c.InboxID, c.AgentID), "context": before,
		})
	}
	noContent(w)
}

// checkAssignee validates an assignee against the directory: the inbox exists, the agent (when
// given) exists and, where Gladly requires it, works that inbox. attr prefixes the error's attr.
func (s *Server) checkAssignee(a *assigneeBody, attr string, membership bool) *fieldError {
	if blank(a.InboxID) {
		return &fieldError{Attr: attr + ".inboxId", Code: "blank", Detail: "inboxId cannot be blank"}
	}
	if !s.db.inboxes.has(*a.InboxID) {
		return &fieldError{Attr: attr + ".inboxId", Code: "invalid", Detail: fmt.Sprintf("inbox [%s] does not exist", *a.InboxID)}
	}
	agent := a.agent()
	if agent == "" {
		return nil
	}
	if !s.db.agents.has(agent) {
		return &fieldError{Attr: attr + ".agentId", Code: "invalid", Detail: fmt.Sprintf("agent [%s] does not exist", agent)}
	}
	if membership && !s.db.work.inInbox(*a.InboxID, agent) {
		return &fieldError{Attr: attr + ".agentId", Code: "invalid_state", Detail: "agent does not belong to inbox"}
	}
	return nil
}

// changeConversationStatus opens or closes a conversation: the timeline records it and the
// events Gladly sends go out. Callers hold s.mu and have checked the rules.
func (s *Server) changeConversationStatus(c *gladly.Conversation, status string) {
	from := c.Status
	c.Status = status
	now := s.nowMillis()
	if status == gladly.ConversationClosed {
		c.ClosedAt = now
	} else {
		c.ClosedAt = time.Time{}
	}
	s.db.work.addItem(&gladly.Item{
		ID: s.newID(), CustomerID: c.CustomerID, ConversationID: c.ID, Timestamp: now, Initiator: s.apiActor(),
		Content: &gladly.ConversationStatusChangeContent{Status: status},
	})
	ids := map[string]any{"customerId": c.CustomerID, "conversationId": c.ID, "context": conversationContext(c)}
	switch {
	case status == gladly.ConversationClosed:
		s.emit("CONVERSATION/CLOSED", s.apiActor(), ids)
	case from == gladly.ConversationClosed:
		s.emit("CONVERSATION/REOPENED", s.apiActor(), ids)
	}
	s.emit("CONVERSATION_STATUS/UPDATED", nil, map[string]any{"customerId": c.CustomerID, "conversationId": c.ID})
}

func assigneeMap(inboxID, agentID string) map[string]any {
	m := map[string]any{"inboxId": inboxID}
	if agentID != "" {
		m["agentId"] = agentID
	}
	return m
}

// conversationContext is the "context" of conversation events: the assignee at that moment.
func conversationContext(c *gladly.Conversation) map[string]any {
	return map[string]any{"assignee": assigneeMap(c.InboxID, c.AgentID)}
}

func (s *Server) addConversationTopics(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TopicIDs []string `json:"topicIds"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if len(in.TopicIDs) == 0 {
		badRequest(w, fieldError{Attr: "topicIds", Code: "blank", Detail: "topicIds cannot be blank"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.db.work.conversations.get(r.PathValue("conversationId"))
	if !ok {
		notFoundEmpty(w)
		return
	}
	var added []string
	for _, id := range in.TopicIDs {
		t, ok := s.db.topics.get(id)
		switch {
		case !ok:
			badRequest(w, fieldError{Attr: "topicIds", Code: "invalid", Detail: fmt.Sprintf("topic [%s] does not exist", id)})
			return
		case t.Disabled:
			badRequest(w, fieldError{Attr: "topicIds", Code: "invalid_state", Detail: fmt.Sprintf("topic [%s] is disabled", id)})
			return
		}
		if !slices.Contains(c.TopicIDs, id) && !slices.Contains(added, id) {
			added = append(added, id)
		}
	}
	if len(added) > 0 {
		c.TopicIDs = append(c.TopicIDs, added...)
		s.db.work.addItem(&gladly.Item{
			ID: s.newID(), CustomerID: c.CustomerID, ConversationID: c.ID, Timestamp: s.nowMillis(), Initiator: s.apiActor(),
			Content: &gladly.TopicChangeContent{AddedTopicIDs: added},
		})
		for _, id := range added {
			s.emit("CONVERSATION/TOPIC_ADDED", s.apiActor(), map[string]any{"customerId": c.CustomerID, "conversationId": c.ID, "topicId": id, "context": conversationContext(c)})
		}
	}
	noContent(w)
}

func (s *Server) deleteConversationTopic(w http.ResponseWriter, r *http.Request) {
	topicID := r.PathValue("topicId")
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.db.work.conversations.get(r.PathValue("conversationId"))
	if !ok || !slices.Contains(c.TopicIDs, topicID) {
		notFoundEmpty(w)
		return
	}
	c.TopicIDs = slices.DeleteFunc(c.TopicIDs, func(id string) bool { return id == topicID })
	s.db.work.addItem(&gladly.Item{
		ID: s.newID(), CustomerID: c.CustomerID, ConversationID: c.ID, Timestamp: s.nowMillis(), Initiator: s.apiActor(),
		Content: &gladly.TopicChangeContent{RemovedTopicIDs: []string{topicID}},
	})
	s.emit("CONVERSATION/TOPIC_REMOVED", s.apiActor(), map[string]any{"customerId": c.CustomerID, "conversationId": c.ID, "topicId": topicID, "context": conversationContext(c)})
	noContent(w)
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request) {
	// The spec's schema says {"body": …}, its example {"content": {"body": …}}: Gladly's
	// callers use both, so both are accepted.
	var in struct {
		Body    *string `json:"body"`
		Content *struct {
			Body *string `json:"body"`
		} `json:"content"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	body, attr := in.Body, "body"
	if body == nil && in.Content != nil {
		body, attr = in.Content.Body, "content.body"
	}
	if blank(body) {
		badRequest(w, fieldError{Attr: attr, Code: "blank", Detail: attr + " cannot be blank"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.db.work.conversations.get(r.PathValue("conversationId"))
	if !ok {
		notFoundEmpty(w)
		return
	}
	note := &gladly.Item{
		ID: s.newID(), CustomerID: c.CustomerID, ConversationID: c.ID, Timestamp: s.nowMillis(), Initiator: s.apiActor(),
		Content: &gladly.NoteContent{Body: *body},
	}
	s.db.work.addItem(note)
	s.emit("CONVERSATION/NOTE_CREATED", s.apiActor(), map[string]any{"noteId": note.ID, "customerId": c.CustomerID, "conversationId": c.ID})
	created(w, "/api/v1/conversations/"+c.ID+"/notes/"+note.ID)
}

func (s *Server) getNote(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.db.work.items.get(r.PathValue("noteId"))
	if !ok || it.ConversationID != r.PathValue("conversationId") {
		notFoundEmpty(w)
		return
	}
	if _, isNote := it.Content.(*gladly.NoteContent); !isNote {
		notFoundEmpty(w)
		return
	}
	writeJSON(w, http.StatusOK, it)
}
