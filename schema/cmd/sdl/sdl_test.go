package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The committed schema.graphql is what the code serves: a schema change without `make schema`
// fails here, so schema-check and the gateways' compositions never read a stale SDL.
func TestCommittedSDLIsCurrent(t *testing.T) {
	t.Parallel()
	got, err := SDL()
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../../schema.graphql")
	if err != nil {
		t.Fatalf("schema.graphql: %v (run make schema)", err)
	}
	if diff := cmp.Diff(string(committed), got); diff != "" {
		t.Fatalf("schema.graphql is stale: run make schema and commit it (-committed +served):\n%s", diff)
	}
}

func TestSDLIsTheFederationSubgraph(t *testing.T) {
	t.Parallel()
	sdl, err := SDL()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"@link(", "https://specs.apollo.dev/federation/v2", "type Contact"} {
		if !strings.Contains(sdl, want) {
			t.Errorf("the SDL lacks %q", want)
		}
	}
	// gqlgen's own federation types are the router's business, not part of the subgraph's SDL.
	for _, internal := range []string{"type _Service", "union _Entity", "_entities("} {
		if strings.Contains(sdl, internal) {
			t.Errorf("the SDL carries gqlgen's %q", internal)
		}
	}
}
