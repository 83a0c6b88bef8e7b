package gladly_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["tasks"] = contractTasks }

func contractTasks(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()
	ada := gladlytest.DemoCustomerID
	email, emmy := gladlytest.DemoInboxID("Email"), gladlytest.DemoAgentID("Emmy Noether")

	tasks, resp, err := cl.Tasks.ListForCustomer(ctx, ada, nil)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(tasks) != 3 || resp.Limited {
		t.Fatalf("Ada's tasks: %d (limited %v), want 3", len(tasks), resp.Limited)
	}
	if !slices.IsSortedFunc(tasks, func(a, b *gladly.Task) int { return b.Timestamp.Compare(a.Timestamp) }) {
		t.Error("tasks are not newest first")
	}
	open, _, err := cl.Tasks.ListForCustomer(ctx, ada, &gladly.ListTasksOptions{Status: gladly.TaskOpen})
	if err != nil || len(open) != 2 {
		t.Fatalf("open tasks: %d, %v; want 2", len(open), err)
	}
	for _, tk := range open {
		if tk.Status != gladly.TaskOpen || !tk.DueAt.After(time.Now()) || len(tk.Raw) == 0 {
			t.Errorf("open task %+v", tk)
		}
	}

	due := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Millisecond)
	id, resp, err := cl.Tasks.Create(ctx, ada, &gladly.CreateTaskRequest{
		Assignee: gladly.Assignee{InboxID: email, AgentID: emmy}, Body: "<p>Send Ada the <em>new</em> catalogue.</p>", DueAt: due,
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if resp.StatusCode != http.StatusCreated || resp.Location != "/api/v1/tasks/"+id {
		t.Errorf("create: %d %q", resp.StatusCode, resp.Location)
	}
	got, _, err := cl.Tasks.Get(ctx, id)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	want := &gladly.Task{
		ID: id, CustomerID: ada, CreatedBy: &gladly.Actor{ID: gladlytest.APIAgentID, Type: gladly.ActorAPI},
		Assignee: &gladly.Assignee{InboxID: email, AgentID: emmy}, Body: "<p>Send Ada the <em>new</em> catalogue.</p>", DueAt: due, Status: gladly.TaskOpen,
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(gladly.Task{}, "Timestamp", "Raw")); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}

	body, later := "Send Ada the spring catalogue.", due.Add(24*time.Hour)
	if _, err := cl.Tasks.Update(ctx, id, &gladly.UpdateTaskRequest{
		Body: &body, DueAt: &later, Assignee: &gladly.AssigneeUpdate{InboxID: gladlytest.DemoInboxID("Phone")},
	}); err != nil {
		t.Fatalf("update: %v", err)
	}
	got, _, _ = cl.Tasks.Get(ctx, id)
	if got.Body != body || !got.DueAt.Equal(later) || got.Assignee.InboxID != gladlytest.DemoInboxID("Phone") || got.Assignee.AgentID != "" {
		t.Errorf("after update: %+v", got)
	}

	commentID, resp, err := cl.Tasks.CreateComment(ctx, id, &gladly.CreateTaskCommentRequest{AgentID: emmy, Comment: "Catalogue printed."})
	if err != nil {
		t.Fatalf("comment: %v", err)
	}
	if resp.Location != "/api/v1/tasks/"+id+"/comments/"+commentID {
		t.Errorf("comment location %q", resp.Location)
	}
	comment, _, err := cl.Tasks.GetComment(ctx, id, commentID)
	if err != nil || comment.AgentID != emmy || comment.Comment != "Catalogue printed." || comment.TaskID != id || comment.CreatedAt.IsZero() {
		t.Errorf("get comment: %+v, %v", comment, err)
	}
	comments, resp, err := cl.Tasks.ListComments(ctx, gladlytest.DemoOpenTaskID)
	if err != nil || len(comments) != 2 || resp.Limited {
		t.Fatalf("comments of the demo task: %d, %v", len(comments), err)
	}
	if !comments[0].CreatedAt.Before(comments[1].CreatedAt) {
		t.Error("comments are not oldest first")
	}

	closed := gladly.TaskClosed
	if _, err := cl.Tasks.Update(ctx, id, &gladly.UpdateTaskRequest{Status: &closed}); err != nil {
		t.Fatalf("close: %v", err)
	}
	_, _, err = cl.Tasks.CreateComment(ctx, id, &gladly.CreateTaskCommentRequest{AgentID: emmy, Comment: "Too late."})
	assertFieldError(t, err, http.StatusBadRequest, "", gladly.CodeInvalidState)

	// Refusals.
	_, _, err = cl.Tasks.Create(ctx, ada, &gladly.CreateTaskRequest{ID: id, Assignee: gladly.Assignee{InboxID: email}, Body: "again", DueAt: due})
	assertFieldError(t, err, http.StatusConflict, "newConversationItems", gladly.CodeTaken)
	_, _, err = cl.Tasks.Create(ctx, ada, &gladly.CreateTaskRequest{Assignee: gladly.Assignee{InboxID: email}, Body: "late", DueAt: time.Now().Add(-time.Hour)})
	assertFieldError(t, err, http.StatusBadRequest, "dueAt", gladly.CodeInvalid)
	if _, _, err := cl.Tasks.Create(ctx, "no-such-customer", &gladly.CreateTaskRequest{Assignee: gladly.Assignee{InboxID: email}, Body: "x", DueAt: due}); !gladly.IsNotFound(err) {
		t.Errorf("task for a missing customer: %v, want 404", err)
	}
	_, _, err = cl.Tasks.Get(ctx, "no-such-task")
	assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist)
	if _, _, err := cl.Tasks.ListForCustomer(ctx, "no-such-customer", nil); !gladly.IsNotFound(err) {
		t.Errorf("tasks of a missing customer: %v, want 404", err)
	}
	if _, _, err := cl.Tasks.GetComment(ctx, gladlytest.DemoOpenTaskID, commentID); !gladly.IsNotFound(err) {
		t.Errorf("a comment read through another task: %v, want 404", err)
	}
	if _, _, err := cl.Tasks.ListComments(ctx, "no-such-task"); !gladly.IsNotFound(err) {
		t.Errorf("comments of a missing task: %v, want 404", err)
	}
}

