package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
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
	op.DisableIntrospection = !s.enabled && op.Operation != nil && selectsIntrospection(op.Doc, op.Operation.SelectionSet, 0)
	return nil
}

// selectsIntrospection reports whether a root selection set asks for __schema or __type
// (fragments followed; validation has refused cycles, depth bounds them anyway).
func selectsIntrospection(doc *ast.QueryDocument, set ast.SelectionSet, depth int) bool {
	if depth > 100 {
		return true
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if selectsIntrospection(doc, s.SelectionSet, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if f := doc.Fragments.ForName(s.Name); f != nil && selectsIntrospection(doc, f.SelectionSet, depth+1) {
				return true
			}
		}
	}
	return false
}
