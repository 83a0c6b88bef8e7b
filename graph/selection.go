package graph

import "github.com/vektah/gqlparser/v2/ast"

// maxFragmentDepth bounds the fragments WalkFields follows into one another (validation has
// refused cycles; the bound is for safety).
const maxFragmentDepth = 100

// WalkFields calls visit for each field of a validated selection set, following inline fragments
// and fragment spreads (leaving out what @skip/@include leave out for certain), until visit
// returns true. It reports whether visit did, or whether fragments nested deeper than
// maxFragmentDepth cut the walk short: a caller looking for something must then assume it there.
func WalkFields(set ast.SelectionSet, visit func(*ast.Field) bool) bool {
	return walkSelections(set, visit, 0)
}

func walkSelections(set ast.SelectionSet, visit func(*ast.Field) bool, depth int) bool {
	if depth > maxFragmentDepth {
		return true
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !skipped(s.Directives) && visit(s) {
				return true
			}
		case *ast.InlineFragment:
			if !skipped(s.Directives) && walkSelections(s.SelectionSet, visit, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && !skipped(s.Directives) && walkSelections(s.Definition.SelectionSet, visit, depth+1) {
				return true
			}
		}
	}
	return false
}

// skipped reports whether @skip or @include leave a selection out for certain; a directive whose
// condition is a variable counts as selected.
func skipped(ds ast.DirectiveList) bool {
	for _, d := range ds {
		arg := d.Arguments.ForName("if")
		if arg == nil || arg.Value == nil || arg.Value.Kind != ast.BooleanValue {
			continue
		}
		if (d.Name == "skip" && arg.Value.Raw == "true") || (d.Name == "include" && arg.Value.Raw == "false") {
			return true
		}
	}
	return false
}
