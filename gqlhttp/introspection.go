package gqlhttp

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gladgraph/gladgraph/graph"
)

// introspectionSwitch allows or refuses __schema and __type. gqlgen has one switch for them and
// federation's _service, and routers need _service whatever the setting: with introspection off,
// only an operation that selects __schema or __type has it switched off (its __schema/__type
// fields, and _service beside them, answer "introspection disabled").
type introspectionSwitch struct{ enabled bool }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionSwitch{}

func (introspectionSwitch) ExtensionName() string                   { return "GladgraphIntrospection" }
func (introspectionSwitch) Validate(graphql.ExecutableSchema) error { return nil }

func (s introspectionSwitch) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	op.DisableIntrospection = !s.enabled && op.Operation != nil && selectsIntrospection(op.Operation.SelectionSet)
	return nil
}

// selectsIntrospection reports whether a root selection set asks for __schema or __type.
func selectsIntrospection(set ast.SelectionSet) bool {
	return graph.WalkFields(set, func(f *ast.Field) bool { return f.Name == "__schema" || f.Name == "__type" })
}
