package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	gtenant "github.com/gladgraph/gladgraph/tenant"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/accounts/pgtest"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/loaders/redistest"
	"github.com/gladgraph/gladgraph/tenant"
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

// Unlinking an account purges its entries from the shared Redis cache (another account's stay)
// and refuses its callers.
func TestUnlinkPurgesCache(t *testing.T) {
	t.Parallel()
	rs := redistest.New(t)
	ts := startTestServerWith(t, map[string]string{"ADMIN_API_KEY": testAdminKey, "GLADLY_DEMO_FAULTS": "latency=1ms",
		"REDIS_URL": rs.URL}, buildLayers)
	rdb := redis.NewClient(redisOptions(t, rs.URL))
	t.Cleanup(func() { _ = rdb.Close() })
	// The namespace of each account, from what the admin API shows of it.
	namespace := func(id string) string {
		res, out := ts.do(t, "GET", "/admin/accounts/"+id, "", map[string]string{"Authorization": "Bearer " + testAdminKey})
		var a accounts.Account
		if err := json.Unmarshal([]byte(out), &a); res.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("admin show %s: %d %s", id, res.StatusCode, out)
		}
		a.ID = id
		ns, err := tenant.NamespaceOf(a)
		if err != nil {
			t.Fatal(err)
		}
		return ns
	}
	nsDemo, nsDemo2 := namespace("demo"), namespace("demo-2")
	count := func(ns string) int {
		keys, err := scanAll(t, rdb, ns+"*")
		if err != nil {
			t.Fatal(err)
		}
		return len(keys)
	}

	demo2 := issueKey(t, ts, "demo-2", "contacts:read", "directory:read")
	if status, out := gql(t, ts, demo2, `{ contacts(email: "`+gladlytest.HopperCustomerEmail+`") { nodes { name } } organization { name } }`); status != 200 ||
		!strings.Contains(out, gladlytest.HopperCustomerName) {
		t.Fatalf("demo-2 read: %d %s", status, out)
	}
	if status, out := gql(t, ts, "", `{ contacts(email: "ada@example.com") { nodes { name } } }`); status != 200 || !strings.Contains(out, "Ada Lovelace") {
		t.Fatalf("demo read: %d %s", status, out)
	}
	before2, beforeDemo := count(nsDemo2), count(nsDemo)
	if before2 == 0 || beforeDemo == 0 {
		t.Fatalf("cache entries before the unlink: demo-2 %d, demo %d; want some of each", before2, beforeDemo)
	}
	if res, out := ts.do(t, "DELETE", "/admin/accounts/demo-2", "", map[string]string{"Authorization": "Bearer " + testAdminKey}); res.StatusCode >= 300 {
		t.Fatalf("unlink: %d %s", res.StatusCode, out)
	}
	if n := count(nsDemo2); n != 0 {
		t.Errorf("%d cache entries of demo-2 left after its unlink (of %d)", n, before2)
	}
	if n := count(nsDemo); n < beforeDemo {
		t.Errorf("demo's cache entries went from %d to %d when demo-2 was unlinked", beforeDemo, n)
	}
	if status, out := gql(t, ts, demo2, "{ organization { name } }"); status != http.StatusUnauthorized && status != http.StatusForbidden {
		t.Errorf("key of the unlinked account: %d %s", status, out)
	}
}

func redisOptions(t *testing.T, url string) *redis.Options {
	t.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func scanAll(t *testing.T, rdb *redis.Client, match string) ([]string, error) {
	var keys []string
	iter := rdb.Scan(t.Context(), 0, match, 1000).Iterator()
	for iter.Next(t.Context()) {
		keys = append(keys, iter.Val())
	}
	return keys, iter.Err()
}

// `gladgraph accounts unlink` with REDIS_URL purges the account's shared cache entries too.
func TestCLIUnlinkPurgesCache(t *testing.T) {
	t.Parallel()
	rs := redistest.New(t)
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "ACCOUNTS_ENCRYPTION_KEYS": "k1:" + base64.StdEncoding.EncodeToString(key),
		"GLADLY_API_TOKEN": fake.Token, "REDIS_URL": rs.URL}
	cli := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := gtenant.RunAccountsCLI(t.Context(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut); err != nil {
			t.Fatalf("gladgraph %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
		}
		return out.String() + errOut.String()
	}
	cli("accounts", "link", "--id", "cli-purge", "--base-url", fake.URL, "--username", fake.Username)
	ns, err := tenant.NamespaceOf(accounts.Account{ID: "cli-purge", GladlyBaseURL: fake.URL, Username: fake.Username})
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(redisOptions(t, rs.URL))
	t.Cleanup(func() { _ = rdb.Close() })
	// Entries as a server running the account writes them.
	if err := loaders.NewRedisCache(rdb, ns).Set(t.Context(), 0, []loaders.Entry{
		{Key: "a", Value: []byte("1"), TTL: time.Minute, Tags: []string{"x"}},
		{Key: "b", Value: []byte("2"), TTL: time.Minute, Tags: []string{"y"}},
	}); err != nil {
		t.Fatal(err)
	}
	if keys, err := scanAll(t, rdb, ns+"*"); err != nil || len(keys) == 0 {
		t.Fatalf("entries before the unlink: %v %v", keys, err)
	}
	if out := cli("accounts", "unlink", "cli-purge"); !strings.Contains(out, "unlinked cli-purge") || strings.Contains(out, "gladgraph:") {
		t.Fatalf("unlink: %s", out)
	}
	if keys, err := scanAll(t, rdb, ns+"*"); err != nil || len(keys) != 0 {
		t.Errorf("entries left after the unlink: %v %v", keys, err)
	}
}
