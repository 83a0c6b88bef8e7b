package loaders

import (
	"testing"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// TestKeysCannotCollide: parts are escaped, so no input spells another key.
func TestKeysCannotCollide(t *testing.T) {
	t.Parallel()
	seen := map[string][]string{}
	for _, parts := range [][]string{
		{"vip|OPEN"}, {"vip", "OPEN"}, {"vip%7COPEN"}, {"vip%", "7COPEN"}, {"vip|", "OPEN"}, {"vip", "|OPEN"},
		{"a", "b", "c"}, {"a|b", "c"}, {"a", "b|c"}, {""}, {"", ""}, {"%"}, {"%25"},
	} {
		k := key(KindCustomerTasks, parts...)
		if prev, dup := seen[k]; dup {
			t.Errorf("parts %q and %q share the key %q", prev, parts, k)
		}
		seen[k] = parts
	}
	if k := key(KindCustomer, "OOrlNMXeS72gs_WEX2TtMg"); k != "customer:OOrlNMXeS72gs_WEX2TtMg" {
		t.Errorf("a Gladly id's key changed: %q", k)
	}
	if got, want := CommentRef("t|1", "c").tag(), key(KindComment, "t|1", "c"); got != want {
		t.Errorf("CommentRef tag %q, the loader's key %q", got, want)
	}
	if got, want := ContentRef("a", "en-us", "html").tag(), key(KindAnswerContent, "a", "en-us", "html"); got != want {
		t.Errorf("ContentRef tag %q, the loader's key %q", got, want)
	}
}

// TestTicketsOfACraftedContactIDReadNothingElse: tickets(contactId: "<id>|OPEN") — a contact
// that does not exist, its 404 cached — must not make contact <id>'s open tickets read null.
func TestTicketsOfACraftedContactIDReadNothingElse(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ada := gladlytest.DemoCustomerID
	ctx, l := r.request(t)
	crafted, err := l.ContactTasks.Load(ctx, TasksKey{ContactID: ada + "|OPEN"})
	if err != nil || crafted != nil {
		t.Fatalf("crafted contact id: %+v, %v; want no list", crafted, err)
	}
	ctx, l = r.request(t)
	open, err := l.ContactTasks.Load(ctx, TasksKey{ContactID: ada, Status: "OPEN"})
	if err != nil || open == nil || len(open.Items) == 0 {
		t.Fatalf("Ada's open tasks after the crafted read: %+v, %v", open, err)
	}
}
