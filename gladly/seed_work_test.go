package gladly_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// TestSeededWorkHasTheConfiguredShape: every generated customer gets exactly the configured
// counts, everything dated in the past and in order, assigned to agents who work the inbox.
func TestSeededWorkHasTheConfiguredShape(t *testing.T) {
	t.Parallel()
	size := gladlytest.Size{Customers: 4, ConversationsPerCustomer: 3, ItemsPerConversation: 9, TasksPerCustomer: 3, CommentsPerTask: 4}
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithSize(size))
	cl := newClient(t, srv)
	ctx := t.Context()
	now := time.Now()
	kinds := map[string]bool{}
	teams, _, err := cl.Teams.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vip := map[string]bool{}
	for _, tm := range teams {
		if tm.Name == "VIP Concierge" {
			for _, a := range tm.AgentIDs {
				vip[a] = true
			}
		}
	}
	for i := range size.Customers {
		id := findGenerated(t, cl, i)
		convs, _, err := cl.Conversations.ListForCustomer(ctx, id)
		if err != nil || len(convs) != size.ConversationsPerCustomer {
			t.Fatalf("customer %d: %d conversations, %v", i, len(convs), err)
		}
		for _, cv := range convs {
			if cv.InboxID == gladlytest.DemoInboxID("VIP") && cv.AgentID != "" && !vip[cv.AgentID] {
				t.Errorf("conversation %s: VIP inbox with a non-VIP agent", cv.ID)
			}
			if cv.Status == gladly.ConversationClosed && (len(cv.TopicIDs) == 0 || cv.ClosedAt.Before(cv.CreatedAt)) {
				t.Errorf("closed conversation %s: topics %v, created %v closed %v", cv.ID, cv.TopicIDs, cv.CreatedAt, cv.ClosedAt)
			}
			items, _, err := cl.Items.ListForConversation(ctx, cv.ID, nil)
			if err != nil || len(items) != size.ItemsPerConversation {
				t.Fatalf("conversation %s: %d items, %v", cv.ID, len(items), err)
			}
			for j, it := range items {
				kinds[it.Content.ContentType()] = true
				if it.Timestamp.Before(cv.CreatedAt) || !it.Timestamp.Before(now) || (j > 0 && it.Timestamp.Before(items[j-1].Timestamp)) {
					t.Errorf("item %d of %s at %v (conversation created %v)", j, cv.ID, it.Timestamp, cv.CreatedAt)
				}
			}
			last := items[len(items)-1].Content
			if sc, ok := last.(*gladly.ConversationStatusChangeContent); (cv.Status == gladly.ConversationClosed) != (ok && sc.Status == gladly.ConversationClosed) {
				t.Errorf("conversation %s is %s, last item %s", cv.ID, cv.Status, last.ContentType())
			}
		}
		tasks, _, err := cl.Tasks.ListForCustomer(ctx, id, nil)
		if err != nil || len(tasks) != size.TasksPerCustomer {
			t.Fatalf("customer %d: %d tasks, %v", i, len(tasks), err)
		}
		for _, tk := range tasks {
			if !tk.Timestamp.Before(now) || (tk.Status == gladly.TaskOpen) != tk.DueAt.After(now) {
				t.Errorf("task %s: %s created %v due %v", tk.ID, tk.Status, tk.Timestamp, tk.DueAt)
			}
			comments, _, err := cl.Tasks.ListComments(ctx, tk.ID)
			if err != nil || len(comments) != size.CommentsPerTask {
				t.Fatalf("task %s: %d comments, %v", tk.ID, len(comments), err)
			}
			for _, c := range comments {
				if c.CreatedAt.Before(tk.Timestamp) || !c.CreatedAt.Before(now) || c.AgentID == "" {
					t.Errorf("comment %+v on task created %v", c, tk.Timestamp)
				}
			}
		}
	}
	if len(kinds) < 6 {
		t.Errorf("generated timelines hold only %v", kinds)
	}
}

// TestSeededWorkIsDeterministic: one seed and clock, one organization; another seed, other data.
// (History is placed relative to the clock, so the clock is fixed.)
func TestSeededWorkIsDeterministic(t *testing.T) {
	t.Parallel()
	size := gladlytest.Size{Customers: 2, ConversationsPerCustomer: 2, ItemsPerConversation: 6, TasksPerCustomer: 2, CommentsPerTask: 1}
	snapshot := func(seed int64) [][]byte {
		srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithSize(size), gladlytest.WithSeed(seed),
			gladlytest.WithClock(func() time.Time { return time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC) }))
		cl := newClient(t, srv)
		var out [][]byte
		for i := range size.Customers {
			id := findGenerated(t, cl, i)
			convs, _, _ := cl.Conversations.ListForCustomer(t.Context(), id)
			for _, cv := range convs {
				items, _, _ := cl.Items.ListForConversation(t.Context(), cv.ID, nil)
				out = append(out, cv.Raw)
				for _, it := range items {
					out = append(out, it.Raw)
				}
			}
			tasks, _, _ := cl.Tasks.ListForCustomer(t.Context(), id, nil)
			for _, tk := range tasks {
				out = append(out, tk.Raw)
			}
		}
		return out
	}
	a, b, c := snapshot(7), snapshot(7), snapshot(8)
	if !slices.EqualFunc(a, b, bytes.Equal) {
		t.Error("two servers with seed 7 differ")
	}
	if slices.EqualFunc(a, c, bytes.Equal) {
		t.Error("seeds 7 and 8 give the same work")
	}
}
