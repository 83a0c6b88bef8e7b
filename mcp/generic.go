package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/schema"
)

// The two generic tools, as Apollo's MCP server has them: search_schema to find types and fields
// by keyword, execute_graphql to run an operation no tool covers (off unless enabled).

const (
	searchSchemaName   = "search_schema"
	executeGraphQLName = "execute_graphql"
	// maxSearchResults bounds search_schema's answer: agents need a few snippets, not the SDL.
	maxSearchResults = 10
)

func searchSchemaTool() *sdk.Tool {
	readOnly, openWorld := false, false
	return &sdk.Tool{
		Name:  searchSchemaName,
		Title: "Search the GraphQL schema",
		Description: "Finds GraphQL types and fields of gladgraph's schema by keywords (every keyword must match a name or " +
			"description) and returns short SDL snippets with the scopes root fields need. Use it to write an operation " +
			"for execute_graphql or to learn what a tool's fields mean.",
		InputSchema: json.RawMessage(`{"type":"object","additionalProperties":false,"required":["query"],"properties":{` +
			`"query":{"type":"string","description":"Keywords, e.g. \"ticket status\" or \"transcript\"."},` +
			`"limit":{"type":"integer","default":5,"minimum":1,"maximum":10,"description":"At most this many snippets."}}}`),
		Annotations: &sdk.ToolAnnotations{Title: "Search the GraphQL schema", ReadOnlyHint: true, DestructiveHint: &readOnly, OpenWorldHint: &openWorld},
	}
}

func executeGraphQLTool() *sdk.Tool {
	destructive, openWorld := true, false
	return &sdk.Tool{
		Name:  executeGraphQLName,
		Title: "Run a GraphQL operation",
		Description: "Runs any GraphQL query or mutation against gladgraph's schema (find types with search_schema), with " +
			"the caller's scopes. Prefer the dedicated tools; use this for what they do not cover. Lists default to small pages " +
			"only in the dedicated tools: always pass first.",
		InputSchema: json.RawMessage(`{"type":"object","additionalProperties":false,"required":["query"],"properties":{` +
			`"query":{"type":"string","description":"The GraphQL document."},` +
			`"operationName":{"type":"string","description":"Which operation of the document to run, when it holds several."},` +
			`"variables":{"type":"object","description":"The operation's variables."}}}`),
		Annotations: &sdk.ToolAnnotations{Title: "Run a GraphQL operation", DestructiveHint: &destructive, OpenWorldHint: &openWorld},
	}
}

func (s *Server) executeGraphQL(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	var in struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	if err := json.Unmarshal(req.Params.Arguments, &in); err != nil || strings.TrimSpace(in.Query) == "" {
		return errorResult("BAD_USER_INPUT: give the operation as query (a string), optionally operationName and variables"), nil
	}
	data, errs, err := s.opts.Executor.Execute(ctx, in.Query, in.OperationName, in.Variables)
	if err != nil {
		return errorResult("INTERNAL_SERVER_ERROR: " + err.Error()), nil
	}
	out := map[string]any{"data": data}
	var summary []string
	if len(errs) > 0 {
		views := viewErrors(errs)
		out["errors"] = views
		summary = append(summary, "The operation failed:")
		for _, v := range views {
			summary = append(summary, "- "+describeError(v))
		}
	}
	body, _ := json.Marshal(out)
	text := string(body)
	if len(summary) > 0 {
		text = strings.Join(summary, "\n") + "\n" + text
	}
	return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: text}}, StructuredContent: json.RawMessage(body), IsError: len(errs) > 0}, nil
}

func (s *Server) searchSchema(_ context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	var in struct {
		Query string `json:"query"`
		Limit int    `json:"limit"`
	}
	if err := json.Unmarshal(req.Params.Arguments, &in); err != nil || strings.TrimSpace(in.Query) == "" {
		return errorResult("BAD_USER_INPUT: give keywords as query"), nil
	}
	if in.Limit <= 0 {
		in.Limit = 5
	}
	in.Limit = min(in.Limit, maxSearchResults)
	hits := SearchSchema(s.catalog.Schema(), in.Query, in.Limit)
	text := strings.Join(hits, "\n\n")
	if len(hits) == 0 {
		text = "No type or field matches " + fmt.Sprintf("%q", in.Query) + "."
	}
	body, _ := json.Marshal(map[string]any{"matches": hits})
	return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: text}}, StructuredContent: json.RawMessage(body)}, nil
}

