package gladly_test

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["conversations"] = contractConversations }

func contractConversations(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()
	open := gladlytest.DemoOpenConversationID
	chat, amy := gladlytest.DemoInboxID("Chat"), gladlytest.DemoAgentID("Amy Agent")

	got, _, err := cl.Conversations.Get(ctx, open)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	want := &gladly.Conversation{
		ID: open, CustomerID: gladlytest.DemoCustomerID, AgentID: amy, InboxID: chat, Status: gladly.ConversationOpen,
		TopicIDs: []string{gladlytest.DemoTopicID("Order Status"), gladlytest.DemoTopicID("Damaged Item")},
		CustomAttributes: []gladly.ConversationAttribute{
			{ID: gladlytest.DemoCustomAttributeID("orderId"), Value: "ORD-1815-0042"},
			{ID: gladlytest.DemoCustomAttributeID("orderId"), Value: "ORD-1815-0043"},
			{ID: gladlytest.DemoCustomAttributeID("carrier"), Value: "Royal Mail"},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(gladly.Conversation{}, "CreatedAt", "Raw")); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}

	list, resp, err := cl.Conversations.ListForCustomer(ctx, gladlytest.DemoCustomerID)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	statuses := map[string]int{}
	for _, cv := range list {
		statuses[cv.Status]++
		if cv.Status == gladly.ConversationClosed && (cv.ClosedAt.IsZero() || len(cv.TopicIDs) == 0) {
			t.Errorf("closed conversation %s: closedAt %v topics %v", cv.ID, cv.ClosedAt, cv.TopicIDs)
		}
	}
	if resp.Limited || statuses[gladly.ConversationOpen] < 1 || statuses[gladly.ConversationWaiting] < 1 || statuses[gladly.ConversationClosed] < 1 {
		t.Errorf("Ada's conversations: %v (limited %v); want OPEN, WAITING and CLOSED", statuses, resp.Limited)
	}
	if !slices.IsSortedFunc(list, func(a, b *gladly.Conversation) int { return a.CreatedAt.Compare(b.CreatedAt) }) {
		t.Error("conversations are not oldest first")
	}

	// Topics: one new, one already there (ignored); then remove the new one.
	refund := gladlytest.DemoTopicID("Refund")
	if _, err := cl.Conversations.AddTopics(ctx, open, refund, gladlytest.DemoTopicID("Order Status")); err != nil {
		t.Fatalf("add topics: %v", err)
	}
	got, _, _ = cl.Conversations.Get(ctx, open)
	if len(got.TopicIDs) != 3 || got.TopicIDs[2] != refund {
		t.Errorf("topics after adding: %v", got.TopicIDs)
	}
	if _, err := cl.Conversations.RemoveTopic(ctx, open, refund); err != nil {
		t.Fatalf("remove topic: %v", err)
	}
	_, err = cl.Conversations.AddTopics(ctx, open, "no-such-topic")
	assertFieldError(t, err, http.StatusBadRequest, "topicIds", gladly.CodeInvalid)
	_, err = cl.Conversations.AddTopics(ctx, open, gladlytest.DemoTopicID("Holiday 2019"))
	assertFieldError(t, err, http.StatusBadRequest, "topicIds", gladly.CodeInvalidState)
	if _, err := cl.Conversations.RemoveTopic(ctx, open, refund); !gladly.IsNotFound(err) {
		t.Errorf("remove a topic the conversation lacks: %v, want 404", err)
	}

	// Notes.
	noteID, resp, err := cl.Conversations.AddNote(ctx, open, "<p>Courier <strong>confirmed</strong> Friday delivery.</p>")
	if err != nil {
		t.Fatalf("add note: %v", err)
	}
	if resp.StatusCode != http.StatusCreated || resp.Location != "/api/v1/conversations/"+open+"/notes/"+noteID {
		t.Errorf("add note: %d %q", resp.StatusCode, resp.Location)
	}
	note, _, err := cl.Conversations.GetNote(ctx, open, noteID)
	if err != nil {
		t.Fatalf("get note: %v", err)
	}
	if nc, ok := note.Content.(*gladly.NoteContent); !ok || !strings.Contains(nc.Body, "confirmed") || note.Initiator == nil || note.Initiator.Type != gladly.ActorAPI {
		t.Errorf("note: %+v content %#v", note, note.Content)
	}
	if _, _, err := cl.Conversations.GetNote(ctx, open, gladlytest.DemoPhoneCallItemID); !gladly.IsNotFound(err) {
		t.Errorf("a call read as a note: %v, want 404", err)
	}
	if _, _, err := cl.Conversations.AddNote(ctx, "no-such-conversation", "x"); !gladly.IsNotFound(err) {
		t.Errorf("note on a missing conversation: %v, want 404", err)
	}

	// Assignment and status, with Gladly's refusals.
	_, err = cl.Conversations.Update(ctx, open, &gladly.UpdateConversationRequest{Status: &gladly.ConversationStatusUpdate{Value: gladly.ConversationClosed}})
	assertFieldError(t, err, http.StatusBadRequest, "", gladly.CodeInvalidState)
	_, err = cl.Conversations.Update(ctx, open, &gladly.UpdateConversationRequest{Assignee: &gladly.AssigneeUpdate{InboxID: gladlytest.DemoInboxID("VIP"), AgentID: amy}})
	assertFieldError(t, err, http.StatusBadRequest, "assignee.agentId", gladly.CodeInvalidState)
	alan := gladlytest.DemoAgentID("Alan Turing")
	if _, err := cl.Conversations.Update(ctx, open, &gladly.UpdateConversationRequest{Assignee: &gladly.AssigneeUpdate{InboxID: gladlytest.DemoInboxID("VIP"), AgentID: alan}}); err != nil {
		t.Fatalf("assign to a VIP agent: %v", err)
	}
	if _, err := cl.Conversations.Update(ctx, open, &gladly.UpdateConversationRequest{Status: &gladly.ConversationStatusUpdate{Value: gladly.ConversationClosed, Force: true}}); err != nil {
		t.Fatalf("close with force: %v", err)
	}
	got, _, _ = cl.Conversations.Get(ctx, open)
	if got.Status != gladly.ConversationClosed || got.ClosedAt.IsZero() || got.AgentID != alan {
		t.Errorf("after closing: %+v", got)
	}
	_, err = cl.Conversations.Update(ctx, open, &gladly.UpdateConversationRequest{Assignee: &gladly.AssigneeUpdate{InboxID: chat, AgentID: amy}})
	assertFieldError(t, err, http.StatusBadRequest, "", gladly.CodeInvalidState)
	// Reopen into the Chat queue with no agent (agentId: null).
	if _, err := cl.Conversations.Update(ctx, open, &gladly.UpdateConversationRequest{
		Assignee: &gladly.AssigneeUpdate{InboxID: chat}, Status: &gladly.ConversationStatusUpdate{Value: gladly.ConversationOpen},
	}); err != nil {
		t.Fatalf("reopen unassigned: %v", err)
	}
	got, _, _ = cl.Conversations.Get(ctx, open)
	if got.Status != gladly.ConversationOpen || !got.ClosedAt.IsZero() || got.AgentID != "" || got.InboxID != chat || bytes.Contains(got.Raw, []byte("closedAt")) {
		t.Errorf("after reopening: %+v", got)
	}
	if _, _, err := cl.Conversations.Get(ctx, "no-such-conversation"); !gladly.IsNotFound(err) {
		t.Errorf("missing conversation: %v, want 404", err)
	}
	_, err = cl.Conversations.Update(ctx, "no-such-conversation", &gladly.UpdateConversationRequest{Status: &gladly.ConversationStatusUpdate{Value: gladly.ConversationOpen}})
	assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist)
}

