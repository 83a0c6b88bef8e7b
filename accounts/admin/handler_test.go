package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/accounts/admin"
	"github.com/gladgraph/gladgraph/accounts/pgtest"
	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

const (
	secondUser  = "second@babbage.example.com"
	secondToken = "second-token-abcdefghijklmnop"
	agentUser   = "agent@babbage.example.com"
	agentToken  = "agent-token-abcdefghijklmnop"
)

type env struct {
	fake     *gladlytest.Server
	store    accounts.Store
	srv      *httptest.Server
	mu       sync.Mutex
	unlinked []accounts.Account
}

func newEnv(t *testing.T, store accounts.Store) *env {
	t.Helper()
	e := &env{
		fake: gladlytest.NewServer(t, gladlytest.WithoutRateLimit(),
			gladlytest.WithUser(gladlytest.User{Email: secondUser, Token: secondToken, APIUser: true}),
			gladlytest.WithUser(gladlytest.User{Email: agentUser, Token: agentToken})),
		store: store,
	}
	h := admin.New(admin.Config{Store: store, MaxBodyBytes: 4096, OnUnlink: func(_ context.Context, a accounts.Account) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.unlinked = append(e.unlinked, a)
	}})
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

func pgStore(t *testing.T, db, keys string) *accounts.PGStore {
	t.Helper()
	kr, err := accounts.ParseKeyring(keys)
	if err != nil {
		t.Fatal(err)
	}
	s, err := accounts.OpenPostgres(t.Context(), db, kr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func newKeys(t *testing.T, kid string) string {
	k, err := accounts.NewKeyString(kid)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type answer struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

func (e *env) do(t *testing.T, method, path, body string) answer {
	t.Helper()
	return e.doType(t, method, path, body, "application/json")
}

func (e *env) doType(t *testing.T, method, path, body, ctype string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, header: res.Header, raw: string(raw)}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			t.Fatalf("%s %s: answer is not a JSON object: %q", method, path, raw)
		}
	}
	return a
}

