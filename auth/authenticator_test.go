package auth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/caller"
)

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	accounts := newMemAccounts("acme", "beta")
	accounts.set("gone", AccountDisabled)
	keys := newMemKeys()
	now := time.Now()
	acme := keys.issue(t, "acme", []string{caller.ContactsRead, caller.AccountsAdmin}, nil)
	beta := keys.issue(t, "beta", []string{caller.TicketsRead}, nil)
	later := keys.issue(t, "acme", []string{caller.ContactsRead}, func(k *StoredKey) { k.ExpiresAt = now.Add(time.Hour) })
	revoked := keys.issue(t, "acme", []string{caller.ContactsRead}, func(k *StoredKey) { k.Revoked = true })
	expired := keys.issue(t, "acme", []string{caller.ContactsRead}, func(k *StoredKey) { k.ExpiresAt = now.Add(-time.Second) })
	disabled := keys.issue(t, "gone", []string{caller.ContactsRead}, nil)
	orphan := keys.issue(t, "deleted", []string{caller.ContactsRead}, nil)
	acmeID, _, _ := ParseAPIKey(acme)
	betaID, _, _ := ParseAPIKey(beta)
	laterID, _, _ := ParseAPIKey(later)
	other, _, _, _ := NewAPIKey()
	_, otherSecret, _ := ParseAPIKey(other)
	unknown := other

	for _, mode := range []Mode{ModeRequired, ModeDemo} {
		a := newTestAuthenticator(t, mode, nil, accounts, keys, nil)
		tests := []struct {
			name    string
			key     string
			want    *caller.Caller
			status  int
			message string
		}{
			{name: "key of A acts on A, never with accounts:admin", key: acme, want: &caller.Caller{Kind: caller.KindAPIKey, Subject: acmeID, AccountID: "acme", Scopes: caller.NewScopes(caller.ContactsRead)}},
			{name: "key of B acts on B", key: beta, want: &caller.Caller{Kind: caller.KindAPIKey, Subject: betaID, AccountID: "beta", Scopes: caller.NewScopes(caller.TicketsRead)}},
			{name: "expiring later", key: later, want: &caller.Caller{Kind: caller.KindAPIKey, Subject: laterID, AccountID: "acme", Scopes: caller.NewScopes(caller.ContactsRead)}},
			{name: "wrong secret", key: "ggk_" + acmeID + "_" + otherSecret, status: 401, message: "not valid"},
			{name: "unknown id", key: unknown, status: 401, message: "not valid"},
			{name: "revoked", key: revoked, status: 401, message: "revoked"},
			{name: "expired", key: expired, status: 401, message: "expired"},
			{name: "malformed", key: "ggk_short_secret", status: 401, message: "malformed"},
			{name: "truncated", key: acme[:len(acme)-1], status: 401, message: "malformed"},
			{name: "disabled account", key: disabled, status: 403, message: "disabled"},
			{name: "account that does not exist", key: orphan, status: 403, message: "does not exist"},
		}
		for _, tc := range tests {
			t.Run(string(mode)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, err := a.Authenticate(t.Context(), "Bearer "+tc.key)
				if tc.want != nil {
					if err != nil {
						t.Fatalf("Authenticate: %v", err)
					}
					if diff := cmp.Diff(tc.want, c); diff != "" {
						t.Fatalf("caller (-want +got):\n%s", diff)
					}
					return
				}
				e := authError(t, err)
				if e.Status != tc.status || !strings.Contains(e.Message, tc.message) {
					t.Fatalf("got %d %q, want %d saying %q", e.Status, e.Message, tc.status, tc.message)
				}
				if _, secret, ok := ParseAPIKey(tc.key); ok && strings.Contains(e.Error(), secret) {
					t.Fatalf("error %q quotes the secret", e.Error())
				}
			})
		}
	}
}