// statusItems returns the status changes on a conversation's timeline, oldest first.
func statusItems(t *testing.T, cl *gladly.Client, id string) []string {
	t.Helper()
	items, _, err := cl.Items.ListForConversation(t.Context(), id, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		if sc, ok := it.Content.(*gladly.ConversationStatusChangeContent); ok {
			out = append(out, sc.Status)
		}
	}
	return out
}

func TestCloseWhileCustomerAwaitsResponse(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	closeReq := func(force bool) *gladly.UpdateConversationRequest {
		return &gladly.UpdateConversationRequest{Status: &gladly.ConversationStatusUpdate{Value: gladly.ConversationClosed, Force: force}}
	}
	// Ada's last chat message is unanswered: a note is no answer, force is needed.
	if _, _, err := cl.Conversations.AddNote(ctx, gladlytest.DemoOpenConversationID, "Asked the courier."); err != nil {
		t.Fatal(err)
	}
	_, err := cl.Conversations.Update(ctx, gladlytest.DemoOpenConversationID, closeReq(false))
	var ge *gladly.Error
	if !asError(err, &ge) || !strings.Contains(ge.Errors[0].Detail, "customer waiting for response") {
		t.Errorf("close without force: %v", err)
	}
	if _, err := cl.Conversations.Update(ctx, gladlytest.DemoOpenConversationID, closeReq(true)); err != nil {
		t.Errorf("close with force: %v", err)
	}
	// The agent had the last word in the WAITING conversation: it closes without force.
	if _, err := cl.Conversations.Update(ctx, gladlytest.DemoWaitingConversationID, closeReq(false)); err != nil {
		t.Errorf("close a waiting conversation: %v", err)
	}
	// Closing a closed conversation changes nothing.
	if _, err := cl.Conversations.Update(ctx, gladlytest.DemoWaitingConversationID, closeReq(false)); err != nil {
		t.Errorf("close again: %v", err)
	}
	if got := statusItems(t, cl, gladlytest.DemoWaitingConversationID); !slices.Equal(got, []string{gladly.ConversationClosed}) {
		t.Errorf("status items %v, want one CLOSED", got)
	}
}

