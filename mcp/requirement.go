package mcp

import (
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/caller"
)

// Requirement is Federation's @requiresScopes argument: any one of the groups, each group in
// full. nil requires nothing. graph.Access enforces the same directives per field; tools read
// them to decide what a caller may list before anything runs.
type Requirement [][]string

// And is the requirement of both r and o.
func (r Requirement) And(o Requirement) Requirement {
	switch {
	case r == nil:
		return o
	case o == nil:
		return r
	}
	out := make(Requirement, 0, len(r)*len(o))
	for _, x := range r {
		for _, y := range o {
			g := slices.Concat(x, y)
			slices.Sort(g)
			g = slices.Compact(g)
			if !slices.ContainsFunc(out, func(h []string) bool { return slices.Equal(h, g) }) {
				out = append(out, g)
			}
		}
	}
	return out
}

// SatisfiedBy reports whether c holds every scope of at least one group.
func (r Requirement) SatisfiedBy(c *caller.Caller) bool {
	if r == nil {
		return true
	}
	for _, g := range r {
		if c.Has(g...) {
			return true
		}
	}
	return false
}

// String reads like "contacts:read and tickets:read".
func (r Requirement) String() string {
	if r == nil {
		return "no scope"
	}
	groups := make([]string, len(r))
	for i, g := range r {
		groups[i] = strings.Join(g, " and ")
	}
	return strings.Join(groups, ", or ")
}

// scopesOf reads @requiresScopes(scopes: [[…]]) from directives.
func scopesOf(dirs ast.DirectiveList) Requirement {
	d := dirs.ForName("requiresScopes")
	if d == nil {
		return nil
	}
	arg := d.Arguments.ForName("scopes")
	if arg == nil || arg.Value == nil {
		return nil
	}
	var r Requirement
	for _, group := range arg.Value.Children {
		var g []string
		for _, s := range group.Value.Children {
			g = append(g, s.Value.Raw)
		}
		slices.Sort(g)
		r = append(r, g)
	}
	return r
}

// typeRequirement is what reading a value of the named type needs: its own directive and, for a
// union, every member's (as graph.Access counts it).
func typeRequirement(s *ast.Schema, name string) Requirement {
	def := s.Types[name]
	if def == nil {
		return nil
	}
	r := scopesOf(def.Directives)
	if def.Kind == ast.Union {
		for _, m := range def.Types {
			if md := s.Types[m]; md != nil {
				r = r.And(scopesOf(md.Directives))
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
			r = r.And(scopesOf(sel.Definition.Directives)).And(typeRequirement(s, sel.Definition.Type.Name()))
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