// TestAPIKeyTouch: last use is written at most once a minute per key, and a slow store never
// holds a request.
func TestAPIKeyTouch(t *testing.T) {
	t.Parallel()
	keys := newMemKeys()
	key := keys.issue(t, "acme", []string{caller.ContactsRead}, nil)
	id, _, _ := ParseAPIKey(key)
	a := newTestAuthenticator(t, ModeRequired, nil, newMemAccounts("acme"), keys, nil)
	clock := newFakeClock()
	a.useClock(clock)

	keys.block = make(chan struct{})
	for range 5 {
		// Would deadlock if Authenticate waited for TouchAPIKey.
		if _, err := a.Authenticate(t.Context(), "Bearer "+key); err != nil {
			t.Fatal(err)
		}
	}
	close(keys.block)
	a.Wait()
	if n := keys.touchCount(id); n != 1 {
		t.Fatalf("%d touches for 5 uses within a minute, want 1", n)
	}
	clock.advance(touchInterval)
	if _, err := a.Authenticate(t.Context(), "Bearer "+key); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	if n := keys.touchCount(id); n != 2 {
		t.Fatalf("%d touches after a minute, want 2", n)
	}
	// A refused key is not touched.
	_, secret, _ := ParseAPIKey(key)
	wrong := strings.Replace(key, secret, strings.Repeat("A", len(secret)), 1)
	clock.advance(touchInterval)
	_, _ = a.Authenticate(t.Context(), "Bearer "+wrong)
	a.Wait()
	if n := keys.touchCount(id); n != 2 {
		t.Fatalf("a wrong secret touched the key (%d touches)", n)
	}
}

// TestModes: without a header, required refuses and none/demo serve the default account with
// every Gladly scope; a header given is verified in every mode.
func TestModes(t *testing.T) {
	t.Parallel()
	keys := newMemKeys()
	demo2 := keys.issue(t, "demo-2", []string{caller.ContactsRead}, nil)
	accounts := newMemAccounts("demo", "demo-2")
	anonymous := &caller.Caller{Kind: caller.KindAnonymous, Subject: "anonymous", AccountID: "demo", Scopes: caller.NewScopes(caller.GladlyScopes...)}
	tests := []struct {
		mode   Mode
		header string
		want   *caller.Caller
		status int
	}{
		{mode: ModeRequired, header: "", status: 401},
		{mode: ModeNone, header: "", want: anonymous},
		{mode: ModeDemo, header: "", want: anonymous},
		{mode: ModeDemo, header: "Bearer " + demo2, want: &caller.Caller{Kind: caller.KindAPIKey, Subject: demo2[4:16], AccountID: "demo-2", Scopes: caller.NewScopes(caller.ContactsRead)}},
		{mode: ModeNone, header: "Bearer ggk_nope", want: anonymous}, // the gateway's header is not ours to judge
		{mode: ModeDemo, header: "Bearer not-a-jwt", status: 401},
		{mode: ModeDemo, header: "Basic ZGVtbzpkZW1v", status: 401},
	}
	for _, tc := range tests {
		t.Run(string(tc.mode)+"/"+tc.header, func(t *testing.T) {
			t.Parallel()
			a := newTestAuthenticator(t, tc.mode, nil, accounts, keys, nil)
			c, err := a.Authenticate(t.Context(), tc.header)
			if tc.want != nil {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, c); diff != "" {
					t.Fatalf("caller (-want +got):\n%s", diff)
				}
				return
			}
			if e := authError(t, err); e.Status != tc.status {
				t.Fatalf("got %d, want %d", e.Status, tc.status)
			}
		})
	}

	t.Run("disabled default account", func(t *testing.T) {
		t.Parallel()
		off := newMemAccounts()
		off.set("demo", AccountDisabled)
		a := newTestAuthenticator(t, ModeNone, nil, off, nil, nil)
		if e := authError(t, second(a.Authenticate(t.Context(), ""))); e.Status != http.StatusForbidden {
			t.Fatalf("got %d, want 403", e.Status)
		}
	})
}

