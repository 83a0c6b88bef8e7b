package auth

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestJWKSRotation: a token under a new kid refreshes the keys once and passes; 10,000 tokens
// under unknown kids that follow cause no refresh storm; keys the issuer drops stop working
// once the held keys age out.
func TestJWKSRotation(t *testing.T) {
	t.Parallel()
	old, next := newRSASigner(t, "2026-01", "RS256"), newECSigner(t, "2026-02")
	is := newIssuer(t, old)
	a := newTestAuthenticator(t, ModeRequired, is, newMemAccounts("acme"), nil, nil)
	clock := newFakeClock()
	a.useClock(clock)

	if err := a.Prefetch(t.Context()); err != nil {
		t.Fatalf("Prefetch: %v", err)
	}
	if _, err := a.Authenticate(t.Context(), "Bearer "+old.token(t, nil, claims("acme", nil))); err != nil {
		t.Fatalf("old key: %v", err)
	}
	if n := is.fetches.Load(); n != 1 {
		t.Fatalf("%d JWKS fetches after start and a known kid, want 1", n)
	}

	// The issuer rotates. Within the refresh spacing an unknown kid does not fetch...
	is.serve(t, old, next)
	nextToken := "Bearer " + next.token(t, nil, claims("acme", nil))
	if _, err := a.Authenticate(t.Context(), nextToken); err == nil {
		t.Fatal("new kid accepted without a refresh")
	}
	if n := is.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches within the spacing, want 1", n)
	}
	// ...after it, the first one refreshes once and passes.
	clock.advance(defaultMinRefreshInterval + time.Second)
	if _, err := a.Authenticate(t.Context(), nextToken); err != nil {
		t.Fatalf("new kid after rotation: %v", err)
	}
	if n := is.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches after the rotation, want 2", n)
	}

	// 10,000 tokens under unknown kids, from 8 clients at once.
	forged := newRSASigner(t, "x", "RS256")
	bad := make([]string, 64)
	for i := range bad {
		forged.kid = fmt.Sprintf("unknown-%d", i)
		bad[i] = "Bearer " + forged.token(t, nil, claims("acme", nil))
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < 10_000; i += 8 {
				_, err := a.Authenticate(t.Context(), bad[i%len(bad)])
				if e, ok := err.(*Error); !ok || e.Status != http.StatusUnauthorized {
					t.Errorf("unknown kid: %v, want 401", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := is.fetches.Load(); n > 3 {
		t.Fatalf("%d JWKS fetches after 10,000 unknown kids, want at most 3", n)
	}
	before := is.fetches.Load()

	// Past the spacing, a burst of unknown kids shares one refresh.
	clock.advance(defaultMinRefreshInterval + time.Second)
	for w := range 16 {
		wg.Go(func() { _, _ = a.Authenticate(t.Context(), bad[w]) })
	}
	wg.Wait()
	if n := is.fetches.Load() - before; n != 1 {
		t.Fatalf("a burst past the spacing fetched %d times, want 1", n)
	}

	// The issuer drops the old key. Held keys keep serving until they age out; the first use
	// after that refreshes in the background, and then the old key is refused.
	is.serve(t, next)
	oldToken := "Bearer " + old.token(t, nil, claims("acme", nil))
	if _, err := a.Authenticate(t.Context(), oldToken); err != nil {
		t.Fatalf("old key before the keys age out: %v", err)
	}
	clock.advance(defaultMaxKeyAge + time.Second)
	if _, err := a.Authenticate(t.Context(), oldToken); err != nil {
		t.Fatalf("old key while the refresh runs: %v", err)
	}
	if _, err := a.jwt.keys.refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(t.Context(), oldToken); err == nil {
		t.Fatal("the dropped key still verifies after the refresh")
	}
	if _, err := a.Authenticate(t.Context(), nextToken); err != nil {
		t.Fatalf("current key after the refresh: %v", err)
	}
}

// TestJWKSUnavailable: with no keys ever fetched the answer is 503 (the credentials could not be
// checked), and keys already held outlive a failing endpoint.
func TestJWKSUnavailable(t *testing.T) {
	t.Parallel()
	k := newRSASigner(t, "k", "RS256")
	token := "Bearer " + k.token(t, nil, claims("acme", nil))

	down := newIssuer(t, k)
	down.fail()
	a := newTestAuthenticator(t, ModeRequired, down, newMemAccounts("acme"), nil, nil)
	if err := a.Prefetch(t.Context()); err == nil {
		t.Fatal("Prefetch succeeded against a failing JWKS")
	}
	if e := authError(t, second(a.Authenticate(t.Context(), token))); e.Status != http.StatusServiceUnavailable || e.Code != CodeUnavailable {
		t.Fatalf("got %d %s, want 503 %s", e.Status, e.Code, CodeUnavailable)
	}

	up := newIssuer(t, k)
	b := newTestAuthenticator(t, ModeRequired, up, newMemAccounts("acme"), nil, nil)
	clock := newFakeClock()
	b.useClock(clock)
	if _, err := b.Authenticate(t.Context(), token); err != nil {
		t.Fatal(err)
	}
	up.fail()
	clock.advance(defaultMaxKeyAge + time.Minute)
	if _, err := b.jwt.keys.refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate(t.Context(), token); err != nil {
		t.Fatalf("held key after a failed refresh: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

// TestParseKeySet keeps only asymmetric signing keys of a usable size.
func TestParseKeySet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		kids []string
	}{
		{name: "symmetric key dropped", body: `{"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"},` + ecJWK("e", "") + `]}`, kids: []string{"e"}},
		{name: "encryption key dropped", body: `{"keys":[` + ecJWK("enc", `"use":"enc",`) + `,` + ecJWK("sig", `"use":"sig",`) + `]}`, kids: []string{"sig"}},
		{name: "alg not suiting the key dropped", body: `{"keys":[` + ecJWK("hs", `"alg":"HS256",`) + `,` + ecJWK("ok", `"alg":"ES256",`) + `]}`, kids: []string{"ok"}},
		{name: "duplicate kid dropped", body: `{"keys":[` + ecJWK("d", "") + `,` + ecJWK("d", "") + `,` + ecJWK("u", "") + `]}`, kids: []string{"u"}},
		{name: "short RSA key dropped", body: `{"keys":[{"kty":"RSA","kid":"small","n":"` + smallRSAModulus + `","e":"AQAB"},` + ecJWK("e", "") + `]}`, kids: []string{"e"}},
		{name: "nothing usable", body: `{"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"}]}`},
		{name: "not JSON", body: `<html>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ks, err := parseKeySet([]byte(tc.body), time.Now())
			if tc.kids == nil {
				if err == nil {
					t.Fatalf("parsed %d keys, want an error", len(ks.all))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, k := range ks.all {
				got = append(got, k.kid)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.kids) {
				t.Fatalf("kept %v, want %v", got, tc.kids)
			}
		})
	}
}

// A fixed P-256 public key (RFC 7515 A.3's).
func ecJWK(kid, extra string) string {
	return `{"kty":"EC",` + extra + `"kid":"` + kid + `","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`
}

// A 512-bit RSA modulus (RFC 7515 A.2 uses 2048; this one is deliberately short).
const smallRSAModulus = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzPw"

// TestVerifiedTokens: a token that verified is answered from memory, but never past its exp
// (plus leeway) nor before its nbf (minus leeway), and a JWKS refresh that brings its key back
// unchanged keeps it.
func TestVerifiedTokens(t *testing.T) {
	t.Parallel()
	k := newRSASigner(t, "k", "RS256")
	is := newIssuer(t, k)
	a := newTestAuthenticator(t, ModeRequired, is, newMemAccounts("acme"), nil, nil)
	clock := newFakeClock()
	a.useClock(clock)
	start := clock.now()
	token := k.token(t, nil, claims("acme", map[string]any{"iat": start.Unix(), "exp": start.Add(2 * time.Minute).Unix()}))
	later := k.token(t, nil, claims("acme", map[string]any{"iat": start.Unix(), "nbf": start.Add(5 * time.Minute).Unix(), "exp": start.Add(time.Hour).Unix()}))
	d := tokenDigest(token)
	entry := func() *verifiedToken {
		a.jwt.verified.mu.Lock()
		defer a.jwt.verified.mu.Unlock()
		return a.jwt.verified.m[d]
	}

	c1, err := a.Authenticate(t.Context(), "Bearer "+token)
	if err != nil {
		t.Fatal(err)
	}
	first := entry()
	if first == nil {
		t.Fatal("a verified token was not remembered")
	}
	// Each caller gets its own scopes.
	delete(c1.Scopes, "contacts:read")
	c2, err := a.Authenticate(t.Context(), "Bearer "+token)
	if err != nil || !c2.Has("contacts:read") {
		t.Fatalf("second use: %+v, %v", c2, err)
	}
	if entry() != first {
		t.Fatal("the second use verified the token again")
	}

	// A refresh serving the same key keeps the entry.
	clock.advance(defaultMinRefreshInterval + time.Second)
	if _, err := a.jwt.keys.refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(t.Context(), "Bearer "+token); err != nil {
		t.Fatal(err)
	}
	if entry() != first {
		t.Fatal("a refresh with unchanged keys dropped the verified token")
	}

	// Not before nbf−leeway, even though the signature is good.
	if _, err := a.Authenticate(t.Context(), "Bearer "+later); err == nil {
		t.Fatal("token accepted before its nbf")
	}
	// Past exp+leeway the remembered token is refused like any expired one.
	clock.advance(2*time.Minute + DefaultLeeway)
	if e := authError(t, second(a.Authenticate(t.Context(), "Bearer "+token))); e.Status != http.StatusUnauthorized || e.Message != "the token has expired" {
		t.Fatalf("expired remembered token: %d %q", e.Status, e.Message)
	}
	clock.advance(2 * time.Minute)
	if _, err := a.Authenticate(t.Context(), "Bearer "+later); err != nil {
		t.Fatalf("token after its nbf: %v", err)
	}
}

// TestJWKSRedirectDowngrade: the JWKS may not be redirected to plain http off loopback, where
// anyone on the path could serve keys. The refusal happens before any request is sent there.
func TestJWKSRedirectDowngrade(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.RedirectHandler("http://jwks.example.test/keys", http.StatusFound))
	t.Cleanup(srv.Close)
	a, err := New(Config{Mode: ModeRequired, JWKSURL: srv.URL, Issuer: testIssuer, Audience: testAudience}, newMemAccounts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var logged error
	a.jwt.keys.onError = func(err error) { logged = err }
	if err := a.Prefetch(t.Context()); err == nil {
		t.Fatal("keys loaded through a redirect to http")
	}
	if logged == nil || !strings.Contains(logged.Error(), "not https") {
		t.Fatalf("fetch error %v, want the redirect refused", logged)
	}
}
