package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/loaders/redistest"
	gtenant "github.com/gladgraph/gladgraph/tenant"
)

// Security checks of issue 8, on the whole server (real layers over the fake Gladly). Covered
// elsewhere, and not repeated here:
//   - webhook credentials: refused when missing or wrong, route absent when none are configured
//     (webhooks_test.go TestWebhookAuth, TestWebhookHeaderOnly, TestWebhookDisabledWithoutCredentials;
//     webhooks/ FuzzWebhook for any body);
//   - media URLs signed, expiring, bound to their item and tenant (media/signer_test.go,
//     media/handler_test.go TestMediaSignedURLs, media_e2e_test.go TestMediaRouteRefusesUnsigned);
//   - cache namespaces per tenant in the store (loaders/cache_test.go TestNamespacesSeparateTenants;
//     TestCacheNeverSharedAcrossTenants below checks it through two whole servers);
//   - secrets in configuration errors and the configuration log line (config/config_test.go), and in the
//     access log (server_test.go TestAccessLogNeverShowsSecrets).

const (
	wrongToken   = "wrong-SECRET-token-8841"
	noPermToken  = "noperm-SECRET-token-3310"
	noPermUser   = "readonly@babbage.example.com"
	hostileQuery = `query { contact(id: "c1") { id name tickets { nodes { id } } } users { nodes { id } } organization { id } }`
)

// Requests that fail in many ways — Gladly refusing the token (401), the API user lacking the
// permission (403), refused webhook deliveries, hostile and malformed GraphQL — never put the
// Gladly token or the webhook credentials in a log line or an answer.
func TestSecretsNeverInLogsOrAnswers(t *testing.T) {
	t.Parallel()
	fake, err := gladlytest.Start(gladlytest.WithoutRateLimit(), gladlytest.WithUser(gladlytest.User{Email: noPermUser, Token: noPermToken}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	secrets := []string{fake.Token, wrongToken, noPermToken, secretWebhookPass, secretHeaderValue}
	for name, creds := range map[string][2]string{
		"Gladly answers 401": {fake.Username, wrongToken},
		"Gladly answers 403": {noPermUser, noPermToken},
		"Gladly accepts":     {fake.Username, fake.Token},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": creds[0], "GLADLY_API_TOKEN": creds[1], "LOG_LEVEL": "trace"}
			for k, v := range webhookEnv {
				env[k] = v
			}
			ts := startTestServerWith(t, env, buildLayers)
			var answers strings.Builder
			gql := func(body string, hdr map[string]string) {
				h := map[string]string{"Content-Type": "application/json"}
				for k, v := range hdr {
					h[k] = v
				}
				_, out := ts.do(t, "POST", "/graphql", body, h)
				answers.WriteString(out)
			}
			q, _ := json.Marshal(map[string]any{"query": hostileQuery})
			gql(string(q), nil)
			m, _ := json.Marshal(map[string]any{"query": `mutation { createContact(input: {name: "x"}) { contact { id } userErrors { code message } } }`})
			gql(string(m), nil)
			gql(`{"query":"{ __schema { types { name } } }"}`, nil)
			gql(`[{"query":"{ organization { id } }"}]`, nil)
			gql(`{"query":"{ contact(id: \"..\") { id } }"}`, nil)
			gql(`{"query":"{ users(after: \"bad\") { totalCount } }"}`, nil)
			gql(`{"query":"{ `+strings.Repeat("a: __typename ", 100)+`}"}`, nil)
			gql(`{"query":"{ organization { id } }"}`, map[string]string{"Content-Type": "text/plain"}) // CSRF refusal
			for _, hdr := range []map[string]string{
				nil,
				{"Authorization": basic("gladly", "guess"), "X-Gladly-Token": secretHeaderValue},
				{"Authorization": basic("gladly", secretWebhookPass), "X-Gladly-Token": "guess"},
				{"Authorization": basic("gladly", secretWebhookPass)},
			} {
				_, out := ts.do(t, "POST", "/webhooks/gladly", taskEvent, hdr)
				answers.WriteString(out)
			}
			_, out := ts.do(t, "POST", "/webhooks/gladly", `{"not":"an event"}`, goodCreds)
			answers.WriteString(out)
			_, out = ts.do(t, "GET", "/media/item1?exp=1&sig=forged", "", nil)
			answers.WriteString(out)
			_, out = ts.do(t, "GET", "/readyz", "", nil) // Gladly's answer to the readiness check
			answers.WriteString(out)

			logs := ts.logs.String()
			if !strings.Contains(logs, `"level"`) {
				t.Fatalf("no logs captured")
			}
			for _, s := range secrets {
				if strings.Contains(logs, s) {
					t.Errorf("logs contain the secret %q", s)
				}
				if strings.Contains(answers.String(), s) {
					t.Errorf("answers contain the secret %q", s)
				}
			}
			switch name {
			case "Gladly answers 401":
				if !strings.Contains(answers.String(), "UPSTREAM_UNAUTHENTICATED") {
					t.Errorf("the 401 path was not exercised:\n%.2000s", answers.String())
				}
			case "Gladly answers 403":
				if !strings.Contains(answers.String(), "UPSTREAM_FORBIDDEN") {
					t.Errorf("the 403 path was not exercised:\n%.2000s", answers.String())
				}
			}
		})
	}
}

