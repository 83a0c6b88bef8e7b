package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

const testAdminKey = "admin-key-0123456789abcdef0123456789abcdef"

// accessServer is the demo (two accounts over two fakes) with the admin API open to
// testAdminKey.
func accessServer(t *testing.T) *testServer {
	t.Helper()
	return startTestServerWith(t, map[string]string{"ADMIN_API_KEY": testAdminKey, "GLADLY_DEMO_FAULTS": "latency=1ms"}, buildLayers)
}

// issueKey issues an API key through the admin API.
func issueKey(t *testing.T, ts *testServer, account string, scopes ...string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"scopes": scopes})
	res, out := ts.do(t, "POST", "/admin/accounts/"+account+"/api-keys", string(body),
		map[string]string{"Authorization": "Bearer " + testAdminKey, "Content-Type": "application/json"})
	if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
		t.Fatalf("issue a key: %d %s", res.StatusCode, out)
	}
	var k struct{ Key string }
	if err := json.Unmarshal([]byte(out), &k); err != nil || !strings.HasPrefix(k.Key, "ggk_") {
		t.Fatalf("issue a key: %s", out)
	}
	return k.Key
}

func gql(t *testing.T, ts *testServer, key, query string) (int, string) {
	t.Helper()
	hdr := map[string]string{"Content-Type": "application/json"}
	if key != "" {
		hdr["Authorization"] = "Bearer " + key
	}
	body, _ := json.Marshal(map[string]any{"query": query})
	res, out := ts.do(t, "POST", "/graphql", string(body), hdr)
	return res.StatusCode, out
}

// Two accounts over two fakes: each key reads its own organization only, and neither its
// cache entries nor its media links reach the other.
func TestAccountsKeptApart(t *testing.T) {
	t.Parallel()
	ts := accessServer(t)
	demo2 := issueKey(t, ts, "demo-2", "contacts:read", "directory:read")
	const ada = `{ contacts(email: "ada@example.com") { nodes { name } } organization { name } }`
	status, anon := gql(t, ts, "", ada)
	if status != 200 || !strings.Contains(anon, "Ada Lovelace") || !strings.Contains(anon, "Babbage") {
		t.Fatalf("anonymous demo caller: %d %s", status, anon)
	}
	// The same query, now warm in demo's cache, on demo-2: another organization, no Ada.
	status, other := gql(t, ts, demo2, ada)
	if status != 200 || strings.Contains(other, "Ada") || !strings.Contains(other, gladlytest.HopperOrganizationName) {
		t.Fatalf("demo-2 caller: %d %s", status, other)
	}
	status, grace := gql(t, ts, demo2, `{ contacts(email: "`+gladlytest.HopperCustomerEmail+`") { nodes { name } } }`)
	if status != 200 || !strings.Contains(grace, gladlytest.HopperCustomerName) {
		t.Fatalf("demo-2 reads its own customer: %d %s", status, grace)
	}
	// A media link minted for demo does not open on demo-2, nor with its account changed.
	status, media := gql(t, ts, "", `{ conversationItem(id: "`+gladlytest.DemoPhoneCallItemID+`") { media { url } } }`)
	var m struct {
		Data struct {
			ConversationItem struct{ Media struct{ URL string } }
		}
	}
	if err := json.Unmarshal([]byte(media), &m); status != 200 || err != nil || m.Data.ConversationItem.Media.URL == "" {
		t.Fatalf("media url: %d %s", status, media)
	}
	u, _ := url.Parse(m.Data.ConversationItem.Media.URL)
	if res, _ := ts.do(t, "GET", u.RequestURI(), "", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("the demo's own media link: %d", res.StatusCode)
	}
	q := u.Query()
	q.Set("account", "demo-2")
	u.RawQuery = q.Encode()
	if res, _ := ts.do(t, "GET", u.RequestURI(), "", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("the demo's media link with account=demo-2: %d, want 403", res.StatusCode)
	}
}

// A key's scopes narrow what it reads; nothing is fetched for a refused field.
func TestAPIKeyScopes(t *testing.T) {
	t.Parallel()
	ts := accessServer(t)
	key := issueKey(t, ts, "demo", "directory:read")
	status, out := gql(t, ts, key, `{ organization { name } contacts(email: "ada@example.com") { totalCount } }`)
	if status != 200 || !strings.Contains(out, "UNAUTHORIZED_FIELD_OR_TYPE") || !strings.Contains(out, `"contacts":null`) || !strings.Contains(out, "Babbage") {
		t.Fatalf("narrow key: %d %s", status, out)
	}
}

// Bad credentials are 401 with WWW-Authenticate, an account that does not exist 403, and the
// admin API refuses API keys and anonymous callers.
func TestAccessRefusals(t *testing.T) {
	t.Parallel()
	ts := accessServer(t)
	for _, bad := range []string{"ggk_nope", "not-a-token", issueKey(t, ts, "demo", "contacts:read") + "x"} {
		body, _ := json.Marshal(map[string]any{"query": "{ organization { name } }"})
		res, out := ts.do(t, "POST", "/graphql", string(body), map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + bad})
		if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") || !strings.Contains(out, "UNAUTHENTICATED") {
			t.Errorf("bearer %q: %d %q %s", bad, res.StatusCode, res.Header.Get("WWW-Authenticate"), out)
		}
	}
	key := issueKey(t, ts, "demo", "contacts:read")
	for _, hdr := range []map[string]string{nil, {"Authorization": "Bearer " + key}} {
		if res, _ := ts.do(t, "GET", "/admin/accounts", "", hdr); res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusForbidden {
			t.Errorf("admin API with %v: %d", hdr, res.StatusCode)
		}
	}
	res, out := ts.do(t, "GET", "/admin/accounts", "", map[string]string{"Authorization": "Bearer " + testAdminKey})
	if res.StatusCode != 200 || !strings.Contains(out, "demo-2") || strings.Contains(out, "gladlytest-") {
		t.Errorf("admin list: %d %s", res.StatusCode, out)
	}
	// Unlinking demo-2 refuses its keys from then on (403: the account is gone).
	k2 := issueKey(t, ts, "demo-2", "directory:read")
	if res, out := ts.do(t, "DELETE", "/admin/accounts/demo-2", "", map[string]string{"Authorization": "Bearer " + testAdminKey}); res.StatusCode >= 300 {
		t.Fatalf("unlink: %d %s", res.StatusCode, out)
	}
	if status, out := gql(t, ts, k2, "{ organization { name } }"); status != http.StatusUnauthorized && status != http.StatusForbidden {
		t.Errorf("key of an unlinked account: %d %s", status, out)
	}
}
