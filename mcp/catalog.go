package mcp

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/graph/generated"
)

// toolFiles are the tools: one GraphQL operation per file, named for the tool.
//
//go:embed tools/*.graphql
var toolFiles embed.FS

// Tool is one operation offered to agents.
type Tool struct {
	// Name is the file's name without .graphql, e.g. get_contact_360.
	Name string
	// Title and Description come from the file's leading comment (see parseHeader).
	Title       string
	Description string
	// Document is the whole file: the operation and its fragments.
	Document      string
	OperationName string
	Mutation      bool
	// ReadOnly, Destructive and Idempotent are the annotations agents see: queries are read-only,
	// deletes and removes destructive, updates and sets idempotent; the header may say otherwise.
	ReadOnly, Destructive, Idempotent bool
	// Requires is what the caller's scopes must meet for the tool to be listed and run: every
	// selected field's @requiresScopes and its type's.
	Requires Requirement
	// RootFields are the Query or Mutation fields the operation selects, e.g. "Query.contact".
	RootFields []string
	// InputSchema and OutputSchema are JSON Schemas (see input_schema.go, output_schema.go).
	InputSchema, OutputSchema json.RawMessage
	// rootKeys are the response keys of the root fields, in order: what data holds.
	rootKeys []string
}

// Catalog is every tool, validated against the schema.
type Catalog struct {
	Tools  []*Tool
	byName map[string]*Tool
	schema *ast.Schema
}

// Tool returns the tool named name, or nil.
func (c *Catalog) Tool(name string) *Tool { return c.byName[name] }

// Schema is the schema the tools were validated against.
func (c *Catalog) Schema() *ast.Schema { return c.schema }

// GraphQLSchema is gladgraph's executable schema, directives included (@requiresScopes).
var GraphQLSchema = sync.OnceValue(func() *ast.Schema {
	return generated.NewExecutableSchema(generated.Config{}).Schema()
})

// DefaultCatalog is the embedded tools over gladgraph's schema; an error means a tool no longer
// validates (a test catches that before a release).
var DefaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	return LoadCatalog(GraphQLSchema(), toolFiles)
})

// LoadCatalog reads every tools/*.graphql of files and validates it against s.
func LoadCatalog(s *ast.Schema, files fs.FS) (*Catalog, error) {
	names, err := fs.Glob(files, "tools/*.graphql")
	if err != nil {
		return nil, err
	}
	c := &Catalog{byName: map[string]*Tool{}, schema: s}
	var errs []string
	for _, name := range names {
		src, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		t, err := newTool(s, strings.TrimSuffix(path.Base(name), ".graphql"), string(src))
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		c.Tools = append(c.Tools, t)
		c.byName[t.Name] = t
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("mcp tools:\n%s", strings.Join(errs, "\n"))
	}
	return c, nil
}

func newTool(s *ast.Schema, name, src string) (*Tool, error) {
	if !validToolName(name) {
		return nil, fmt.Errorf("%s: a tool name is snake_case letters and digits", name)
	}
	doc, gerrs := gqlparser.LoadQuery(s, src)
	if len(gerrs) > 0 {
		return nil, fmt.Errorf("%s: does not validate against the schema: %w", name, gerrs)
	}
	if len(doc.Operations) != 1 {
		return nil, fmt.Errorf("%s: holds %d operations, want 1", name, len(doc.Operations))
	}
	op := doc.Operations[0]
	if op.Operation == ast.Subscription {
		return nil, fmt.Errorf("%s: subscriptions are not tools", name)
	}
	h, err := parseHeader(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t := &Tool{
		Name: name, Title: h.title, Description: h.description, Document: src,
		OperationName: op.Name, Mutation: op.Operation == ast.Mutation,
		Requires: selectionRequirement(s, op.SelectionSet),
	}
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok {
			return nil, fmt.Errorf("%s: root selections must be fields", name)
		}
		key := f.Alias
		if key == "" {
			key = f.Name
		}
		t.rootKeys = append(t.rootKeys, key)
		if !strings.HasPrefix(f.Name, "__") {
			t.RootFields = append(t.RootFields, rootTypeName(op)+"."+f.Name)
		}
	}
	t.annotate(h)
	if t.InputSchema, err = json.Marshal(inputSchema(s, op)); err != nil {
		return nil, err
	}
	if t.OutputSchema, err = json.Marshal(outputSchema(s, op)); err != nil {
		return nil, err
	}
	return t, nil
}

// annotate sets the hints from the operation: queries are read-only; mutations named delete* or
// remove* are destructive; update* and set* (whose repetition changes nothing more) idempotent.
func (t *Tool) annotate(h header) {
	t.ReadOnly = !t.Mutation || h.readOnly
	if !t.ReadOnly {
		for _, f := range t.RootFields {
			field := f[strings.IndexByte(f, '.')+1:]
			switch {
			case strings.HasPrefix(field, "delete"), strings.HasPrefix(field, "remove"):
				t.Destructive, t.Idempotent = true, true
			case strings.HasPrefix(field, "update"), strings.HasPrefix(field, "set"):
				t.Idempotent = true
			}
		}
	}
	t.Destructive = t.Destructive || h.destructive
	t.Idempotent = t.Idempotent || h.idempotent
}

// header is what a tool file's leading comment says: its description lines, and lines
// "# @title Text", "# @readOnly", "# @destructive", "# @idempotent".
type header struct {
	title, description                string
	readOnly, destructive, idempotent bool
}

func parseHeader(src string) (header, error) {
	var h header
	var desc []string
	for line := range strings.Lines(src) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "#") {
			break
		}
		text := strings.TrimSpace(strings.TrimPrefix(line, "#"))
		tag, rest, _ := strings.Cut(text, " ")
		switch tag {
		case "@title":
			h.title = strings.TrimSpace(rest)
		case "@readOnly":
			h.readOnly = true
		case "@destructive":
			h.destructive = true
		case "@idempotent":
			h.idempotent = true
		default:
			if strings.HasPrefix(tag, "@") {
				return h, fmt.Errorf("unknown header tag %s", tag)
			}
			desc = append(desc, text)
		}
	}
	h.description = strings.TrimSpace(oneLine(strings.Join(desc, " ")))
	if h.description == "" {
		return h, fmt.Errorf("no description: start the file with # comment lines")
	}
	return h, nil
}

func validToolName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	return !strings.ContainsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	})
}

// Names returns the tools' names, sorted.
func (c *Catalog) Names() []string {
	out := make([]string, len(c.Tools))
	for i, t := range c.Tools {
		out[i] = t.Name
	}
	slices.Sort(out)
	return out
}
