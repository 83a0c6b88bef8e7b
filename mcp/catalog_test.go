package mcp

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestToolsValidate is the CI check that a tool's operation still validates against the
// schema: DefaultCatalog refuses the whole set when one does not.
func TestToolsValidate(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Tools) < 50 {
		t.Errorf("%d tools; the embedded set has 60", len(c.Tools))
	}
}

// TestEveryOperationHasATool is the CI check of DESIGN.md §3: every Query and Mutation root field
// (the coverage table's operations; federation's _service and _entities are for routers) is
// selected by at least one tool.
func TestEveryOperationHasATool(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, tool := range c.Tools {
		for _, f := range tool.RootFields {
			covered[f] = true
		}
	}
	s := c.Schema()
	var missing []string
	for _, root := range []string{"Query", "Mutation"} {
		def := s.Types[root]
		if def == nil {
			t.Fatalf("schema has no %s", root)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "_") {
				continue
			}
			if !covered[root+"."+f.Name] {
				missing = append(missing, root+"."+f.Name)
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("operations without a tool (add a file to mcp/tools/): %s", strings.Join(missing, ", "))
	}
	// The §3 operations reached through a type's field rather than a root field.
	for tool, field := range map[string]string{
		"get_call_recording":        "callRecording",
		"get_conversation_timeline": "items",
		"get_answer":                "content",
		"get_ticket":                "comments",
	} {
		if tl := c.Tool(tool); tl == nil || !strings.Contains(tl.Document, field) {
			t.Errorf("%s does not select %s", tool, field)
		}
	}
}

func TestToolAnnotationsAndScopes(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                              string
		readOnly, destructive, idempotent bool
		requires                          Requirement
	}{
		{"get_contact_360", true, false, false, Requirement{{"contacts:read", "conversations:read", "directory:read", "tickets:read"}}},
		{"get_contact", true, false, false, Requirement{{"contacts:read"}}},
		{"delete_contact", false, true, true, Requirement{{"contacts:delete"}}},
		{"update_ticket", false, false, true, Requirement{{"directory:read", "tickets:read", "tickets:write"}}},
		{"create_ticket", false, false, false, Requirement{{"directory:read", "tickets:read", "tickets:write"}}},
		{"create_report", true, false, false, Requirement{{"admin:read"}}},
		{"get_call_recording", true, false, false, Requirement{{"admin:read", "directory:read"}}},
		{"remove_conversation_topic", false, true, true, Requirement{{"conversations:read", "conversations:write", "directory:read"}}},
	}
	for _, tt := range tests {
		tool := c.Tool(tt.name)
		if tool == nil {
			t.Errorf("no tool %s", tt.name)
			continue
		}
		got := []bool{tool.ReadOnly, tool.Destructive, tool.Idempotent}
		if want := []bool{tt.readOnly, tt.destructive, tt.idempotent}; !slices.Equal(got, want) {
			t.Errorf("%s: readOnly, destructive, idempotent = %v, want %v", tt.name, got, want)
		}
		if diff := cmp.Diff(tt.requires, tool.Requires); diff != "" {
			t.Errorf("%s requires (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestInputSchema(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var in struct {
		Type       string                     `json:"type"`
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(c.Tool("list_contact_tickets").InputSchema, &in); err != nil {
		t.Fatal(err)
	}
	if in.Type != "object" || !slices.Equal(in.Required, []string{"contactId"}) {
		t.Errorf("type %q, required %v", in.Type, in.Required)
	}
	var status, first map[string]any
	_ = json.Unmarshal(in.Properties["status"], &status)
	_ = json.Unmarshal(in.Properties["first"], &first)
	if diff := cmp.Diff([]any{"OPEN", "CLOSED"}, status["enum"]); diff != "" {
		t.Errorf("status enum (-want +got):\n%s", diff)
	}
	if d, _ := status["description"].(string); !strings.Contains(d, "Only tickets in this status") || !strings.Contains(d, "CLOSED: The ticket is done") {
		t.Errorf("status description %q: want the argument's and the values' descriptions", d)
	}
	if first["default"] != float64(10) || first["type"] != "integer" {
		t.Errorf("first = %v: want an integer defaulting to 10", first)
	}

	// Nested input objects: required fields, descriptions, enums inside.
	var create struct {
		Properties struct {
			Input struct {
				Required   []string                  `json:"required"`
				Properties map[string]map[string]any `json:"properties"`
			} `json:"input"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if err := json.Unmarshal(c.Tool("create_ticket").InputSchema, &create); err != nil {
		t.Fatal(err)
	}
	in2 := create.Properties.Input
	if !slices.Equal(create.Required, []string{"input"}) || !slices.Equal(in2.Required, []string{"contactId", "description", "dueAt", "inboxId"}) {
		t.Errorf("required: %v, input's %v", create.Required, in2.Required)
	}
	if in2.Properties["dueAt"]["format"] != "date-time" || !strings.Contains(in2.Properties["dueAt"]["description"].(string), "future") {
		t.Errorf("dueAt = %v", in2.Properties["dueAt"])
	}
	var report struct {
		Properties struct {
			Input struct {
				Properties map[string]map[string]any `json:"properties"`
			} `json:"input"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(c.Tool("create_report").InputSchema, &report)
	filters := report.Properties.Input.Properties["filters"]
	channel := filters["properties"].(map[string]any)["channel"].(map[string]any)
	if !slices.Contains(channel["enum"].([]any), "VOICE") {
		t.Errorf("filters.channel = %v: want the ReportChannel enum", channel)
	}
}

func TestOutputSchema(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(c.Tool("get_conversation_timeline").OutputSchema, &out); err != nil {
		t.Fatal(err)
	}
	conv := out["properties"].(map[string]any)["conversation"].(map[string]any)
	if diff := cmp.Diff([]any{"object", "null"}, conv["type"]); diff != "" {
		t.Errorf("conversation is nullable (-want +got):\n%s", diff)
	}
	items := conv["properties"].(map[string]any)["items"].(map[string]any)
	node := items["properties"].(map[string]any)["nodes"].(map[string]any)["items"].(map[string]any)
	content := node["properties"].(map[string]any)["content"].(map[string]any)
	props := content["properties"].(map[string]any)
	for _, key := range []string{"__typename", "text", "conversationStatus", "voiceAiStatus", "channelStatus", "raw"} {
		if props[key] == nil {
			t.Errorf("content has no %s: %v", key, props)
		}
	}
	if diff := cmp.Diff([]any{"__typename"}, content["required"]); diff != "" {
		t.Errorf("union members' fields are not required (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{"string", "null"}, props["voiceAiStatus"].(map[string]any)["type"]); diff != "" {
		t.Errorf("voiceAiStatus (-want +got):\n%s", diff)
	}
}

func TestLoadCatalogRefuses(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"tools/unknown_field.graphql":  "# Reads.\nquery Q { contact(id: \"1\") { nope } }",
		"tools/no_description.graphql": "query Q { organization { id } }",
		"tools/two_ops.graphql":        "# Two.\nquery A { organization { id } }\nquery B { organization { name } }",
		"tools/Bad-Name.graphql":       "# Bad.\nquery Q { organization { id } }",
		"tools/bad_tag.graphql":        "# Bad.\n# @secret\nquery Q { organization { id } }",
	}
	for file, src := range tests {
		_, err := LoadCatalog(GraphQLSchema(), fstest.MapFS{file: {Data: []byte(src)}})
		if err == nil {
			t.Errorf("%s: loaded", file)
		}
	}
}
