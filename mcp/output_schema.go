package mcp

import (
	"maps"
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
)

// outputSchema is the JSON Schema of a tool's structured content: the operation's data object,
// shaped by its selection (aliases, fragments, nullability), plus an optional errors list. Clients
// validate structured content against it, so it must accept every response the selection can
// produce, partial ones included (a failed nullable field is null).
func outputSchema(s *ast.Schema, op *ast.OperationDefinition) map[string]any {
	root := selectionSchema(s, op.SelectionSet, rootTypeName(op))
	props := root["properties"].(map[string]any)
	props["errors"] = errorsSchema
	return root
}

func rootTypeName(op *ast.OperationDefinition) string {
	if op.Operation == ast.Mutation {
		return "Mutation"
	}
	return "Query"
}

// errorsSchema describes the errors of a failed call (see result.go).
var errorsSchema = map[string]any{
	"type":        "array",
	"description": "Present when the call failed: the GraphQL errors, with their codes.",
	"items": map[string]any{
		"type": "object",
		"properties": map[string]any{
			"message":           map[string]any{"type": "string"},
			"code":              map[string]any{"type": "string"},
			"path":              map[string]any{"type": "array"},
			"retryAfterSeconds": map[string]any{"type": "number"},
		},
		"required": []string{"message"},
	},
}

// selectionSchema is the object a selection set on parent produces. A field is required unless
// it sits under a fragment on another type (a union member), which only some values carry.
func selectionSchema(s *ast.Schema, set ast.SelectionSet, parent string) map[string]any {
	props := map[string]any{}
	var required []string
	addSelection(s, set, parent, true, props, &required)
	slices.Sort(required)
	return map[string]any{"type": "object", "properties": props, "required": slices.Compact(required)}
}

func addSelection(s *ast.Schema, set ast.SelectionSet, parent string, always bool, props map[string]any, required *[]string) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			key := sel.Alias
			if key == "" {
				key = sel.Name
			}
			var fs map[string]any
			if sel.Name == "__typename" {
				fs = map[string]any{"type": "string"}
			} else if sel.Definition != nil {
				fs = fieldSchema(s, sel.Definition.Type, sel.SelectionSet)
			} else {
				fs = map[string]any{}
			}
			if old, ok := props[key].(map[string]any); ok {
				fs = mergeSchemas(old, fs)
			}
			props[key] = fs
			if always {
				*required = append(*required, key)
			}
		case *ast.InlineFragment:
			addSelection(s, sel.SelectionSet, parent, always && (sel.TypeCondition == "" || sel.TypeCondition == parent), props, required)
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				addSelection(s, sel.Definition.SelectionSet, parent, always && sel.Definition.TypeCondition == parent, props, required)
			}
		}
	}
}

// fieldSchema is the schema of one field's value of type t.
func fieldSchema(s *ast.Schema, t *ast.Type, set ast.SelectionSet) map[string]any {
	var out map[string]any
	if t.Elem != nil {
		out = map[string]any{"type": "array", "items": fieldSchema(s, t.Elem, set)}
	} else if def := s.Types[t.NamedType]; def == nil {
		out = map[string]any{}
	} else {
		switch def.Kind {
		case ast.Object, ast.Interface, ast.Union:
			out = selectionSchema(s, set, def.Name)
		case ast.Enum:
			out = enumSchema(def, true)
		default:
			out = scalarSchema(def.Name, true)
		}
	}
	if !t.NonNull {
		out = nullable(out)
	}
	return out
}

// nullable lets a schema accept null too.
func nullable(sc map[string]any) map[string]any {
	typ, ok := sc["type"].(string)
	if !ok {
		return sc // no type constraint (JSON): null is already accepted
	}
	sc["type"] = []any{typ, "null"}
	if enum, ok := sc["enum"].([]any); ok {
		sc["enum"] = append(enum, nil)
	}
	return sc
}

// mergeSchemas joins two selections of the same response key (fragments on different union
// members): GraphQL validation guarantees the same shape, so objects merge their properties.
func mergeSchemas(a, b map[string]any) map[string]any {
	pa, okA := a["properties"].(map[string]any)
	pb, okB := b["properties"].(map[string]any)
	if !okA || !okB {
		return a
	}
	out := maps.Clone(a)
	props := maps.Clone(pa)
	for k, v := range pb {
		if old, ok := props[k].(map[string]any); ok {
			props[k] = mergeSchemas(old, v.(map[string]any))
		} else {
			props[k] = v
		}
	}
	out["properties"] = props
	ra, _ := a["required"].([]string)
	rb, _ := b["required"].([]string)
	req := slices.Concat(ra, rb)
	slices.Sort(req)
	out["required"] = slices.Compact(req)
	return out
}
