package loaders

import (
	"testing"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// The benchmark's N+1 baseline: one Gladly call per key read, directory objects by id, nothing
// remembered within or across requests.
func TestNaiveLoadersCallOncePerRead(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.factory = NewFactory(r.client, NewStore(r.cache, WithoutCache()), Naive())
	ctx, l := r.request(t)
	agents := []string{gladlytest.DemoAgentID("Amy Agent"), gladlytest.DemoAgentID("Amy Agent")}
	for _, id := range agents {
		if u, err := l.Users.Load(ctx, id); err != nil || u == nil || u.ID != id {
			t.Fatalf("user %s: %+v %v", id, u, err)
		}
	}
	if _, err := l.Inboxes.Load(ctx, gladlytest.DemoInboxID("Email")); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := l.AllTopics(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ids := demoContactIDs(t, r, 3)
	if _, err := l.Contacts.LoadAll(ctx, append(ids, ids[0])); err != nil {
		t.Fatal(err)
	}
	for op, want := range map[string]int{"getAgent": 2, "getAgents": 0, "getInbox": 1, "getInboxes": 0, "getCustomer": 4, "getTopics": 2} {
		if got := r.srv.Calls(op); got != want {
			t.Errorf("%s: %d calls, want %d", op, got, want)
		}
	}
	if r.cache.gets.Load() != 0 {
		t.Errorf("naive mode read the shared cache %d times", r.cache.gets.Load())
	}
}
