package gladlytest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gladgraph/gladgraph/gladly"
)

// taskRoutes serves tasks and task comments.
func (s *Server) taskRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/customers/{customerId}/tasks", op: "getTasks", h: s.getTasks},
		{pattern: "POST /api/v1/customers/{customerId}/tasks", op: "createTask", h: s.createTask},
		{pattern: "GET /api/v1/tasks/{taskId}", op: "getTask", h: s.getTask},
		{pattern: "PATCH /api/v1/tasks/{taskId}", op: "updateTask", h: s.updateTask},
		{pattern: "GET /api/v1/tasks/{taskId}/comments", op: "getTaskComments", h: s.getTaskComments},
		{pattern: "POST /api/v1/tasks/{taskId}/comments", op: "createTaskComment", h: s.createTaskComment},
		{pattern: "GET /api/v1/tasks/{taskId}/comments/{commentId}", op: "getTaskComment", h: s.getTaskComment},
	}
}

const (
	taskListLimit    = 2000
	commentListLimit = 1000
	maxTaskBody      = 10000 // characters, for task bodies and comments alike
)

// taskBody is a createTask or updateTask body; pointers tell absent from empty.
type taskBody struct {
	ID       *string       `json:"id"`
	Assignee *assigneeBody `json:"assignee"`
	Body     *string       `json:"body"`
	DueAt    *string       `json:"dueAt"`
	Status   *string       `json:"status"`
}

func (s *Server) getTasks(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	if status != "" && status != gladly.TaskOpen && status != gladly.TaskClosed {
		badRequest(w, fieldError{Attr: "status", Code: "invalid", Detail: "status must be one of [OPEN, CLOSED]"})
		return
	}
	id := r.PathValue("customerId")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.db.customers.has(id) {
		notFound(w, fmt.Sprintf("customer [%s] does not exist", id))
		return
	}
	var out []*gladly.Task
	for _, tid := range s.db.work.tasksByCustomer[id] {
		if t, ok := s.db.work.tasks.get(tid); ok && (status == "" || t.Status == status) {
			out = append(out, t)
		}
	}
	sortTasksNewestFirst(out)
	writeList(w, out, taskListLimit)
}

func (s *Server) getTask(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.task(w, r)
	if ok {
		writeJSON(w, http.StatusOK, t)
	}
}

// task finds the request's task or answers 404. Callers hold s.mu.
func (s *Server) task(w http.ResponseWriter, r *http.Request) (*gladly.Task, bool) {
	id := r.PathValue("taskId")
	t, ok := s.db.work.tasks.get(id)
	if !ok {
		notFound(w, fmt.Sprintf("task [%s] does not exist", id))
	}
	return t, ok
}

func (s *Server) createTask(w http.ResponseWriter, r *http.Request) {
	var in taskBody
	if !decodeBody(w, r, &in) {
		return
	}
	customerID := r.PathValue("customerId")
	s.mu.Lock()
	defer s.mu.Unlock()
	// A merged customer's id answers 404 here: tasks go to the surviving profile.
	if !s.db.customers.has(customerID) {
		notFound(w, fmt.Sprintf("customer [%s] does not exist", customerID))
		return
	}
	id := ""
	if in.ID != nil {
		id = *in.ID
		if errs := checkID(id); errs != nil {
			badRequest(w, errs...)
			return
		}
		if s.db.work.idTaken(id) {
			writeErrors(w, http.StatusConflict, fieldError{Attr: "newConversationItems", Code: "taken", Detail: "task already exists"})
			return
		}
	} else {
		id = s.newID()
	}
	var errs []fieldError
	if in.Body == nil {
		errs = append(errs, fieldError{Attr: "body", Code: "blank", Detail: "body cannot be blank"})
	}
	if in.DueAt == nil {
		errs = append(errs, fieldError{Attr: "dueAt", Code: "blank", Detail: "dueAt cannot be blank"})
	}
	if in.Assignee == nil {
		errs = append(errs, fieldError{Attr: "assignee", Code: "blank", Detail: "assignee cannot be blank"})
	}
	errs = append(errs, s.checkTaskFields(&in, nil)...)
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	now := s.nowMillis()
	due, _ := time.Parse(time.RFC3339, *in.DueAt)
	t := &gladly.Task{
		ID: id, CustomerID: customerID, Timestamp: now, CreatedBy: s.apiActor(),
		Assignee: &gladly.Assignee{InboxID: *in.Assignee.InboxID, AgentID: in.Assignee.agent()},
		Body:     *in.Body, DueAt: due.UTC().Truncate(time.Millisecond), Status: gladly.TaskOpen,
	}
	s.db.work.addTask(t)
	s.emitTask("TASK/CREATED", t, nil)
	created(w, "/api/v1/tasks/"+id)
}

// checkTaskFields validates the task fields present in in. currentDue is the task's due date
// when updating (nil when creating): re-sending it unchanged is fine even once it has passed.
func (s *Server) checkTaskFields(in *taskBody, currentDue *time.Time) []fieldError {
	var errs []fieldError
	if in.Status != nil && *in.Status != gladly.TaskOpen && *in.Status != gladly.TaskClosed {
		errs = append(errs, fieldError{Attr: "status", Code: "invalid", Detail: "status must be one of [OPEN, CLOSED]"})
	}
	if in.Body != nil {
		switch {
		case strings.TrimSpace(*in.Body) == "":
			errs = append(errs, fieldError{Attr: "body", Code: "blank", Detail: "body cannot be blank"})
		case utf8.RuneCountInString(*in.Body) > maxTaskBody:
			errs = append(errs, fieldError{Attr: "body", Code: "too_long", Detail: fmt.Sprintf("body cannot be longer than %d characters", maxTaskBody)})
		}
	}
	if in.DueAt != nil {
		due, err := time.Parse(time.RFC3339, *in.DueAt)
		switch {
		case strings.TrimSpace(*in.DueAt) == "":
			errs = append(errs, fieldError{Attr: "dueAt", Code: "blank", Detail: "dueAt cannot be blank"})
		case err != nil:
			errs = append(errs, fieldError{Attr: "dueAt", Code: "invalid", Detail: "dueAt must be an RFC3339 timestamp"})
		case !due.After(s.now()) && (currentDue == nil || !due.Equal(*currentDue)):
			errs = append(errs, fieldError{Attr: "dueAt", Code: "invalid", Detail: "dueAt must be in the future"})
		}
	}
	if in.Assignee != nil {
		if fe := s.checkAssignee(in.Assignee, "assignee", false); fe != nil {
			errs = append(errs, *fe)
		}
	}
	return errs
}