func (a answer) code() string {
	e, _ := a.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (a answer) message() string {
	e, _ := a.body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

func linkBody(id, base, user, token string) string {
	b, _ := json.Marshal(map[string]any{"id": id, "gladlyBaseUrl": base, "username": user, "apiToken": token})
	return string(b)
}

func TestAdminHappyPath(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	e := newEnv(t, pgStore(t, pgtest.NewDatabase(t), newKeys(t, "k1")))

	a := e.do(t, "POST", "/admin/accounts", `{"id":"acme","gladlyBaseUrl":"`+e.fake.URL+`","username":"`+e.fake.Username+`","apiToken":"`+e.fake.Token+`","rateLimit":5}`)
	if a.status != http.StatusCreated || a.body["id"] != "acme" || a.body["rateLimit"] != 5.0 || a.header.Get("Location") != "/admin/accounts/acme" {
		t.Fatalf("link: %d %s", a.status, a.raw)
	}
	stored, err := e.store.Get(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{e.fake.Token, stored.WebhookPassword} {
		if strings.Contains(a.raw, secret) {
			t.Fatal("link answer carries a secret")
		}
	}

	if a := e.do(t, "GET", "/admin/accounts", ""); a.status != 200 || !strings.Contains(a.raw, `"id":"acme"`) || strings.Contains(a.raw, e.fake.Token) {
		t.Fatalf("list: %d %s", a.status, a.raw)
	}
	if a := e.do(t, "GET", "/admin/accounts/acme", ""); a.status != 200 || a.body["webhookUsername"] != stored.WebhookUsername || strings.Contains(a.raw, stored.WebhookPassword) {
		t.Fatalf("show: %d %s", a.status, a.raw)
	}

	// The fake holds one token per user, so the "new" token is the same one: it is checked
	// against Gladly all the same (a wrong one is refused in TestAdminErrors).
	if a := e.do(t, "PATCH", "/admin/accounts/acme", `{"apiToken":"`+e.fake.Token+`","rateLimit":2,"disabled":true}`); a.status != 200 || a.body["disabled"] != true || a.body["rateLimit"] != 2.0 {
		t.Fatalf("update: %d %s", a.status, a.raw)
	}

	a = e.do(t, "POST", "/admin/accounts/acme/api-keys", `{"scopes":["tickets:read","contacts:read"],"expiresAt":"2099-01-02T03:04:05Z"}`)
	key, _ := a.body["key"].(string)
	keyID, _ := a.body["id"].(string)
	if a.status != 201 || a.body["expiresAt"] != "2099-01-02T03:04:05Z" || !strings.HasPrefix(key, "ggk_"+keyID+"_") {
		t.Fatalf("issue key: %d %s", a.status, a.raw)
	}
	_, secret, _ := auth.ParseAPIKey(key)
	if sk, err := e.store.LookupAPIKey(ctx, keyID); err != nil || !auth.SecretMatches(secret, sk.Hash) {
		t.Fatalf("issued key does not verify: %v", err)
	}
	if a := e.do(t, "POST", "/admin/accounts/acme/api-keys", `{"scopes":["tickets:read"]}`); a.status != 201 || a.body["expiresAt"] != nil {
		t.Fatalf("issue key without expiry: %d %s", a.status, a.raw)
	}
	a = e.do(t, "GET", "/admin/accounts/acme/api-keys", "")
	if a.status != 200 || strings.Contains(a.raw, secret) || strings.Contains(a.raw, `"hash"`) || strings.Count(a.raw, `"accountId":"acme"`) != 2 {
		t.Fatalf("list keys: %d %s", a.status, a.raw)
	}

	if a := e.do(t, "DELETE", "/admin/accounts/acme/api-keys/"+keyID, ""); a.status != 204 {
		t.Fatalf("revoke: %d %s", a.status, a.raw)
	}
	if sk, _ := e.store.LookupAPIKey(ctx, keyID); !sk.Revoked {
		t.Fatal("revoked key still valid")
	}

	if a := e.do(t, "DELETE", "/admin/accounts/acme", ""); a.status != 204 {
		t.Fatalf("unlink: %d %s", a.status, a.raw)
	}
	if _, err := e.store.LookupAPIKey(ctx, keyID); !errors.Is(err, auth.ErrKeyNotFound) {
		t.Fatalf("the unlinked account's key remains: %v", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.unlinked) != 1 || e.unlinked[0].ID != "acme" || e.unlinked[0].APIToken != e.fake.Token {
		t.Fatalf("OnUnlink got %v", e.unlinked)
	}
}

func TestAdminErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, pgStore(t, pgtest.NewDatabase(t), newKeys(t, "k1")))
	if a := e.do(t, "POST", "/admin/accounts", linkBody("acme", e.fake.URL, e.fake.Username, e.fake.Token)); a.status != 201 {
		t.Fatalf("link: %d %s", a.status, a.raw)
	}
	if a := e.do(t, "POST", "/admin/accounts", linkBody("other", e.fake.URL, e.fake.Username, e.fake.Token)); a.status != 201 {
		t.Fatalf("link: %d %s", a.status, a.raw)
	}
	otherKey := e.do(t, "POST", "/admin/accounts/other/api-keys", `{"scopes":["tickets:read"]}`).body["id"].(string)
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()

	tests := []struct {
		name, method, path, body string
		ctype                    string
		status                   int
		code, msg                string
	}{
		{"wrong token", "POST", "/admin/accounts", linkBody("new", e.fake.URL, e.fake.Username, "wrong-token"), "", 422, "GLADLY_REJECTED", "authentication not provided or invalid"},
		{"user without API permission", "POST", "/admin/accounts", linkBody("new", e.fake.URL, agentUser, agentToken), "", 422, "GLADLY_REJECTED", "403"},
		{"Gladly unreachable", "POST", "/admin/accounts", linkBody("new", downURL, e.fake.Username, e.fake.Token), "", 502, "GLADLY_UNAVAILABLE", "could not be asked"},
		{"id taken", "POST", "/admin/accounts", linkBody("acme", e.fake.URL, e.fake.Username, e.fake.Token), "", 409, "CONFLICT", "already linked"},
		{"bad id", "POST", "/admin/accounts", linkBody("no spaces", e.fake.URL, e.fake.Username, e.fake.Token), "", 400, "BAD_REQUEST", "id:"},
		{"http to a remote host", "POST", "/admin/accounts", linkBody("new", "http://acme.gladly.com", e.fake.Username, e.fake.Token), "", 400, "BAD_REQUEST", "loopback"},
		{"no token", "POST", "/admin/accounts", linkBody("new", e.fake.URL, e.fake.Username, ""), "", 400, "BAD_REQUEST", "apiToken"},
		{"rate limit zero", "POST", "/admin/accounts", `{"id":"new","gladlyBaseUrl":"` + e.fake.URL + `","username":"u","apiToken":"t","rateLimit":0}`, "", 400, "BAD_REQUEST", "rateLimit"},
		{"unknown field", "POST", "/admin/accounts", `{"id":"new","password":"x"}`, "", 400, "BAD_REQUEST", `unknown field "password"`},
		{"wrong type", "POST", "/admin/accounts", `{"id":7}`, "", 400, "BAD_REQUEST", "field id must be string"},
		{"not JSON", "POST", "/admin/accounts", `{"id":`, "", 400, "BAD_REQUEST", "not valid JSON"},
		{"two values", "POST", "/admin/accounts", `{} {}`, "", 400, "BAD_REQUEST", "more than one JSON value"},
		{"empty body", "POST", "/admin/accounts", ``, "", 415, "UNSUPPORTED_MEDIA_TYPE", "application/json"},
		{"form body", "POST", "/admin/accounts", `id=x`, "application/x-www-form-urlencoded", 415, "UNSUPPORTED_MEDIA_TYPE", "application/json"},
		{"too large", "POST", "/admin/accounts", `{"id":"` + strings.Repeat("a", 5000) + `"}`, "", 413, "PAYLOAD_TOO_LARGE", "4096"},
		{"show unknown", "GET", "/admin/accounts/nope", "", "", 404, "NOT_FOUND", "no such account"},
		{"update unknown", "PATCH", "/admin/accounts/nope", `{"disabled":true}`, "", 404, "NOT_FOUND", "no such account"},
		{"update nothing", "PATCH", "/admin/accounts/acme", `{}`, "", 400, "BAD_REQUEST", "changes nothing"},
		{"update wrong token", "PATCH", "/admin/accounts/acme", `{"apiToken":"wrong-token"}`, "", 422, "GLADLY_REJECTED", "401"},
		{"update rate limit type", "PATCH", "/admin/accounts/acme", `{"rateLimit":"fast"}`, "", 400, "BAD_REQUEST", "rateLimit"},
		{"update negative rate", "PATCH", "/admin/accounts/acme", `{"rateLimit":-1}`, "", 400, "BAD_REQUEST", "rateLimit"},
		{"unlink unknown", "DELETE", "/admin/accounts/nope", "", "", 404, "NOT_FOUND", "no such account"},
		{"key for unknown account", "POST", "/admin/accounts/nope/api-keys", `{"scopes":["tickets:read"]}`, "", 404, "NOT_FOUND", "no such account"},
		{"key with admin scope", "POST", "/admin/accounts/acme/api-keys", `{"scopes":["accounts:admin"]}`, "", 400, "BAD_REQUEST", "never granted"},
		{"key with unknown scope", "POST", "/admin/accounts/acme/api-keys", `{"scopes":["tickets:everything"]}`, "", 400, "BAD_REQUEST", "unknown scope"},
		{"key without scopes", "POST", "/admin/accounts/acme/api-keys", `{"scopes":[]}`, "", 400, "BAD_REQUEST", "at least one"},
		{"key expired", "POST", "/admin/accounts/acme/api-keys", `{"scopes":["tickets:read"],"expiresAt":"2001-01-01T00:00:00Z"}`, "", 400, "BAD_REQUEST", "expiresAt"},
		{"key expiry malformed", "POST", "/admin/accounts/acme/api-keys", `{"scopes":["tickets:read"],"expiresAt":"tomorrow"}`, "", 400, "BAD_REQUEST", ""},
		{"keys of unknown account", "GET", "/admin/accounts/nope/api-keys", "", "", 404, "NOT_FOUND", "no such account"},
		{"revoke unknown key", "DELETE", "/admin/accounts/acme/api-keys/nokey", "", "", 404, "NOT_FOUND", "no such API key"},
		{"revoke another account's key", "DELETE", "/admin/accounts/acme/api-keys/" + otherKey, "", "", 404, "NOT_FOUND", "no such API key"},
		{"wrong method", "PUT", "/admin/accounts/acme", `{}`, "", 405, "METHOD_NOT_ALLOWED", "GET, PATCH, DELETE"},
		{"unknown route", "GET", "/admin/accounts/acme/things", "", "", 404, "NOT_FOUND", "no such route"},
		{"empty id", "GET", "/admin/accounts/", "", "", 404, "NOT_FOUND", "no such route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctype := tt.ctype
			if ctype == "" {
				ctype = "application/json"
			}
			a := e.doType(t, tt.method, tt.path, tt.body, ctype)
			if a.status != tt.status || a.code() != tt.code || !strings.Contains(a.message(), tt.msg) {
				t.Fatalf("got %d %s, want %d %s containing %q", a.status, a.raw, tt.status, tt.code, tt.msg)
			}
			if a.header.Get("Content-Type") != "application/json" {
				t.Fatalf("error answered as %q", a.header.Get("Content-Type"))
			}
			for _, secret := range []string{e.fake.Token, "wrong-token", agentToken} {
				if strings.Contains(a.raw, secret) {
					t.Fatal("error answer echoes a token")
				}
			}
			if tt.status == 405 && a.header.Get("Allow") == "" {
				t.Fatal("405 without Allow")
			}
		})
	}
	t.Cleanup(func() {
		// Nothing the refused requests sent was stored, and the token of acme is unchanged.
		list, _ := e.store.List(context.Background())
		if len(list) != 2 {
			t.Errorf("accounts after refused requests: %v", list)
		}
		if a, _ := e.store.Get(context.Background(), "acme"); a.APIToken != e.fake.Token {
			t.Error("a refused update changed the token")
		}
	})
}

// TestAdminWithoutKey: an account whose secrets were sealed under a key since removed can still
// be shown, re-tokened and unlinked; nothing else reveals the key.
func TestAdminWithoutKey(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	old := pgStore(t, db, newKeys(t, "old"))
	if _, err := old.Create(t.Context(), accounts.NewAccount{ID: "acme", GladlyBaseURL: fake.URL, Username: fake.Username, APIToken: fake.Token}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, pgStore(t, db, newKeys(t, "new")))
	if a := e.do(t, "GET", "/admin/accounts/acme", ""); a.status != 200 {
		t.Fatalf("show: %d %s", a.status, a.raw)
	}
	if a := e.do(t, "PATCH", "/admin/accounts/acme", `{"apiToken":"`+fake.Token+`"}`); a.status != 200 {
		t.Fatalf("re-token: %d %s", a.status, a.raw)
	}
	// The token is readable again; the webhook password still names the missing key.
	_, err := e.store.Get(t.Context(), "acme")
	var uk *accounts.UnknownKeyError
	if !errors.As(err, &uk) || uk.KeyID != "old" || !strings.Contains(err.Error(), "webhook password") {
		t.Fatalf("Get: %v", err)
	}
	if a := e.do(t, "DELETE", "/admin/accounts/acme", ""); a.status != 204 {
		t.Fatalf("unlink: %d %s", a.status, a.raw)
	}
}

func TestAdminOverMemoryStore(t *testing.T) {
	t.Parallel()
	s, err := accounts.NewMemoryStore()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, s)
	if a := e.do(t, "POST", "/admin/accounts", linkBody("demo", e.fake.URL, e.fake.Username, "bad")); a.status != 422 {
		t.Fatalf("link with a wrong token: %d %s", a.status, a.raw)
	}
	if l, _ := s.List(t.Context()); len(l) != 0 {
		t.Fatal("a refused link was stored")
	}
	if a := e.do(t, "POST", "/admin/accounts", linkBody("demo", e.fake.URL, secondUser, secondToken)); a.status != 201 {
		t.Fatalf("link: %d %s", a.status, a.raw)
	}
	if a, _ := s.Get(t.Context(), "demo"); a.Username != secondUser || a.APIToken != secondToken {
		t.Fatalf("stored %v", a)
	}
}
