package graph_test

import (
	"testing"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// gqlgen's federation plugin declares a type `Entity` only to generate the finders from; clients
// must not see it, and hiding it must not break _entities.
func TestIntrospectionHidesGqlgenInternalTypes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		Entity   *struct{ Name string } `json:"entity"`
		Entities []struct{ ID string }  `json:"_entities"`
	}
	e.query(t, `query($r: [_Any!]!) {
		entity: __type(name: "Entity") { name }
		_entities(representations: $r) { ... on Contact { id } }
	}`, map[string]any{"r": []any{map[string]any{"__typename": "Contact", "email": gladlytest.DemoCustomerEmail}}}, &out)
	if out.Entity != nil {
		t.Errorf("introspection shows gqlgen's internal type Entity")
	}
	if len(out.Entities) != 1 || out.Entities[0].ID != gladlytest.DemoCustomerID {
		t.Errorf("_entities: %+v", out.Entities)
	}
	if resp := e.do(t, `{ _service { sdl } ... on Entity { __typename } }`, nil); len(resp.Errors) == 0 {
		t.Errorf("a fragment on Entity validated")
	}
}