func TestCreateTaskValidation(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	email := gladlytest.DemoInboxID("Email")
	due := time.Now().Add(time.Hour)
	ok := gladly.CreateTaskRequest{Assignee: gladly.Assignee{InboxID: email}, Body: "Call back", DueAt: due}
	for name, tc := range map[string]struct {
		edit       func(r *gladly.CreateTaskRequest)
		attr, code string
	}{
		"blank body":        {func(r *gladly.CreateTaskRequest) { r.Body = " " }, "body", gladly.CodeBlank},
		"body too long":     {func(r *gladly.CreateTaskRequest) { r.Body = strings.Repeat("é", 10001) }, "body", gladly.CodeTooLong},
		"due in the past":   {func(r *gladly.CreateTaskRequest) { r.DueAt = time.Now().Add(-time.Minute) }, "dueAt", gladly.CodeInvalid},
		"no due date":       {func(r *gladly.CreateTaskRequest) { r.DueAt = time.Time{} }, "dueAt", gladly.CodeInvalid},
		"blank inbox":       {func(r *gladly.CreateTaskRequest) { r.Assignee.InboxID = "" }, "assignee.inboxId", gladly.CodeBlank},
		"unknown inbox":     {func(r *gladly.CreateTaskRequest) { r.Assignee.InboxID = "nope" }, "assignee.inboxId", gladly.CodeInvalid},
		"unknown agent":     {func(r *gladly.CreateTaskRequest) { r.Assignee.AgentID = "nope" }, "assignee.agentId", gladly.CodeInvalid},
		"unsafe id":         {func(r *gladly.CreateTaskRequest) { r.ID = "a b" }, "", ""},
		"body at the limit": {func(r *gladly.CreateTaskRequest) { r.Body = strings.Repeat("é", 10000) }, "", "ok"},
	} {
		r := ok
		tc.edit(&r)
		_, _, err := cl.Tasks.Create(t.Context(), gladlytest.DemoCustomerID, &r)
		t.Run(name, func(t *testing.T) {
			var ae *gladly.ArgumentError
			switch tc.code {
			case "ok":
				if err != nil {
					t.Errorf("refused: %v", err)
				}
			case "":
				if !errors.As(err, &ae) {
					t.Errorf("%v, want an ArgumentError before sending", err)
				}
			default:
				assertFieldError(t, err, http.StatusBadRequest, tc.attr, tc.code)
			}
		})
	}
	// Fields missing altogether are each reported.
	req := &gladly.Request{Op: "createTask", Method: http.MethodPost, Path: "/api/v1/customers/" + gladlytest.DemoCustomerID + "/tasks", Body: []byte(`{}`)}
	_, err := cl.Do(t.Context(), req, nil)
	for _, attr := range []string{"body", "dueAt", "assignee"} {
		assertFieldError(t, err, http.StatusBadRequest, attr, gladly.CodeBlank)
	}
	// An unknown status filter is refused.
	req = &gladly.Request{Op: "getTasks", Method: http.MethodGet, Path: "/api/v1/customers/" + gladlytest.DemoCustomerID + "/tasks", Query: map[string][]string{"status": {"DONE"}}}
	_, err = cl.Do(t.Context(), req, nil)
	assertFieldError(t, err, http.StatusBadRequest, "status", gladly.CodeInvalid)
}

