package graph

import (
	"maps"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/graph/generated"
)

// gqlgenInternalTypes are types gqlgen's federation plugin declares only to generate Go code
// from: `Entity` lists the entity finders (findContactByID…) that _entities dispatches to. No
// field returns them, but introspection would list them, so clients' code generators would see
// a type no query can reach and that _service.sdl does not have.
var gqlgenInternalTypes = []string{"Entity"}

// publicSchema is the generated schema without gqlgen's internal types: what introspection
// shows and what operations are validated against.
func publicSchema() *ast.Schema {
	full := generated.NewExecutableSchema(generated.Config{}).Schema()
	s := *full
	s.Types = maps.Clone(full.Types)
	for _, name := range gqlgenInternalTypes {
		delete(s.Types, name)
	}
	return &s
}