// asError unwraps a *gladly.Error that carries at least one errors[] entry.
func asError(err error, target **gladly.Error) bool {
	return errors.As(err, target) && len((*target).Errors) > 0
}

func TestCloseNeedsTopicsUnlessSwitchedOff(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	grace, _, err := cl.Conversations.ListForCustomer(ctx, gladlytest.DemoCustomerIDOf("Grace Hopper"))
	if err != nil || len(grace) != 1 || len(grace[0].TopicIDs) != 0 || grace[0].Status != gladly.ConversationOpen {
		t.Fatalf("Grace's conversation: %+v, %v; want one open without topics", grace, err)
	}
	closeReq := &gladly.UpdateConversationRequest{Status: &gladly.ConversationStatusUpdate{Value: gladly.ConversationClosed, Force: true}}
	_, err = cl.Conversations.Update(ctx, grace[0].ID, closeReq)
	var ge *gladly.Error
	if !asError(err, &ge) || ge.Errors[0].Code != gladly.CodeInvalidState || ge.Errors[0].Detail != "topics are required before closing of conversation" {
		t.Errorf("close without topics: %v", err)
	}
	srv.TopicsRequiredToClose(false)
	if _, err := cl.Conversations.Update(ctx, grace[0].ID, closeReq); err != nil {
		t.Errorf("close without topics when the organization allows it: %v", err)
	}
}

func TestPatchConversationRefusals(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	id := gladlytest.DemoOpenConversationID

	// Both blanks are reported at once, as Gladly's example shows.
	_, err := cl.Conversations.Update(t.Context(), id, &gladly.UpdateConversationRequest{
		Assignee: &gladly.AssigneeUpdate{}, Status: &gladly.ConversationStatusUpdate{},
	})
	var ge *gladly.Error
	if !asError(err, &ge) || ge.StatusCode != http.StatusBadRequest {
		t.Fatalf("blank assignee and status: %v", err)
	}
	want := []gladly.FieldError{
		{Attr: "assignee.inboxId", Code: "blank", Detail: "'inboxId' cannot be blank when updating assignee"},
		{Attr: "status.value", Code: "blank", Detail: "'value' cannot be blank when updating status"},
	}
	if diff := cmp.Diff(want, ge.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}

	for name, tc := range map[string]struct {
		req        gladly.UpdateConversationRequest
		attr, code string
	}{
		"WAITING cannot be set": {gladly.UpdateConversationRequest{Status: &gladly.ConversationStatusUpdate{Value: gladly.ConversationWaiting}}, "status.value", gladly.CodeInvalid},
		"unknown inbox":         {gladly.UpdateConversationRequest{Assignee: &gladly.AssigneeUpdate{InboxID: "nope"}}, "assignee.inboxId", gladly.CodeInvalid},
		"unknown agent":         {gladly.UpdateConversationRequest{Assignee: &gladly.AssigneeUpdate{InboxID: gladlytest.DemoInboxID("Chat"), AgentID: "nope"}}, "assignee.agentId", gladly.CodeInvalid},
		"agent not in inbox":    {gladly.UpdateConversationRequest{Assignee: &gladly.AssigneeUpdate{InboxID: gladlytest.DemoInboxID("SMS"), AgentID: gladlytest.DemoAgentID("Blaise Pascal")}}, "assignee.agentId", gladly.CodeInvalidState},
		"nothing to change":     {gladly.UpdateConversationRequest{}, "", gladly.CodeBlank},
	} {
		_, err := cl.Conversations.Update(t.Context(), id, &tc.req)
		t.Run(name, func(t *testing.T) { assertFieldError(t, err, http.StatusBadRequest, tc.attr, tc.code) })
	}
}

