package gladly

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Task statuses.
const (
	TaskOpen   = "OPEN"
	TaskClosed = "CLOSED"
)

// Task is a to-do about a customer, assigned to an inbox (and agent), due at a time.
type Task struct {
	ID         string    `json:"id"`
	CustomerID string    `json:"customerId"`
	Timestamp  time.Time `json:"timestamp"` // when the task was created
	CreatedBy  *Actor    `json:"createdBy,omitempty"`
	Assignee   *Assignee `json:"assignee,omitempty"`
	// Body is rich content (a restricted HTML subset), at most 10000 characters.
	Body   string    `json:"body,omitempty"`
	DueAt  time.Time `json:"dueAt,omitzero"`
	Status string    `json:"status,omitempty"`

	// Raw is the object exactly as Gladly sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a task and keeps the raw JSON.
func (t *Task) UnmarshalJSON(b []byte) error {
	type plain Task
	return decodeKeepingRaw(b, (*plain)(t), &t.Raw)
}

// MarshalJSON writes a task back as Gladly sent it (from its fields when built in Go).
func (t Task) MarshalJSON() ([]byte, error) {
	type plain Task
	return encodeRawOr(t.Raw, plain(t))
}

// TaskComment is an agent's comment on a task.
type TaskComment struct {
	ID        string    `json:"id"`
	AgentID   string    `json:"agentId,omitempty"`
	Comment   string    `json:"comment,omitempty"`
	TaskID    string    `json:"taskId,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`

	// Raw is the object exactly as Gladly sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a task comment and keeps the raw JSON.
func (c *TaskComment) UnmarshalJSON(b []byte) error {
	type plain TaskComment
	return decodeKeepingRaw(b, (*plain)(c), &c.Raw)
}

// MarshalJSON writes a task comment back as Gladly sent it (from its fields when built in Go).
func (c TaskComment) MarshalJSON() ([]byte, error) {
	type plain TaskComment
	return encodeRawOr(c.Raw, plain(c))
}

// ListTasksOptions filters a customer's tasks.
type ListTasksOptions struct {
	// Status keeps only OPEN or only CLOSED tasks; empty keeps both.
	Status string
}

// CreateTaskRequest is the body of createTask. ID is generated when empty. DueAt must be in the
// future; Body is rich content of at most 10000 characters.
type CreateTaskRequest struct {
	ID       string    `json:"id,omitempty"`
	Assignee Assignee  `json:"assignee"`
	Body     string    `json:"body"`
	DueAt    time.Time `json:"dueAt"`
}

// UpdateTaskRequest is the body of updateTask: only non-nil fields change.
type UpdateTaskRequest struct {
	Status   *string         `json:"status,omitempty"`
	Body     *string         `json:"body,omitempty"`
	DueAt    *time.Time      `json:"dueAt,omitempty"`
	Assignee *AssigneeUpdate `json:"assignee,omitempty"`
}

// CreateTaskCommentRequest is the body of createTaskComment. ID is generated when empty.
type CreateTaskCommentRequest struct {
	ID      string `json:"id,omitempty"`
	AgentID string `json:"agentId"`
	Comment string `json:"comment"`
}

// ListForCustomer returns up to 2000 of a customer's tasks, newest first; resp.Limited says
// whether Gladly left older ones out (those are reachable through task exports only).
// Gladly: GET /api/v1/customers/{customerId}/tasks (getTasks)
func (s *TasksService) ListForCustomer(ctx context.Context, customerID string, opts *ListTasksOptions) ([]*Task, *Response, error) {
	var q url.Values
	if opts != nil && opts.Status != "" {
		q = url.Values{"status": {opts.Status}}
	}
	return getList[*Task](ctx, s.client, "getTasks", q, "/api/v1/customers/%s/tasks", customerID)
}

// Get fetches a task.
// Gladly: GET /api/v1/tasks/{taskId} (getTask)
func (s *TasksService) Get(ctx context.Context, id string) (*Task, *Response, error) {
	return get[*Task](ctx, s.client, "getTask", nil, "/api/v1/tasks/%s", id)
}

// Create adds a task for a customer and returns its id. The id is generated when the request has
// none, so the create can be retried safely.
// Gladly: POST /api/v1/customers/{customerId}/tasks (createTask)
func (s *TasksService) Create(ctx context.Context, customerID string, body *CreateTaskRequest) (string, *Response, error) {
	b := *body
	var err error
	if b.ID, err = s.client.ensureID(b.ID); err != nil {
		return "", nil, err
	}
	return s.client.createWithID(ctx, "createTask", b.ID, &b, "/api/v1/customers/%s/tasks", customerID)
}

// Update changes the given fields of a task (closing or reopening it through Status).
// Gladly: PATCH /api/v1/tasks/{taskId} (updateTask)
func (s *TasksService) Update(ctx context.Context, id string, body *UpdateTaskRequest) (*Response, error) {
	return s.client.call(ctx, "updateTask", http.MethodPatch, nil, body, nil, "/api/v1/tasks/%s", id)
}

// ListComments returns up to 1000 comments of a task, oldest first; resp.Limited says whether
// Gladly left newer ones out.
// Gladly: GET /api/v1/tasks/{taskId}/comments (getTaskComments)
func (s *TasksService) ListComments(ctx context.Context, taskID string) ([]*TaskComment, *Response, error) {
	return getList[*TaskComment](ctx, s.client, "getTaskComments", nil, "/api/v1/tasks/%s/comments", taskID)
}

// GetComment fetches one comment of a task.
// Gladly: GET /api/v1/tasks/{taskId}/comments/{commentId} (getTaskComment)
func (s *TasksService) GetComment(ctx context.Context, taskID, commentID string) (*TaskComment, *Response, error) {
	return get[*TaskComment](ctx, s.client, "getTaskComment", nil, "/api/v1/tasks/%s/comments/%s", taskID, commentID)
}

// CreateComment adds an agent's comment to an open task (closed tasks refuse comments: 400
// invalid_state) and returns its id. The id is generated when the request has none, so the
// create can be retried safely.
// Gladly: POST /api/v1/tasks/{taskId}/comments (createTaskComment)
func (s *TasksService) CreateComment(ctx context.Context, taskID string, body *CreateTaskCommentRequest) (string, *Response, error) {
	b := *body
	var err error
	if b.ID, err = s.client.ensureID(b.ID); err != nil {
		return "", nil, err
	}
	return s.client.createWithID(ctx, "createTaskComment", b.ID, &b, "/api/v1/tasks/%s/comments", taskID)
}
