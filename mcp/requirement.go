package mcp

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/schema"
)

// Requirement is @requiresScopes' argument (schema.Requirement).
type Requirement = schema.Requirement

// typeRequirement is what reading a value of the named type needs: its own directive and, for a
// union, every member's (as graph.Access counts it).
func typeRequirement(s *ast.Schema, name string) Requirement {
	def := s.Types[name]
	if def == nil {
		return nil
	}
	r := schema.ScopesOf(def.Directives)
	if def.Kind == ast.Union {
		for _, m := range def.Types {
			if md := s.Types[m]; md != nil {
				r = r.And(schema.ScopesOf(md.Directives))
			}
		}
	}
	return r
}

// selectionRequirement is what every field of a selection needs: each field's own
// @requiresScopes and its type's, down the whole tree. A tool is listed only when the caller
// meets it, so a listed tool never answers with fields the caller may not see.
func selectionRequirement(s *ast.Schema, set ast.SelectionSet) Requirement {
	var r Requirement
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Definition == nil || strings.HasPrefix(sel.Name, "__") {
				continue
			}
			r = r.And(schema.ScopesOf(sel.Definition.Directives)).And(typeRequirement(s, sel.Definition.Type.Name()))
			r = r.And(selectionRequirement(s, sel.SelectionSet))
		case *ast.InlineFragment:
			r = r.And(selectionRequirement(s, sel.SelectionSet))
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				r = r.And(selectionRequirement(s, sel.Definition.SelectionSet))
			}
		}
	}
	return r
}
