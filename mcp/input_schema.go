package mcp

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// inputSchema is the JSON Schema of a tool's arguments: one property per variable of the
// operation, typed from the SDL, described by the argument (or input field) the variable feeds,
// required when the variable is non-null without a default. GraphQL coerces and validates the
// values again, so the schema guides the agent; it is not the gate.
func inputSchema(s *ast.Schema, op *ast.OperationDefinition) map[string]any {
	descs := map[string]string{}
	collectVariableDescriptions(op.SelectionSet, descs)
	props := map[string]any{}
	required := []string{}
	for _, v := range op.VariableDefinitions {
		p := typeInputSchema(s, v.Type, 0)
		desc := descs[v.Variable]
		if d, _ := p["description"].(string); d != "" {
			desc = joinSentences(desc, d)
		}
		if desc != "" {
			p["description"] = desc
		}
		if v.DefaultValue != nil {
			if dv, err := v.DefaultValue.Value(nil); err == nil {
				p["default"] = dv
			}
		}
		if v.Type.NonNull && v.DefaultValue == nil {
			required = append(required, v.Variable)
		}
		props[v.Variable] = p
	}
	return map[string]any{
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	}
}

// collectVariableDescriptions maps each variable to the description of the argument or input
// field it is passed to (the first use wins).
func collectVariableDescriptions(set ast.SelectionSet, out map[string]string) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Definition != nil {
				for _, a := range sel.Arguments {
					if def := sel.Definition.Arguments.ForName(a.Name); def != nil {
						describeValue(a.Value, def.Description, out)
					}
				}
			}
			collectVariableDescriptions(sel.SelectionSet, out)
		case *ast.InlineFragment:
			collectVariableDescriptions(sel.SelectionSet, out)
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				collectVariableDescriptions(sel.Definition.SelectionSet, out)
			}
		}
	}
}

func describeValue(v *ast.Value, desc string, out map[string]string) {
	if v == nil {
		return
	}
	switch v.Kind {
	case ast.Variable:
		if _, ok := out[v.Raw]; !ok {
			out[v.Raw] = strings.TrimSpace(desc)
		}
	case ast.ObjectValue:
		for _, c := range v.Children {
			var d string
			if v.Definition != nil {
				if f := v.Definition.Fields.ForName(c.Name); f != nil {
					d = f.Description
				}
			}
			describeValue(c.Value, d, out)
		}
	case ast.ListValue:
		for _, c := range v.Children {
			describeValue(c.Value, desc, out)
		}
	}
}

// maxInputDepth bounds nested input objects (the SDL has no recursive inputs; a future one must
// not loop).
const maxInputDepth = 6

func typeInputSchema(s *ast.Schema, t *ast.Type, depth int) map[string]any {
	if t.Elem != nil {
		return map[string]any{"type": "array", "items": typeInputSchema(s, t.Elem, depth)}
	}
	def := s.Types[t.NamedType]
	if def == nil {
		return map[string]any{}
	}
	switch def.Kind {
	case ast.Enum:
		return enumSchema(def, false)
	case ast.InputObject:
		if depth >= maxInputDepth {
			return map[string]any{"type": "object", "description": oneLine(def.Description)}
		}
		props := map[string]any{}
		required := []string{}
		for _, f := range def.Fields {
			p := typeInputSchema(s, f.Type, depth+1)
			desc := f.Description
			if d, _ := p["description"].(string); d != "" && p["enum"] != nil {
				desc = joinSentences(desc, d)
			}
			if desc = oneLine(desc); desc != "" {
				p["description"] = desc
			}
			if f.DefaultValue != nil {
				if dv, err := f.DefaultValue.Value(nil); err == nil {
					p["default"] = dv
				}
			}
			if f.Type.NonNull && f.DefaultValue == nil {
				required = append(required, f.Name)
			}
			props[f.Name] = p
		}
		return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	default:
		return scalarSchema(def.Name, false)
	}
}

// scalarSchema maps a GraphQL scalar to JSON Schema; JSON accepts any value. Formats stay out of
// output schemas: clients validate structured content, and not every validator knows them.
func scalarSchema(name string, output bool) map[string]any {
	switch name {
	case "Int":
		return map[string]any{"type": "integer"}
	case "Float":
		return map[string]any{"type": "number"}
	case "Boolean":
		return map[string]any{"type": "boolean"}
	case "String", "ID":
		return map[string]any{"type": "string"}
	case "DateTime":
		if output {
			return map[string]any{"type": "string"}
		}
		return map[string]any{"type": "string", "format": "date-time"}
	default:
		return map[string]any{}
	}
}

// enumSchema lists the values; for input, their descriptions too, so an agent can choose.
func enumSchema(def *ast.Definition, output bool) map[string]any {
	values := make([]any, 0, len(def.EnumValues))
	var desc []string
	for _, v := range def.EnumValues {
		values = append(values, v.Name)
		if d := oneLine(v.Description); d != "" {
			desc = append(desc, v.Name+": "+strings.TrimSuffix(d, "."))
		}
	}
	out := map[string]any{"type": "string", "enum": values}
	if !output && len(desc) > 0 {
		out["description"] = "One of " + strings.Join(desc, "; ") + "."
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func joinSentences(a, b string) string {
	a, b = oneLine(a), oneLine(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	if !strings.HasSuffix(a, ".") {
		a += "."
	}
	return a + " " + b
}
