package loaders

import (
	"testing"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// A profile change leaves the customer's conversations and tasks cached; deleting or merging
// the customer (KindCustomerWork) drops them.
func TestProfileAndWorkInvalidateApart(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	id := gladlytest.DemoCustomerID
	read := func() {
		t.Helper()
		ctx, l := r.request(t)
		convs, err := l.ContactConversations.Load(ctx, id)
		if err != nil || len(convs.Items) == 0 {
			t.Fatalf("conversations: %v", err)
		}
		if _, err := l.Conversations.Load(ctx, convs.Items[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := l.ContactTasks.Load(ctx, TasksKey{ContactID: id}); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Contacts.Load(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	calls := func() map[string]int {
		return map[string]int{"getConversations": r.srv.Calls("getConversations"), "getTasks": r.srv.Calls("getTasks"), "getCustomer": r.srv.Calls("getCustomer")}
	}
	read()
	ctx, l := r.request(t)
	if err := l.Invalidate(ctx, Ref{Kind: KindCustomer, ID: id}); err != nil {
		t.Fatal(err)
	}
	read()
	if got, want := calls(), map[string]int{"getConversations": 1, "getTasks": 1, "getCustomer": 2}; !equalCounts(got, want) {
		t.Errorf("after a profile invalidation: %v, want %v", got, want)
	}
	ctx, l = r.request(t)
	if err := l.Invalidate(ctx, Ref{Kind: KindCustomerWork, ID: id}); err != nil {
		t.Fatal(err)
	}
	read()
	if got, want := calls(), map[string]int{"getConversations": 2, "getTasks": 2, "getCustomer": 2}; !equalCounts(got, want) {
		t.Errorf("after a work invalidation: %v, want %v", got, want)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
