package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

const (
	testIssuer   = "https://issuer.test/"
	testAudience = "gladgraph-test"
)

// testIssuerKeys is an RS256 issuer whose JWKS is served on loopback, as an identity provider
// would serve it.
type testIssuerKeys struct {
	key  jwk.Key
	jwks *httptest.Server
}

func newTestIssuer(t *testing.T) *testIssuerKeys {
	t.Helper()
	raw, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwk.Import(raw)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{jwk.KeyIDKey: "test-1", jwk.AlgorithmKey: jwa.RS256()} {
		if err := key.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	set := jwk.NewSet()
	if err := set.AddKey(key); err != nil {
		t.Fatal(err)
	}
	pub, err := jwk.PublicSetOf(set)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(pub)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return &testIssuerKeys{key: key, jwks: srv}
}

// token signs a JWT for account with scopes; edit changes the builder before it is built.
func (iss *testIssuerKeys) token(t *testing.T, account, scope string, edit func(*jwt.Builder) *jwt.Builder) string {
	t.Helper()
	now := time.Now()
	b := jwt.NewBuilder().Issuer(testIssuer).Audience([]string{testAudience}).Subject("svc-e2e").
		IssuedAt(now).Expiration(now.Add(10*time.Minute)).
		Claim("scope", scope).Claim("gladly_account", account)
	if edit != nil {
		b = edit(b)
	}
	tok, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256(), iss.key))
	if err != nil {
		t.Fatal(err)
	}
	return string(signed)
}

// JWTs verified against a JWKS on the demo: the account comes from the claim, the scopes narrow
// what is read, and an expired or foreign-audience token is 401 before anything runs.
func TestJWTOnTheDemo(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	ts := startTestServerWith(t, map[string]string{
		"AUTH_JWKS_URL": iss.jwks.URL + "/jwks.json", "AUTH_ISSUER": testIssuer, "AUTH_AUDIENCE": testAudience,
		"GLADLY_DEMO_FAULTS": "latency=1ms",
	}, buildLayers)
	const query = `{ contacts(email: "ada@example.com") { nodes { name } } organization { name } }`

	status, out := gql(t, ts, iss.token(t, "demo", "contacts:read", nil), query)
	if status != http.StatusOK || !strings.Contains(out, "Ada Lovelace") || !strings.Contains(out, `"organization":null`) ||
		!strings.Contains(out, "UNAUTHORIZED_FIELD_OR_TYPE") {
		t.Fatalf("JWT with contacts:read on demo: %d %s", status, out)
	}
	status, out = gql(t, ts, iss.token(t, "demo-2", "contacts:read directory:read", nil),
		`{ contacts(email: "`+gladlytest.HopperCustomerEmail+`") { nodes { name } } organization { name } }`)
	if status != http.StatusOK || !strings.Contains(out, gladlytest.HopperCustomerName) || !strings.Contains(out, gladlytest.HopperOrganizationName) ||
		strings.Contains(out, "errors") {
		t.Fatalf("JWT on demo-2: %d %s", status, out)
	}

	for name, edit := range map[string]func(*jwt.Builder) *jwt.Builder{
		"expired": func(b *jwt.Builder) *jwt.Builder {
			return b.IssuedAt(time.Now().Add(-time.Hour)).Expiration(time.Now().Add(-10 * time.Minute))
		},
		"wrong audience": func(b *jwt.Builder) *jwt.Builder { return b.Audience([]string{"someone-else"}) },
	} {
		body, _ := json.Marshal(map[string]any{"query": query})
		res, out := ts.do(t, "POST", "/graphql", string(body), map[string]string{"Content-Type": "application/json",
			"Authorization": "Bearer " + iss.token(t, "demo", "contacts:read", edit)})
		if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") ||
			!strings.Contains(out, "UNAUTHENTICATED") || strings.Contains(out, "Ada") {
			t.Errorf("%s JWT: %d %q %s", name, res.StatusCode, res.Header.Get("WWW-Authenticate"), out)
		}
	}
}
