package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/graph/generated"
	"github.com/gladgraph/gladgraph/loaders"
)

func representations(typename string, n int) []any {
	reps := make([]any, n)
	for i := range reps {
		reps[i] = map[string]any{"__typename": typename, "id": fmt.Sprintf("id-%d", i)}
	}
	return reps
}

const entitiesDoc = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id name } ... on User { id email } } }`

func estimate(t *testing.T, query string, vars map[string]any) int {
	t.Helper()
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	doc, errs := gqlparser.LoadQuery(schema, query)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", query, errs)
	}
	var op *ast.OperationDefinition = doc.Operations[0]
	return graph.EstimateUpstreamCalls(&graphql.OperationContext{Doc: doc, Operation: op, Variables: vars})
}

func TestEstimateUpstreamCalls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		query string
		vars  map[string]any
		want  int
	}{
		{"one contact", `{ contact(id: "x") { id name } }`, nil, 1},
		{"contact and its tickets", `{ contact(id: "x") { tickets(first: 10) { nodes { id } } } }`, nil, 2},
		{"tickets and each one's comments", `{ contact(id: "x") { tickets(first: 10) { nodes { comments(first: 5) { nodes { id } } } } } }`, nil, 12},
		{"500 contacts by _entities", entitiesDoc, map[string]any{"r": representations("Contact", 500)}, 500},
		{"500 users by _entities: one list", entitiesDoc, map[string]any{"r": representations("User", 500)}, 1},
		{"users with their groups", `{ users(first: 50) { nodes { id groups { nodes { id } } } } }`, nil, 2},
		{"introspection and _service", `{ __schema { types { name } } _service { sdl } }`, nil, 0},
	} {
		if got := estimate(t, tc.query, tc.vars); got != tc.want {
			t.Errorf("%s: %d calls, want %d", tc.name, got, tc.want)
		}
	}
}

// TestUpstreamBudgetRefusesBeforeAnyCall: an _entities call of 500 contacts over a budget of 100
// Gladly calls is refused with OPERATION_TOO_EXPENSIVE, and Gladly sees no call at all.
func TestUpstreamBudgetRefusesBeforeAnyCall(t *testing.T) {
	t.Parallel()
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{Gladly: client}}))
	srv.AddTransport(transport.POST{})
	srv.Use(graph.UpstreamBudget{Max: 100})
	h := loaders.NewFactory(client, loaders.NewStore(loaders.NewMemoryCache(1<<20))).Middleware(srv)

	post := func(vars map[string]any) map[string]any {
		body, _ := json.Marshal(map[string]any{"query": entitiesDoc, "variables": vars})
		rec := httptest.NewRecorder()
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		var out map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return out
	}
	fake.ResetStats()
	out := post(map[string]any{"r": representations("Contact", 500)})
	errs, _ := out["errors"].([]any)
	if len(errs) != 1 || !strings.Contains(jsonString(errs[0]), `"code":"OPERATION_TOO_EXPENSIVE"`) || !strings.Contains(jsonString(errs[0]), `"estimatedUpstreamCalls":500`) {
		t.Fatalf("500 representations: %v", out)
	}
	if n := fake.TotalCalls(); n != 0 {
		t.Errorf("Gladly got %d calls for a refused operation", n)
	}
	ids := fake.CustomerIDs()[:3]
	reps := make([]any, len(ids))
	for i, id := range ids {
		reps[i] = map[string]any{"__typename": "Contact", "id": id}
	}
	if out := post(map[string]any{"r": reps}); out["errors"] != nil {
		t.Errorf("3 representations within the budget: %v", out)
	}
}

// TestCallerShareRefusalsAreRateLimited: over a caller's share of Gladly calls, the entities past
// the bucket fail at their own paths with RATE_LIMITED and retryAfterSeconds; the others resolve.
func TestCallerShareRefusalsAreRateLimited(t *testing.T) {
	t.Parallel()
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	share := loaders.NewCallerLimiter(nil, "", "fake", 0.01, 2, zerolog.Nop())
	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token),
		gladly.WithRateLimit(gladly.Chain(share, gladly.Unlimited{})), gladly.WithRetry(gladly.NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{Gladly: client}}))
	srv.AddTransport(transport.POST{})
	srv.SetErrorPresenter(graph.ErrorPresenter(zerolog.Nop()))
	h := loaders.NewFactory(client, loaders.NewStore(loaders.NewMemoryCache(1<<20))).Middleware(srv)

	ids := fake.CustomerIDs()[:5]
	reps := make([]any, len(ids))
	for i, id := range ids {
		reps[i] = map[string]any{"__typename": "Contact", "id": id}
	}
	body, _ := json.Marshal(map[string]any{"query": entitiesDoc, "variables": map[string]any{"r": reps}})
	req := httptest.NewRequestWithContext(caller.WithAddress(t.Context(), "198.51.100.7"), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out struct {
		Data struct {
			Entities []*struct{ ID string } `json:"_entities"`
		}
		Errors []gqlError
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	resolved := 0
	for _, e := range out.Data.Entities {
		if e != nil {
			resolved++
		}
	}
	if resolved != 2 || len(out.Errors) != 3 {
		t.Fatalf("%d resolved, %d errors; want the burst of 2 and 3 refusals: %s", resolved, len(out.Errors), rec.Body.String())
	}
	for _, e := range out.Errors {
		if e.Extensions["code"] != "RATE_LIMITED" || e.Extensions["retryAfterSeconds"] == nil {
			t.Errorf("refusal: %+v", e)
		}
	}
	if n := fake.Calls("getCustomer"); n != 2 {
		t.Errorf("Gladly got %d calls, want the 2 of the burst", n)
	}
}
