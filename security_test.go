package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// Security checks of issue 8, on the whole server (real layers over the fake Gladly). Covered
// elsewhere, and not repeated here:
//   - webhook credentials: refused when missing or wrong, route absent when none are configured
//     (webhooks_test.go TestWebhookAuth, TestWebhookHeaderOnly, TestWebhookDisabledWithoutCredentials;
//     FuzzWebhook for any body);
//   - media URLs signed, expiring, bound to their item and tenant (graph/mediaurl_test.go,
//     media_test.go TestMediaSignedURLs, TestMediaRouteRefusesUnsigned);
//   - cache entries never shared across tenants (loaders/cache_test.go TestNamespacesSeparateTenants);
//   - secrets in configuration errors and the configuration log line (config_test.go), and in the
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
	for _, q := range []string{`{ __schema { types { name } } }`, `{ __type(name: "Contact") { name } }`} {
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
