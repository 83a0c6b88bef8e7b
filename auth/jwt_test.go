package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/caller"
)

// hs256 forges a token with alg HS256 whose HMAC secret is secret: the classic attack of
// signing with the issuer's public key.
func hs256(t testing.TB, kid string, secret []byte, cl map[string]any) string {
	t.Helper()
	input := b64(mustJSON(t, map[string]any{"alg": "HS256", "kid": kid, "typ": "JWT"})) + "." + b64(mustJSON(t, cl))
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(input))
	return input + "." + b64(m.Sum(nil))
}

func TestJWT(t *testing.T) {
	t.Parallel()
	rs := newRSASigner(t, "rsa-1", "RS256")
	ps := newRSASigner(t, "ps-1", "PS256")
	ec := newECSigner(t, "ec-1")
	ed := newEdSigner(t, "ed-1")
	is := newIssuer(t, rs, ps, ec, ed)
	accounts := newMemAccounts("acme", "beta")
	accounts.set("gone", AccountDisabled)
	a := newTestAuthenticator(t, ModeRequired, is, accounts, nil, nil)

	// A stranger's RSA key published nowhere, under the issuer's kid.
	stranger := newRSASigner(t, "rsa-1", "RS256")
	der, err := x509.MarshalPKIXPublicKey(rs.priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	jwkKey := mustJSON(t, rs.jwk(t, true))
	now := time.Now()

	valid := rs.token(t, nil, claims("acme", nil))
	parts := strings.Split(valid, ".")
	tamperedPayload := parts[0] + "." + b64(mustJSON(t, claims("beta", nil))) + "." + parts[2]
	sig := []byte(parts[2])
	// Another base64url letter, so the token stays well-formed and only the signature is wrong.
	if sig[10] = 'A'; parts[2][10] == 'A' {
		sig[10] = 'B'
	}
	tamperedSig := parts[0] + "." + parts[1] + "." + string(sig)

	tests := []struct {
		name    string
		token   string
		want    *caller.Caller
		status  int
		message string
	}{
		{name: "RS256", token: valid, want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.NewScopes("contacts:read", "tickets:read")}},
		{name: "PS256", token: ps.token(t, nil, claims("acme", nil)), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.NewScopes("contacts:read", "tickets:read")}},
		{name: "ES256", token: ec.token(t, nil, claims("beta", nil)), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "beta", Scopes: caller.NewScopes("contacts:read", "tickets:read")}},
		{name: "EdDSA", token: ed.token(t, nil, claims("acme", map[string]any{"scope": nil, "scp": []string{"knowledge:read"}})), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.NewScopes("knowledge:read")}},
		{name: "scope and scp together", token: rs.token(t, nil, claims("acme", map[string]any{"scope": "a:b", "scp": []string{"c:d"}})), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.NewScopes("a:b", "c:d")}},
		{name: "scp as a string", token: rs.token(t, nil, claims("acme", map[string]any{"scope": nil, "scp": "a:b c:d"})), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.NewScopes("a:b", "c:d")}},
		{name: "no scopes", token: rs.token(t, nil, claims("acme", map[string]any{"scope": nil})), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.Scopes{}}},
		{name: "audience array", token: rs.token(t, nil, claims("acme", map[string]any{"aud": []string{"other", testAudience}})), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.NewScopes("contacts:read", "tickets:read")}},
		{name: "expired within the leeway", token: rs.token(t, nil, claims("acme", map[string]any{"exp": now.Add(-30 * time.Second).Unix()})), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.NewScopes("contacts:read", "tickets:read")}},
		{name: "nbf within the leeway", token: rs.token(t, nil, claims("acme", map[string]any{"nbf": now.Add(30 * time.Second).Unix()})), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.NewScopes("contacts:read", "tickets:read")}},
		{name: "no kid, one key for the algorithm", token: ec.token(t, map[string]any{"kid": nil}, claims("acme", nil)), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.NewScopes("contacts:read", "tickets:read")}},

		{name: "expired", token: rs.token(t, nil, claims("acme", map[string]any{"exp": now.Add(-2 * time.Minute).Unix()})), status: 401, message: "expired"},
		{name: "no exp", token: rs.token(t, nil, claims("acme", map[string]any{"exp": nil})), status: 401, message: "no expiry"},
		{name: "exp not a number", token: rs.token(t, nil, claims("acme", map[string]any{"exp": "tomorrow"})), status: 401},
		{name: "not yet valid", token: rs.token(t, nil, claims("acme", map[string]any{"nbf": now.Add(2 * time.Minute).Unix()})), status: 401, message: "not valid yet"},
		{name: "issued in the future", token: rs.token(t, nil, claims("acme", map[string]any{"iat": now.Add(2 * time.Minute).Unix()})), status: 401, message: "future"},
		{name: "wrong issuer", token: rs.token(t, nil, claims("acme", map[string]any{"iss": "https://evil.example/"})), status: 401, message: "issuer"},
		{name: "no issuer", token: rs.token(t, nil, claims("acme", map[string]any{"iss": nil})), status: 401},
		{name: "wrong audience", token: rs.token(t, nil, claims("acme", map[string]any{"aud": "https://other.example"})), status: 401, message: "audience"},
		{name: "no audience", token: rs.token(t, nil, claims("acme", map[string]any{"aud": nil})), status: 401},
		{name: "alg none", token: b64(mustJSON(t, map[string]any{"alg": "none", "kid": "rsa-1"})) + "." + b64(mustJSON(t, claims("acme", nil))) + ".", status: 401, message: "algorithm"},
		{name: "alg None", token: b64(mustJSON(t, map[string]any{"alg": "None"})) + "." + b64(mustJSON(t, claims("acme", nil))) + ".", status: 401, message: "algorithm"},
		{name: "no alg", token: rs.token(t, map[string]any{"alg": nil}, claims("acme", nil)), status: 401},
		{name: "HS256 keyed with the public key's DER", token: hs256(t, "rsa-1", der, claims("acme", nil)), status: 401, message: "algorithm"},
		{name: "HS256 keyed with the public key's PEM", token: hs256(t, "rsa-1", pemKey, claims("acme", nil)), status: 401, message: "algorithm"},
		{name: "HS256 keyed with the public JWK", token: hs256(t, "rsa-1", jwkKey, claims("acme", nil)), status: 401, message: "algorithm"},
		{name: "ES256 named for an RSA key", token: ec.token(t, map[string]any{"kid": "rsa-1"}, claims("acme", nil)), status: 401, message: "does not match"},
		{name: "RS256 named for an EC key", token: rs.token(t, map[string]any{"kid": "ec-1"}, claims("acme", nil)), status: 401, message: "does not match"},
		{name: "PS256 for a key pinned to RS256", token: ps.token(t, map[string]any{"kid": "rsa-1"}, claims("acme", nil)), status: 401},
		{name: "tampered payload", token: tamperedPayload, status: 401, message: "signature"},
		{name: "tampered signature", token: tamperedSig, status: 401, message: "signature"},
		{name: "signed by a stranger under the issuer's kid", token: stranger.token(t, nil, claims("acme", nil)), status: 401, message: "signature"},
		{name: "unknown kid", token: rs.token(t, map[string]any{"kid": "nobody"}, claims("acme", nil)), status: 401, message: "not signed by a key"},
		{name: "kid not a string", token: rs.token(t, map[string]any{"kid": 7}, claims("acme", nil)), status: 401, message: "key id"},
		{name: "no kid, one RSA key pinned to RS256", token: rs.token(t, map[string]any{"kid": nil}, claims("acme", nil)), want: &caller.Caller{Kind: caller.KindJWT, Subject: "user-1", AccountID: "acme", Scopes: caller.NewScopes("contacts:read", "tickets:read")}},
		{name: "crit header", token: rs.token(t, map[string]any{"crit": []string{"exp"}, "exp": 1}, claims("acme", nil)), status: 401},
		{name: "five segments", token: valid + ".x.y", status: 401},
		{name: "header not base64", token: "%%%." + parts[1] + "." + parts[2], status: 401},
		{name: "scope an array", token: rs.token(t, nil, claims("acme", map[string]any{"scope": []string{"contacts:read"}})), status: 401, message: `"scope"`},
		{name: "scp a number", token: rs.token(t, nil, claims("acme", map[string]any{"scope": nil, "scp": 3})), status: 401, message: `"scp"`},
		{name: "scp with a number inside", token: rs.token(t, nil, claims("acme", map[string]any{"scope": nil, "scp": []any{"contacts:read", 3}})), status: 401, message: `"scp"`},
		{name: "scp an object", token: rs.token(t, nil, claims("acme", map[string]any{"scope": nil, "scp": map[string]any{"contacts:read": true}})), status: 401, message: `"scp"`},
		{name: "account claim a number", token: rs.token(t, nil, claims("", map[string]any{"gladly_account": 42})), status: 401, message: "not a string"},
		{name: "no account claim", token: rs.token(t, nil, claims("", nil)), status: 403, message: "names no account"},
		{name: "account that does not exist", token: rs.token(t, nil, claims("nobody", nil)), status: 403, message: "does not exist"},
		{name: "account id not an id", token: rs.token(t, nil, claims("../acme", nil)), status: 403, message: "does not exist"},
		{name: "disabled account", token: rs.token(t, nil, claims("gone", nil)), status: 403, message: "disabled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := a.Authenticate(t.Context(), "Bearer "+tc.token)
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
			wantCode := CodeUnauthenticated
			if tc.status == http.StatusForbidden {
				wantCode = CodeForbidden
			}
			if e.Status != tc.status || e.Code != wantCode {
				t.Fatalf("got %d %s (%s), want %d %s", e.Status, e.Code, e.Message, tc.status, wantCode)
			}
			if !strings.Contains(e.Message, tc.message) {
				t.Errorf("message %q does not say %q", e.Message, tc.message)
			}
			if strings.Contains(e.Error(), tc.token) || strings.Contains(e.Error(), strings.Split(tc.token, ".")[0]) {
				t.Errorf("error %q quotes the token", e.Error())
			}
		})
	}
}

