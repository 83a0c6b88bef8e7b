package gladly

import (
	"bytes"
	"encoding/json"
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
	if err := json.Unmarshal(b, (*plain)(t)); err != nil {
		return err
	}
	t.Raw = bytes.Clone(b)
	return nil
}
