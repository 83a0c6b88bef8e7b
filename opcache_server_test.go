package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// metricValue reads one unlabelled sample from the server's /metrics.
func metricValue(t *testing.T, c *http.Client, base, name string) float64 {
	t.Helper()
	res, err := c.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return f
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return 0
}

// Two replicas on one Redis, the operation cache on (the default): a response one replica kept
// is served by the other, and neither serves it after a write through the first or after a
// webhook delivered to the first.
func TestOperationCacheAcrossReplicas(t *testing.T) {
	t.Parallel()
	rs := redistest.New(t)
	hsA := httptest.NewUnstartedServer(http.NotFoundHandler())
	hsA.StartTLS() // Gladly delivers webhooks to https URLs only
	t.Cleanup(hsA.Close)
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(hsA.Client()))
	env := map[string]string{
		"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token,
		"WEBHOOK_USERNAME": "gladly", "WEBHOOK_PASSWORD": "webhook-secret-0123456789",
		"REDIS_URL": rs.URL, "LOG_FORMAT": "json",
	}
	envA := map[string]string{"PUBLIC_URL": hsA.URL}
	for k, v := range env {
		envA[k] = v
	}
	cfg, err := config.Load(nil, envOf(envA), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.OperationCache {
		t.Fatal("OPERATION_CACHE is not on by default")
	}
	sA, err := newServer(cfg, edge.NewLogger(&syncBuffer{}, "json", zerolog.InfoLevel), buildLayers)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sA.close)
	hsA.Config.Handler = sA.handler
	_, _, hsB := serveForTest(t, env, &syncBuffer{}, func(*config.Config) zerolog.Level { return zerolog.InfoLevel }, buildLayers)
	a, b := hsA.Client(), hsB.Client()

	post := func(c *http.Client, base, query string, vars map[string]any) string {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || strings.Contains(string(out), `"errors"`) {
			t.Fatalf("%s: %d %s", query, res.StatusCode, out)
		}
		return string(out)
	}
	const read = `query($id: ID!) { contact(id: $id) { id name } }`
	vars := map[string]any{"id": gladlytest.DemoCustomerID}
	name := func(c *http.Client, base string) string {
		t.Helper()
		var out struct {
			Data struct{ Contact struct{ Name string } }
		}
		if err := json.Unmarshal([]byte(post(c, base, read, vars)), &out); err != nil {
			t.Fatal(err)
		}
		return out.Data.Contact.Name
	}
	const hits = "gladgraph_operation_cache_hits_total"

	if got := name(b, hsB.URL); got != "Ada Lovelace" {
		t.Fatalf("first read on B: %q", got)
	}
	// A has never run the query: the answer it gives without a Gladly call is B's, from Redis.
	calls, hitsA := fake.Calls("getCustomer"), metricValue(t, a, hsA.URL, hits)
	if got := name(a, hsA.URL); got != "Ada Lovelace" {
		t.Fatalf("first read on A: %q", got)
	}
	if fake.Calls("getCustomer") != calls || metricValue(t, a, hsA.URL, hits) != hitsA+1 {
		t.Fatalf("A did not serve B's response from the shared cache (%d profile reads, hits %v → %v)",
			fake.Calls("getCustomer")-calls, hitsA, metricValue(t, a, hsA.URL, hits))
	}

	// Write through A, read through B.
	post(a, hsA.URL, `mutation($id: ID!) { updateContact(id: $id, input: {name: "Ada King"}) { userErrors { code } } }`, vars)
	if got := name(b, hsB.URL); got != "Ada King" {
		t.Fatalf("B after a write through A: %q, want Ada King", got)
	}
	calls = fake.Calls("getCustomer")
	if got := name(b, hsB.URL); got != "Ada King" || fake.Calls("getCustomer") != calls {
		t.Fatalf("B's second read after the write: %q with %d profile reads, want a cached Ada King", got, fake.Calls("getCustomer")-calls)
	}

	// A change in Gladly, delivered by webhook to A, read through B.
	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, _, err := client.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{
		Name: "gladgraph cache", URL: hsA.URL + "/webhooks/gladly", Events: []string{"CUSTOMER_PROFILE/UPDATED"},
		Enabled:     true,
		Credentials: &gladly.WebhookCredentials{Username: "gladly", Password: "webhook-secret-0123456789"},
	}); err != nil {
		t.Fatalf("create the webhook: %v", err)
	}
	renamed := "Augusta Ada King"
	if _, err := client.Customers.Update(ctx, gladlytest.DemoCustomerID, &gladly.UpdateCustomerRequest{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitWebhookDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
	if got := name(b, hsB.URL); got != renamed {
		t.Fatalf("B after the webhook delivered to A: %q, want %q", got, renamed)
	}
}

// One account, two keys with different scopes, then another account with the first key's
// scopes: each gets the answer its own scopes and organization give, whichever ran first, while
// the second identical request of a caller is a cache hit (so the cache is in play).
func TestOperationCacheKeepsCallersApart(t *testing.T) {
	t.Parallel()
	ts := accessServer(t)
	wide := issueKey(t, ts, "demo", "contacts:read", "directory:read")
	narrow := issueKey(t, ts, "demo", "directory:read")
	other := issueKey(t, ts, "demo-2", "contacts:read", "directory:read")
	const q = `{ organization { name } contacts(email: "ada@example.com") { totalCount nodes { name } } }`
	const hits = "gladgraph_operation_cache_hits_total"
	hitCount := func() float64 { return metricValue(t, ts.http, ts.URL, hits) }

	check := func(who, key string, want func(string) bool) {
		t.Helper()
		for i := range 2 {
			before := hitCount()
			status, out := gql(t, ts, key, q)
			if status != 200 || !want(out) {
				t.Fatalf("%s, request %d: %d %s", who, i+1, status, out)
			}
			if i == 1 && !strings.Contains(out, "UNAUTHORIZED") && hitCount() != before+1 {
				t.Fatalf("%s: the repeated request was not served from the operation cache", who)
			}
		}
	}
	isWide := func(out string) bool {
		return strings.Contains(out, "Ada Lovelace") && strings.Contains(out, "Babbage") && !strings.Contains(out, "UNAUTHORIZED")
	}
	isNarrow := func(out string) bool {
		return !strings.Contains(out, "Ada Lovelace") && strings.Contains(out, `"contacts":null`) &&
			strings.Contains(out, "UNAUTHORIZED_FIELD_OR_TYPE") && strings.Contains(out, "Babbage")
	}
	isOther := func(out string) bool {
		return !strings.Contains(out, "Ada") && !strings.Contains(out, "Babbage") &&
			strings.Contains(out, gladlytest.HopperOrganizationName) && !strings.Contains(out, "UNAUTHORIZED")
	}
	check("wide key", wide, isWide)
	check("narrow key after the wide one", narrow, isNarrow)
	check("demo-2 key after demo's", other, isOther)
	check("wide key again", wide, isWide)
}