// TestJWTAccountClaim reads the account from the claim AUTH_ACCOUNT_CLAIM names.
func TestJWTAccountClaim(t *testing.T) {
	t.Parallel()
	rs := newRSASigner(t, "rsa-1", "RS256")
	is := newIssuer(t, rs)
	a := newTestAuthenticator(t, ModeRequired, is, newMemAccounts("acme"), nil, func(c *Config) { c.AccountClaim = "https://example.test/tenant" })
	c, err := a.Authenticate(t.Context(), "Bearer "+rs.token(t, nil, claims("", map[string]any{"https://example.test/tenant": "acme"})))
	if err != nil || c.AccountID != "acme" {
		t.Fatalf("got %+v, %v; want account acme", c, err)
	}
	_, err = a.Authenticate(t.Context(), "Bearer "+rs.token(t, nil, claims("acme", nil)))
	if e := authError(t, err); e.Status != http.StatusForbidden {
		t.Fatalf("token with gladly_account only: %d, want 403", e.Status)
	}
}

// TestJWTNoKidAmbiguous refuses a token without kid when several keys could have signed it:
// the token must not pick its key.
func TestJWTNoKidAmbiguous(t *testing.T) {
	t.Parallel()
	k1, k2 := newRSASigner(t, "rsa-1", "RS256"), newRSASigner(t, "rsa-2", "RS256")
	k1.unpinned, k2.unpinned = true, true
	is := newIssuer(t, k1, k2)
	a := newTestAuthenticator(t, ModeRequired, is, newMemAccounts("acme"), nil, nil)
	_, err := a.Authenticate(t.Context(), "Bearer "+k1.token(t, map[string]any{"kid": nil}, claims("acme", nil)))
	if e := authError(t, err); e.Status != http.StatusUnauthorized {
		t.Fatalf("got %d, want 401", e.Status)
	}
	// Unpinned RSA keys verify PS256 as well.
	k1.alg = "PS256"
	if _, err := a.Authenticate(t.Context(), "Bearer "+k1.token(t, nil, claims("acme", nil))); err != nil {
		t.Fatalf("PS256 with an unpinned RSA key: %v", err)
	}
}