func (s *Server) updateTask(w http.ResponseWriter, r *http.Request) {
	var in taskBody
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.task(w, r)
	if !ok {
		return
	}
	in.ID = nil // read-only: a fetched task sent back whole keeps its id
	if errs := s.checkTaskFields(&in, &t.DueAt); len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	if in.Body != nil && *in.Body != t.Body {
		t.Body = *in.Body
		s.emitTask("TASK/CONTENT_UPDATED", t, nil)
	}
	if in.DueAt != nil {
		due, _ := time.Parse(time.RFC3339, *in.DueAt)
		if due = due.UTC().Truncate(time.Millisecond); !due.Equal(t.DueAt) {
			t.DueAt = due
			s.emitTask("TASK/DUE_DATE_UPDATED", t, map[string]any{"dueAt": due})
		}
	}
	if a := in.Assignee; a != nil {
		next := &gladly.Assignee{InboxID: *a.InboxID, AgentID: a.agent()}
		if t.Assignee == nil || *t.Assignee != *next {
			t.Assignee = next
			s.emitTask("TASK/ASSIGNEE_UPDATED", t, map[string]any{"assignee": assigneeMap(next.InboxID, next.AgentID)})
		}
	}
	if in.Status != nil && *in.Status != t.Status {
		t.Status = *in.Status
		if t.Status == gladly.TaskClosed {
			s.emitTask("TASK/CLOSED", t, nil)
		} else {
			s.emitTask("TASK/REOPENED", t, nil)
		}
	}
	noContent(w)
}

// emitTask records a TASK/* event: the ids, the task's context, and extra fields.
func (s *Server) emitTask(typ string, t *gladly.Task, extra map[string]any) {
	ctx := map[string]any{"createdAt": t.Timestamp}
	if t.Assignee != nil {
		ctx["assignee"] = assigneeMap(t.Assignee.InboxID, t.Assignee.AgentID)
	}
	if !t.DueAt.IsZero() {
		ctx["dueAt"] = t.DueAt
	}
	content := map[string]any{"customerId": t.CustomerID, "taskId": t.ID, "context": ctx}
	for k, v := range extra {
		content[k] = v
	}
	s.emit(typ, s.apiActor(), content)
}

func (s *Server) getTaskComments(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.task(w, r)
	if !ok {
		return
	}
	out := make([]*gladly.TaskComment, 0, len(s.db.work.commentsByTask[t.ID]))
	for _, id := range s.db.work.commentsByTask[t.ID] {
		if c, ok := s.db.work.comments.get(id); ok {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b *gladly.TaskComment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	writeList(w, out, commentListLimit)
}

func (s *Server) getTaskComment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.task(w, r)
	if !ok {
		return
	}
	id := r.PathValue("commentId")
	c, ok := s.db.work.comments.get(id)
	if !ok || c.TaskID != t.ID {
		notFound(w, fmt.Sprintf("comment [%s] does not exist", id))
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) createTaskComment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID      *string `json:"id"`
		AgentID *string `json:"agentId"`
		Comment *string `json:"comment"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.task(w, r)
	if !ok {
		return
	}
	id := ""
	if in.ID != nil {
		id = *in.ID
		if errs := checkID(id); errs != nil {
			badRequest(w, errs...)
			return
		}
		if s.db.work.comments.has(id) {
			writeErrors(w, http.StatusConflict, fieldError{Attr: "id", Code: "taken", Detail: "comment already exists"})
			return
		}
	} else {
		id = s.newID()
	}
	var errs []fieldError
	switch {
	case blank(in.AgentID):
		errs = append(errs, fieldError{Attr: "agentId", Code: "blank", Detail: "agentId cannot be blank"})
	case !s.db.agents.has(*in.AgentID):
		errs = append(errs, fieldError{Attr: "agentId", Code: "invalid", Detail: fmt.Sprintf("agent [%s] does not exist", *in.AgentID)})
	}
	switch {
	case blank(in.Comment):
		errs = append(errs, fieldError{Attr: "comment", Code: "blank", Detail: "comment cannot be blank"})
	case utf8.RuneCountInString(*in.Comment) > maxTaskBody:
		errs = append(errs, fieldError{Attr: "comment", Code: "too_long", Detail: fmt.Sprintf("comment cannot be longer than %d characters", maxTaskBody)})
	}
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	if t.Status == gladly.TaskClosed {
		badRequest(w, fieldError{Code: "invalid_state", Detail: "you can't create comments on closed tasks"})
		return
	}
	c := &gladly.TaskComment{ID: id, AgentID: *in.AgentID, Comment: *in.Comment, TaskID: t.ID, CreatedAt: s.nowMillis()}
	s.db.work.addComment(c)
	s.emitTask("TASK/COMMENT_ADDED", t, map[string]any{"commentId": id})
	created(w, "/api/v1/tasks/"+t.ID+"/comments/"+id)
}
