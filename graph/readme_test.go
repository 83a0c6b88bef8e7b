package graph_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/gladgraph/gladgraph/graph"
)

var (
	graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")
	variablesOf  = regexp.MustCompile(`(?s)# variables: (.*)$`)
)

// TestREADMEExamples runs every GraphQL example of README.md against the demo fixture: each must
// answer without errors. Queries run twice, and the Gladly calls of the cold and the warm run are
// logged (go test -run TestREADMEExamples -v ./graph/): the figures the README quotes.
func TestREADMEExamples(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := graphqlBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 6 {
		t.Fatalf("found %d GraphQL examples in README.md, want at least 5", len(blocks))
	}
	for i, b := range blocks {
		doc := b[1]
		if isSDL(doc) {
			continue // a schema excerpt (the composing section), not an operation
		}
		if strings.HasPrefix(strings.TrimSpace(doc), "subscription") {
			// A subscription never completes; it must validate against the schema.
			if _, errs := gqlparser.LoadQuery(graph.NewExecutableSchema(graph.Config{}).Schema(), doc); errs != nil {
				t.Errorf("README example %d does not validate: %v", i+1, errs)
			}
			continue
		}
		e := newEnv(t) // each example starts cold
		var vars map[string]any
		if m := variablesOf.FindStringSubmatch(doc); m != nil {
			raw := strings.ReplaceAll(m[1], "#", "")
			if err := json.Unmarshal([]byte(raw), &vars); err != nil {
				t.Fatalf("example %d: variables: %v", i+1, err)
			}
			doc = doc[:strings.Index(doc, "# variables:")]
		}
		mutation := strings.HasPrefix(strings.TrimSpace(doc), "mutation")
		runs := 2
		if mutation {
			runs = 1
		}
		var calls []int
		for range runs {
			e.fake.ResetStats()
			resp := e.do(t, doc, vars)
			if len(resp.Errors) > 0 {
				t.Fatalf("README example %d answered with errors: %+v\n%s", i+1, resp.Errors, doc)
			}
			if string(resp.Data) == "null" || len(resp.Data) == 0 {
				t.Fatalf("README example %d answered no data", i+1)
			}
			calls = append(calls, e.fake.TotalCalls())
		}
		first := exampleLabel(doc)
		if mutation {
			t.Logf("example %d (%s): %d Gladly calls", i+1, first, calls[0])
			continue
		}
		t.Logf("example %d (%s): %d Gladly calls cold, %d warm", i+1, first, calls[0], calls[1])
		if calls[1] != 0 {
			t.Errorf("example %d: %d Gladly calls on a warm repeat, want 0", i+1, calls[1])
		}
	}
}

// exampleLabel names an example by its first field.
func exampleLabel(doc string) string {
	for _, line := range strings.Split(doc, "\n") {
		line = strings.Trim(strings.TrimSpace(line), "{ ")
		if line != "" && !strings.HasPrefix(line, "#") && line != "mutation" && !strings.HasPrefix(line, "query") {
			if i := strings.IndexAny(line, "({"); i > 0 {
				line = line[:i]
			}
			return strings.TrimSpace(line)
		}
	}
	return "?"
}

// isSDL reports whether a block defines types rather than asking for data.
func isSDL(doc string) bool {
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		return strings.HasPrefix(line, "type ") || strings.HasPrefix(line, "extend ") || strings.HasPrefix(line, "schema")
	}
	return false
}
