package graph

import (
	"testing"

	"github.com/gladgraph/gladgraph/graph/model"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/webhooks/provision"
)

// Every value of GladlyEventType names a type Gladly documents, maps back to itself, and belongs
// to the family of exactly one Subscription field; every type gladgraph's webhook subscribes to
// is one of them.
func TestEventTypesAndFamilies(t *testing.T) {
	names := map[string]bool{}
	for _, v := range model.AllGladlyEventType {
		name := v.GladlyName()
		names[name] = true
		if model.GladlyEventTypeOf(name) != v {
			t.Errorf("%s → %s → %s", v, name, model.GladlyEventTypeOf(name))
		}
		if !loaders.KnownEventType(name) {
			t.Errorf("%s (%s) is not a type Gladly documents", v, name)
		}
		if familyOf(name) == nil {
			t.Errorf("%s has no family", name)
		}
	}
	for _, name := range provision.Events {
		if !names[name] {
			t.Errorf("the webhook subscribes to %s, which no subscription delivers", name)
		}
	}
	if len(names) != len(model.AllGladlyEventType) {
		t.Errorf("two enum values share a Gladly name")
	}
}