// TestMalformedHeaders are all 401 where gladgraph authenticates (AUTH_MODE=none leaves that to
// the gateway in front and ignores the header).
func TestMalformedHeaders(t *testing.T) {
	t.Parallel()
	rs := newRSASigner(t, "k", "RS256")
	is := newIssuer(t, rs)
	keys := newMemKeys()
	key := keys.issue(t, "demo", []string{caller.ContactsRead}, nil)
	token := rs.token(t, nil, claims("demo", nil))
	headers := map[string]string{
		"basic scheme":         "Basic dXNlcjpwYXNz",
		"scheme only":          "Bearer",
		"scheme and space":     "Bearer ",
		"two spaces":           "Bearer  " + token,
		"trailing space":       "Bearer " + token + " ",
		"two tokens":           "Bearer " + token + " " + key,
		"tab":                  "Bearer\t" + token,
		"no scheme":            token,
		"token scheme":         "Token " + key,
		"quoted":               `Bearer "` + key + `"`,
		"comma list":           "Bearer " + key + ", Bearer " + key,
		"huge":                 "Bearer " + strings.Repeat("a", maxAuthorizationLen),
		"padding in the midst": "Bearer ab=cd",
		"only padding":         "Bearer ===",
		"control character":    "Bearer abc\x00def",
		"non-ASCII":            "Bearer ggk_é",
	}
	for _, mode := range []Mode{ModeRequired, ModeDemo} {
		a := newTestAuthenticator(t, mode, is, newMemAccounts("demo"), keys, nil)
		for name, h := range headers {
			t.Run(string(mode)+"/"+name, func(t *testing.T) {
				t.Parallel()
				e := authError(t, second(a.Authenticate(t.Context(), h)))
				if e.Status != http.StatusUnauthorized || e.Code != CodeUnauthenticated {
					t.Fatalf("got %d %s, want 401", e.Status, e.Code)
				}
				if len(h) > 20 && strings.Contains(e.Message, h[7:20]) {
					t.Fatalf("message %q quotes the header", e.Message)
				}
			})
		}
		t.Run(string(mode)+"/scheme in lower case", func(t *testing.T) {
			t.Parallel()
			if _, err := a.Authenticate(t.Context(), "bearer "+key); err != nil {
				t.Fatalf("RFC 7235 schemes are case-insensitive: %v", err)
			}
		})
	}
}

// TestStoresUnavailable: a store that cannot answer is a 503, not a 401 that would tell a
// client with good credentials to drop them.
func TestStoresUnavailable(t *testing.T) {
	t.Parallel()
	keys := newMemKeys()
	key := keys.issue(t, "acme", nil, nil)
	keys.err = errors.New("connection refused")
	a := newTestAuthenticator(t, ModeRequired, nil, newMemAccounts("acme"), keys, nil)
	if e := authError(t, second(a.Authenticate(t.Context(), "Bearer "+key))); e.Status != http.StatusServiceUnavailable {
		t.Fatalf("key store down: %d, want 503", e.Status)
	}

	keys2 := newMemKeys()
	key2 := keys2.issue(t, "acme", nil, nil)
	accounts := newMemAccounts("acme")
	accounts.err = errors.New("connection refused")
	b := newTestAuthenticator(t, ModeRequired, nil, accounts, keys2, nil)
	e := authError(t, second(b.Authenticate(t.Context(), "Bearer "+key2)))
	if e.Status != http.StatusServiceUnavailable || strings.Contains(e.Message, "refused") {
		t.Fatalf("account directory down: %d %q, want 503 without the store's error", e.Status, e.Message)
	}

	// Without a KeyStore, API keys are refused; without JWT settings, JWTs are.
	c := newTestAuthenticator(t, ModeRequired, nil, newMemAccounts("acme"), nil, nil)
	for _, h := range []string{"Bearer " + key2, "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"} {
		if e := authError(t, second(c.Authenticate(t.Context(), h))); e.Status != http.StatusUnauthorized {
			t.Fatalf("%d, want 401", e.Status)
		}
	}
}