func TestConversationStatusTimeline(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	id := gladlytest.DemoClosedConversationID
	before := statusItems(t, cl, id)
	for _, st := range []string{gladly.ConversationOpen, gladly.ConversationClosed, gladly.ConversationOpen} {
		if _, err := cl.Conversations.Update(ctx, id, &gladly.UpdateConversationRequest{Status: &gladly.ConversationStatusUpdate{Value: st}}); err != nil {
			t.Fatalf("set %s: %v", st, err)
		}
		got, _, _ := cl.Conversations.Get(ctx, id)
		if got.Status != st || got.ClosedAt.IsZero() != (st == gladly.ConversationOpen) {
			t.Errorf("after %s: status %s closedAt %v", st, got.Status, got.ClosedAt)
		}
	}
	want := append(before, gladly.ConversationOpen, gladly.ConversationClosed, gladly.ConversationOpen)
	if got := statusItems(t, cl, id); !slices.Equal(got, want) {
		t.Errorf("status items %v, want %v", got, want)
	}
	// Topic changes are on the timeline too.
	if _, err := cl.Conversations.AddTopics(ctx, id, gladlytest.DemoTopicID("Refund"), gladlytest.DemoTopicID("Refund")); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Conversations.AddTopics(ctx, id, gladlytest.DemoTopicID("Refund")); err != nil {
		t.Fatal(err)
	}
	items, _, _ := cl.Items.ListForConversation(ctx, id, nil)
	last := items[len(items)-1].Content.(*gladly.TopicChangeContent)
	if !slices.Equal(last.AddedTopicIDs, []string{gladlytest.DemoTopicID("Refund")}) {
		t.Errorf("last topic change %+v; a repeated add must not add another", last)
	}
}

// TestAddNoteAcceptsBothShapes: the spec's schema ({"body"}) and its example ({"content":{"body"}}).
func TestAddNoteAcceptsBothShapes(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	for _, body := range []string{`{"body":"schema shape"}`, `{"content":{"body":"example shape"}}`} {
		req := &gladly.Request{Op: "addNoteToConversation", Method: http.MethodPost, Path: "/api/v1/conversations/" + gladlytest.DemoOpenConversationID + "/notes", Body: []byte(body)}
		resp, err := cl.Do(t.Context(), req, nil)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("%s: %v", body, err)
		}
		note, _, err := cl.Conversations.GetNote(t.Context(), gladlytest.DemoOpenConversationID, resp.Location[strings.LastIndexByte(resp.Location, '/')+1:])
		if err != nil || !strings.HasSuffix(note.Content.(*gladly.NoteContent).Body, "shape") {
			t.Errorf("%s: note %+v, %v", body, note, err)
		}
	}
	for _, body := range []string{`{"body":"  "}`, `{"content":{}}`} {
		req := &gladly.Request{Op: "addNoteToConversation", Method: http.MethodPost, Path: "/api/v1/conversations/" + gladlytest.DemoOpenConversationID + "/notes", Body: []byte(body)}
		_, err := cl.Do(t.Context(), req, nil)
		if gladly.StatusCode(err) != http.StatusBadRequest {
			t.Errorf("%s: %v, want 400", body, err)
		}
	}
}