func TestTaskCommentRules(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	amy := gladlytest.DemoAgentID("Amy Agent")

	// A closed task takes no comments until it is reopened.
	_, _, err := cl.Tasks.CreateComment(ctx, gladlytest.DemoClosedTaskID, &gladly.CreateTaskCommentRequest{AgentID: amy, Comment: "One more thing"})
	var ge *gladly.Error
	if !asError(err, &ge) || ge.Errors[0].Code != gladly.CodeInvalidState || ge.Errors[0].Detail != "you can't create comments on closed tasks" {
		t.Errorf("comment on a closed task: %v", err)
	}
	reopen := gladly.TaskOpen
	if _, err := cl.Tasks.Update(ctx, gladlytest.DemoClosedTaskID, &gladly.UpdateTaskRequest{Status: &reopen}); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if _, _, err := cl.Tasks.CreateComment(ctx, gladlytest.DemoClosedTaskID, &gladly.CreateTaskCommentRequest{AgentID: amy, Comment: "One more thing"}); err != nil {
		t.Errorf("comment on the reopened task: %v", err)
	}
	comments, _, _ := cl.Tasks.ListComments(ctx, gladlytest.DemoClosedTaskID)
	if len(comments) != 3 || comments[2].Comment != "One more thing" {
		t.Errorf("comments after adding: %d", len(comments))
	}

	for name, tc := range map[string]struct {
		req        gladly.CreateTaskCommentRequest
		attr, code string
	}{
		"blank agent":      {gladly.CreateTaskCommentRequest{Comment: "x"}, "agentId", gladly.CodeBlank},
		"unknown agent":    {gladly.CreateTaskCommentRequest{AgentID: "nope", Comment: "x"}, "agentId", gladly.CodeInvalid},
		"blank comment":    {gladly.CreateTaskCommentRequest{AgentID: amy}, "comment", gladly.CodeBlank},
		"comment too long": {gladly.CreateTaskCommentRequest{AgentID: amy, Comment: strings.Repeat("x", 10001)}, "comment", gladly.CodeTooLong},
	} {
		_, _, err := cl.Tasks.CreateComment(ctx, gladlytest.DemoOpenTaskID, &tc.req)
		t.Run(name, func(t *testing.T) { assertFieldError(t, err, http.StatusBadRequest, tc.attr, tc.code) })
	}
	id, _, err := cl.Tasks.CreateComment(ctx, gladlytest.DemoOpenTaskID, &gladly.CreateTaskCommentRequest{AgentID: amy, Comment: "x"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = cl.Tasks.CreateComment(ctx, gladlytest.DemoFollowUpTaskID, &gladly.CreateTaskCommentRequest{ID: id, AgentID: amy, Comment: "x"})
	assertFieldError(t, err, http.StatusConflict, "id", gladly.CodeTaken)
}

func TestUpdateTaskPartially(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	before, _, err := cl.Tasks.Get(ctx, gladlytest.DemoClosedTaskID)
	if err != nil {
		t.Fatal(err)
	}
	// Reopening a task whose due date passed, re-sending that date unchanged (as a fetched task
	// sent back would), is fine; moving it into the past is not.
	open := gladly.TaskOpen
	if _, err := cl.Tasks.Update(ctx, before.ID, &gladly.UpdateTaskRequest{Status: &open, DueAt: &before.DueAt}); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	after, _, _ := cl.Tasks.Get(ctx, before.ID)
	if after.Status != gladly.TaskOpen || after.Body != before.Body || *after.Assignee != *before.Assignee || !after.DueAt.Equal(before.DueAt) {
		t.Errorf("only the status should change: %+v → %+v", before, after)
	}
	past := before.DueAt.Add(-time.Hour)
	_, err = cl.Tasks.Update(ctx, before.ID, &gladly.UpdateTaskRequest{DueAt: &past})
	assertFieldError(t, err, http.StatusBadRequest, "dueAt", gladly.CodeInvalid)
	blank := ""
	_, err = cl.Tasks.Update(ctx, before.ID, &gladly.UpdateTaskRequest{Body: &blank})
	assertFieldError(t, err, http.StatusBadRequest, "body", gladly.CodeBlank)
	if _, err := cl.Tasks.Update(ctx, "no-such-task", &gladly.UpdateTaskRequest{Status: &open}); !gladly.IsNotFound(err) {
		t.Errorf("update a missing task: %v, want 404", err)
	}
}

func TestMergedCustomersTasksMove(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	from, _, err := cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Name: "A. A. Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	taskID, _, err := cl.Tasks.Create(ctx, from, &gladly.CreateTaskRequest{Assignee: gladly.Assignee{InboxID: gladlytest.DemoInboxID("Email")}, Body: "Merge me", DueAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.MergeCustomers(from, gladlytest.DemoCustomerID); err != nil {
		t.Fatal(err)
	}
	tasks, _, err := cl.Tasks.ListForCustomer(ctx, gladlytest.DemoCustomerID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 4 || tasks[0].ID != taskID || tasks[0].CustomerID != gladlytest.DemoCustomerID {
		t.Errorf("the survivor's tasks: %d, newest %+v; want the merged task first", len(tasks), tasks[0])
	}
	if _, _, err := cl.Tasks.ListForCustomer(ctx, from, nil); !gladly.IsNotFound(err) {
		t.Errorf("tasks of the merged id: %v, want 404", err)
	}
	if _, _, err := cl.Tasks.Create(ctx, from, &gladly.CreateTaskRequest{Assignee: gladly.Assignee{InboxID: gladlytest.DemoInboxID("Email")}, Body: "x", DueAt: time.Now().Add(time.Hour)}); !gladly.IsNotFound(err) {
		t.Errorf("create a task for the merged id: %v, want 404", err)
	}
}

// TestCreatesWithIDRetriedLandOnce: a create whose answer was lost is retried with the same id;
// the 409 on the retry shows the first attempt landed, and exactly one object exists.
func TestCreatesWithIDRetriedLandOnce(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	drop := gladlytest.Fault{Kind: gladlytest.FaultDropAfter}

	srv.FailNext("createTask", drop)
	id, resp, err := cl.Tasks.Create(ctx, gladlytest.DemoCustomerIDOf("Mary Somerville"), &gladly.CreateTaskRequest{
		Assignee: gladly.Assignee{InboxID: gladlytest.DemoInboxID("Email")}, Body: "Once", DueAt: time.Now().Add(time.Hour),
	})
	if err != nil || resp.Attempts != 2 || srv.Calls("createTask") != 2 {
		t.Fatalf("create task through a dropped connection: %v (attempts %v, calls %d)", err, resp, srv.Calls("createTask"))
	}
	tasks, _, _ := cl.Tasks.ListForCustomer(ctx, gladlytest.DemoCustomerIDOf("Mary Somerville"), nil)
	if n := len(tasks); n != 1 || tasks[0].ID != id {
		t.Errorf("Mary's tasks: %d, want exactly the one created", n)
	}

	srv.FailNext("createTaskComment", drop)
	cid, resp, err := cl.Tasks.CreateComment(ctx, id, &gladly.CreateTaskCommentRequest{AgentID: gladlytest.DemoAgentID("Amy Agent"), Comment: "Once"})
	if err != nil || resp.Attempts != 2 || srv.Calls("createTaskComment") != 2 {
		t.Fatalf("create comment through a dropped connection: %v (calls %d)", err, srv.Calls("createTaskComment"))
	}
	comments, _, _ := cl.Tasks.ListComments(ctx, id)
	if len(comments) != 1 || comments[0].ID != cid {
		t.Errorf("comments: %d, want exactly the one created", len(comments))
	}
}
