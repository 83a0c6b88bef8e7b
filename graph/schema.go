package graph

import (
	"context"
	"maps"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/graph/generated"
	"github.com/gladgraph/gladgraph/graph/model"
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

// NewExecutableSchema returns the public schema (see publicSchema) with its resolvers: what every
// transport executes operations against.
func NewExecutableSchema(cfg Config) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{Schema: publicSchema(), Resolvers: NewResolver(cfg)})
}

// CheckArguments is the field middleware (AroundFields) that refuses, before the resolver fetches
// anything, pagination arguments out of range and _entities representations no finder could take.
func CheckArguments(schema *ast.Schema) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		// A Subscription field's `after` is an event cursor (eventbus.ParseCursor), not a page's.
		if fc := graphql.GetFieldContext(ctx); fc != nil && len(fc.Args) > 0 && fc.Object != "Subscription" {
			if err := model.CheckPageArgs(fc.Args); err != nil {
				return nil, err
			}
			if fc.Field.Name == "_entities" && fc.Object == "Query" {
				if err := checkRepresentations(schema, fc.Args["representations"]); err != nil {
					return nil, err
				}
			}
		}
		return next(ctx)
	}
}
