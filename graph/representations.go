package graph

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// checkRepresentations refuses, before any entity is looked up, _entities representations that
// no entity finder could take: not an object, no __typename, a type that is not an entity, or
// none of the type's @key fields given as scalars. The finders would otherwise fail one by one
// with gqlgen's internal errors (reported as INTERNAL_SERVER_ERROR) after their batch was sent.
func checkRepresentations(schema *ast.Schema, reps any) error {
	var list []map[string]any
	switch r := reps.(type) {
	case []map[string]any:
		list = r
	case []any:
		for i, v := range r {
			m, ok := v.(map[string]any)
			if !ok {
				return errBadInput(fmt.Sprintf("representation %d is not an object", i))
			}
			list = append(list, m)
		}
	default:
		return nil
	}
	for i, rep := range list {
		name, ok := rep["__typename"].(string)
		if !ok {
			return errBadInput(fmt.Sprintf("representation %d has no __typename", i))
		}
		def := schema.Types[name]
		var keys []string
		if def != nil {
			for _, d := range def.Directives.ForNames("key") {
				if a := d.Arguments.ForName("fields"); a != nil && a.Value != nil {
					keys = append(keys, a.Value.Raw)
				}
			}
		}
		if len(keys) == 0 {
			return errBadInput(fmt.Sprintf("representation %d: %.100q is not an entity type", i, name))
		}
		if !hasKey(rep, keys) {
			return errBadInput(fmt.Sprintf("representation %d of %s must give its key: %s", i, name, strings.Join(keys, " or ")))
		}
	}
	return nil
}

// hasKey reports whether rep gives every field of one of the keys as a scalar.
func hasKey(rep map[string]any, keys []string) bool {
	for _, key := range keys {
		ok := true
		for _, f := range strings.Fields(key) {
			switch rep[f].(type) {
			case nil, map[string]any, []any:
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}
