package mcp

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEListsTools keeps README.md's tool table true: one row per tool, with its kind, its
// operation and the scopes that list it.
func TestREADMEListsTools(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range c.Names() {
		tl := c.Tool(name)
		kind := "read"
		switch {
		case !tl.ReadOnly && tl.Destructive:
			kind = "write, destructive"
		case !tl.ReadOnly && tl.Idempotent:
			kind = "write, idempotent"
		case !tl.ReadOnly:
			kind = "write"
		}
		ops := strings.Join(tl.RootFields, ", ")
		ops = strings.NewReplacer("Query.", "", "Mutation.", "").Replace(ops)
		row := fmt.Sprintf("| `%s` | %s | `%s` | %s |", name, kind, ops, readmeScopes(tl.Requires))
		if !strings.Contains(string(readme), row+"\n") {
			t.Errorf("README.md lacks the row\n%s", row)
		}
	}
	rows := regexp.MustCompile("(?m)^\\| `[a-z0-9_]+` \\| (read|write)").FindAllString(string(readme), -1)
	if len(rows) != len(c.Tools) {
		t.Errorf("README.md lists %d tools, the catalog has %d", len(rows), len(c.Tools))
	}
}