// Outside the demo introspection is off by default: __schema and __type are refused, while
// federation's _service { sdl } still answers (routers compose with it).
func TestIntrospectionOffKeepsService(t *testing.T) {
	t.Parallel()
	fake, err := gladlytest.Start(gladlytest.WithoutRateLimit())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	ts := startTestServerWith(t, map[string]string{"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token}, buildLayers)
	if ts.cfg.Introspection {
		t.Fatal("introspection is on by default against a real Gladly")
	}
	post := func(q string) map[string]any {
		b, _ := json.Marshal(map[string]string{"query": q})
		_, out := ts.do(t, "POST", "/graphql", string(b), map[string]string{"Content-Type": "application/json"})
		var resp map[string]any
		if err := json.Unmarshal([]byte(out), &resp); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return resp
	}
	for _, q := range []string{`{ __schema { types { name } } }`, `{ __type(name: "Contact") { name } }`,
		`{ ...F } fragment F on Query { ... on Query { __schema { types { name } } } }`} {
		if resp := post(q); resp["errors"] == nil || strings.Contains(jsonOf(resp["data"]), "Contact") || strings.Contains(jsonOf(resp["data"]), "types") {
			t.Errorf("%s answered with introspection off: %v", q, resp)
		}
	}
	resp := post(`{ _service { sdl } }`)
	var sdl string
	if data, ok := resp["data"].(map[string]any); ok {
		if svc, ok := data["_service"].(map[string]any); ok {
			sdl, _ = svc["sdl"].(string)
		}
	}
	if resp["errors"] != nil || !strings.Contains(sdl, "type Contact") {
		t.Errorf("_service with introspection off: %.500v", resp)
	}
	if n := fake.TotalCalls(); n != 0 {
		t.Errorf("introspection and _service called Gladly %d times", n)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Two gladgraph servers for two Gladly organizations share one Redis: what one caches the other
// never reads, and one's invalidations never touch the other's entries. Both fakes hold the same
// seeded ids, so a shared key would show the other organization's contact.
func TestCacheNeverSharedAcrossTenants(t *testing.T) {
	t.Parallel()
	rs := redistest.New(t)
	type tenant struct {
		fake *gladlytest.Server
		ts   *testServer
		ns   string
	}
	start := func() *tenant {
		fake, err := gladlytest.Start(gladlytest.WithoutRateLimit())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(fake.Close)
		tn := &tenant{fake: fake}
		tn.ts = startTestServerWith(t, map[string]string{"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token, "REDIS_URL": rs.URL},
			func(b *Backend) (Layers, error) {
				tn.ns = gtenant.Namespace("default", b.Gladly)
				return buildLayers(b)
			})
		return tn
	}
	a, b := start(), start()
	if a.ns == b.ns {
		t.Fatalf("two organizations share the namespace %s", a.ns)
	}
	name := func(tn *tenant) string {
		body, _ := json.Marshal(map[string]any{"query": `query($id: ID!) { contact(id: $id) { name } }`, "variables": map[string]any{"id": gladlytest.DemoCustomerID}})
		_, out := tn.ts.do(t, "POST", "/graphql", string(body), map[string]string{"Content-Type": "application/json"})
		var resp struct {
			Data struct{ Contact struct{ Name string } }
		}
		_ = json.Unmarshal([]byte(out), &resp)
		return resp.Data.Contact.Name
	}
	original := name(a) // cached under a's namespace
	if original == "" {
		t.Fatal("no contact read")
	}
	body, _ := json.Marshal(map[string]any{"query": `mutation($id: ID!) { updateContact(id: $id, input: {name: "Mallory"}) { userErrors { code } } }`, "variables": map[string]any{"id": gladlytest.DemoCustomerID}})
	if res, out := b.ts.do(t, "POST", "/graphql", string(body), map[string]string{"Content-Type": "application/json"}); res.StatusCode != 200 || strings.Contains(out, "errors") {
		t.Fatalf("update through b: %d %s", res.StatusCode, out)
	}
	if got := name(b); got != "Mallory" { // read back and cached under b's namespace
		t.Fatalf("b reads %q after its update", got)
	}
	a.fake.ResetStats()
	if got := name(a); got != original {
		t.Errorf("a reads %q: b's organization leaked into a's answers", got)
	}
	if n := a.fake.TotalCalls(); n != 0 {
		t.Errorf("a's entry was not served from a's cache (%d Gladly calls): b's invalidation reached it", n)
	}
	// Both wrote to the shared Redis, each under its own namespace.
	opts, err := redis.ParseURL(rs.URL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	for _, tn := range []*tenant{a, b} {
		keys, err := rdb.Keys(context.Background(), tn.ns+"*").Result()
		if err != nil || len(keys) == 0 {
			t.Errorf("no keys under %s in Redis (%v)", tn.ns, err)
		}
		if len(keys) > 0 {
			_ = rdb.Del(context.Background(), keys...).Err() // the shared Redis keeps nothing of the test
		}
	}
}