// SearchSchema returns SDL snippets of the types and fields whose name or description contains
// every keyword (case-insensitive), best first: type names, then field names, then descriptions.
func SearchSchema(s *ast.Schema, query string, limit int) []string {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return nil
	}
	type hit struct {
		rank    int
		name    string
		snippet string
	}
	var hits []hit
	matches := func(texts ...string) (bool, int) {
		joined := strings.ToLower(strings.Join(texts, " "))
		for _, w := range words {
			if !strings.Contains(joined, w) {
				return false, 0
			}
		}
		name := strings.ToLower(texts[0])
		for _, w := range words {
			if !strings.Contains(name, w) {
				return true, 2
			}
		}
		return true, 0
	}
	for _, name := range sortedTypeNames(s) {
		def := s.Types[name]
		if ok, rank := matches(def.Name, def.Description); ok {
			hits = append(hits, hit{rank, name, printType(def)})
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "_") {
				continue
			}
			if ok, rank := matches(f.Name, f.Description, def.Name); ok {
				hits = append(hits, hit{rank + 1, name + "." + f.Name, printField(def, f)})
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.rank - b.rank })
	out := make([]string, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, h.snippet)
	}
	return out
}

// sortedTypeNames are the schema's own types: no introspection or federation machinery.
func sortedTypeNames(s *ast.Schema) []string {
	var names []string
	for name, def := range s.Types {
		if def.BuiltIn || strings.HasPrefix(name, "_") || strings.HasPrefix(name, "link__") || strings.HasPrefix(name, "federation__") ||
			name == "Entity" || name == "FieldSet" {
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// printType is a type's SDL: its description's first sentence and its fields' signatures.
func printType(def *ast.Definition) string {
	var b strings.Builder
	writeDescription(&b, "", def.Description)
	kind := map[ast.DefinitionKind]string{ast.Object: "type", ast.InputObject: "input", ast.Enum: "enum", ast.Union: "union", ast.Scalar: "scalar", ast.Interface: "interface"}[def.Kind]
	b.WriteString(kind + " " + def.Name)
	if r := schema.ScopesOf(def.Directives); r != nil {
		b.WriteString(" # needs " + r.String())
	}
	switch def.Kind {
	case ast.Union:
		b.WriteString(" = " + strings.Join(def.Types, " | "))
	case ast.Enum:
		b.WriteString(" {")
		for _, v := range def.EnumValues {
			b.WriteString("\n  " + v.Name)
		}
		b.WriteString("\n}")
	case ast.Object, ast.InputObject, ast.Interface:
		b.WriteString(" {")
		for _, f := range def.Fields {
			if !strings.HasPrefix(f.Name, "_") {
				b.WriteString("\n  " + signature(f))
			}
		}
		b.WriteString("\n}")
	}
	return b.String()
}

// printField is one field with its description, in its type.
func printField(parent *ast.Definition, f *ast.FieldDefinition) string {
	var b strings.Builder
	b.WriteString("type " + parent.Name + " {\n")
	writeDescription(&b, "  ", f.Description)
	b.WriteString("  " + signature(f))
	if r := schema.ScopesOf(f.Directives); r != nil {
		b.WriteString(" # needs " + r.String())
	}
	b.WriteString("\n}")
	return b.String()
}

func signature(f *ast.FieldDefinition) string {
	s := f.Name
	if len(f.Arguments) > 0 {
		args := make([]string, len(f.Arguments))
		for i, a := range f.Arguments {
			args[i] = a.Name + ": " + a.Type.String()
			if a.DefaultValue != nil {
				args[i] += " = " + a.DefaultValue.String()
			}
		}
		s += "(" + strings.Join(args, ", ") + ")"
	}
	return s + ": " + f.Type.String()
}

// writeDescription writes a description's first sentence as a comment.
func writeDescription(b *strings.Builder, indent, desc string) {
	desc = oneLine(desc)
	if desc == "" {
		return
	}
	if i := strings.Index(desc, ". "); i > 0 {
		desc = desc[:i+1]
	}
	b.WriteString(indent + "# " + desc + "\n")
}
