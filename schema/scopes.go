package schema

import (
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/caller"
)

// Requirement is Federation's @requiresScopes argument: any one of the groups, each group in
// full. nil requires nothing. graph.Access enforces it per field; MCP tools read it to list only
// what a caller may run.
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

// String reads like "contacts:read and tickets:read, or admin".
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

// ScopesOf reads @requiresScopes(scopes: [[…]]) from directives; nil when there is none.
func ScopesOf(dirs ast.DirectiveList) Requirement {
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
