package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// signer is a key of the test issuer. Tokens are signed here with the standard library, not
// with jwx, so the verifier is checked against an independent implementation.
type signer struct {
	kid  string
	alg  string
	priv crypto.Signer
	// unpinned publishes the JWK without "alg".
	unpinned bool
}

func newRSASigner(t testing.TB, kid, alg string) *signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{kid: kid, alg: alg, priv: k}
}

func newECSigner(t testing.TB, kid string) *signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{kid: kid, alg: "ES256", priv: k}
}

func newEdSigner(t testing.TB, kid string) *signer {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{kid: kid, alg: "EdDSA", priv: k}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// token signs claims with s under header hdr (alg and kid are added unless hdr sets them).
func (s *signer) token(t testing.TB, hdr, claims map[string]any) string {
	t.Helper()
	h := map[string]any{"alg": s.alg, "kid": s.kid, "typ": "JWT"}
	for k, v := range hdr {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	input := b64(mustJSON(t, h)) + "." + b64(mustJSON(t, claims))
	return input + "." + b64(s.sign(t, h["alg"], []byte(input)))
}

func (s *signer) sign(t testing.TB, alg any, input []byte) []byte {
	t.Helper()
	var (
		sig []byte
		err error
	)
	digest := sha256.Sum256(input)
	switch k := s.priv.(type) {
	case *rsa.PrivateKey:
		if alg == "PS256" {
			sig, err = rsa.SignPSS(rand.Reader, k, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		} else {
			sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, digest[:])
		}
	case *ecdsa.PrivateKey:
		var r, ss *big.Int
		r, ss, err = ecdsa.Sign(rand.Reader, k, digest[:])
		if err == nil {
			sig = make([]byte, 64)
			r.FillBytes(sig[:32])
			ss.FillBytes(sig[32:])
		}
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, input)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// jwk is the public JWK of s, with kid and, when pinAlg, alg.
func (s *signer) jwk(t testing.TB, pinAlg bool) jwk.Key {
	t.Helper()
	k, err := jwk.Import(s.priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Set(jwk.KeyIDKey, s.kid); err != nil {
		t.Fatal(err)
	}
	if pinAlg {
		if err := k.Set(jwk.AlgorithmKey, s.alg); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

// issuer is a JWKS endpoint over real HTTP. It counts its fetches, and its keys can be rotated.
type issuer struct {
	srv     *httptest.Server
	fetches atomic.Int64

	mu     sync.Mutex
	body   []byte
	status int
}

func newIssuer(t testing.TB, keys ...*signer) *issuer {
	t.Helper()
	is := &issuer{status: http.StatusOK}
	is.serve(t, keys...)
	is.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		is.fetches.Add(1)
		is.mu.Lock()
		body, status := is.body, is.status
		is.mu.Unlock()
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(is.srv.Close)
	return is
}

// serve replaces the published keys.
func (is *issuer) serve(t testing.TB, keys ...*signer) {
	t.Helper()
	set := jwk.NewSet()
	for _, k := range keys {
		if err := set.AddKey(k.jwk(t, !k.unpinned)); err != nil {
			t.Fatal(err)
		}
	}
	body := mustJSON(t, set)
	is.mu.Lock()
	is.body, is.status = body, http.StatusOK
	is.mu.Unlock()
}

// fail makes the endpoint answer 500.
func (is *issuer) fail() {
	is.mu.Lock()
	is.status = http.StatusInternalServerError
	is.mu.Unlock()
}

const (
	testIssuer   = "https://id.example.test/"
	testAudience = "https://gladgraph.example.test"
)

// memAccounts is an account directory in memory (the interface is the test's to implement).
type memAccounts struct {
	mu  sync.Mutex
	m   map[string]AccountStatus
	err error
}

func newMemAccounts(active ...string) *memAccounts {
	a := &memAccounts{m: map[string]AccountStatus{}}
	for _, id := range active {
		a.m[id] = AccountActive
	}
	return a
}

func (a *memAccounts) set(id string, st AccountStatus) {
	a.mu.Lock()
	a.m[id] = st
	a.mu.Unlock()
}

func (a *memAccounts) AccountStatus(_ context.Context, id string) (AccountStatus, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err != nil {
		return AccountMissing, a.err
	}
	return a.m[id], nil
}

// memKeys is a KeyStore in memory that records touches. When block is set, TouchAPIKey waits
// on it, to show that requests do not.
type memKeys struct {
	mu      sync.Mutex
	keys    map[string]StoredKey
	touches map[string]int
	err     error
	block   chan struct{}
}

func newMemKeys() *memKeys {
	return &memKeys{keys: map[string]StoredKey{}, touches: map[string]int{}}
}

// issue makes a key for account with scopes; edit adjusts the stored record.
func (m *memKeys) issue(t testing.TB, account string, scopes []string, edit func(*StoredKey)) string {
	t.Helper()
	key, id, hash, err := NewAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	sk := StoredKey{ID: id, AccountID: account, Hash: hash, Scopes: scopes}
	if edit != nil {
		edit(&sk)
	}
	m.mu.Lock()
	m.keys[id] = sk
	m.mu.Unlock()
	return key
}

func (m *memKeys) LookupAPIKey(_ context.Context, id string) (StoredKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return StoredKey{}, m.err
	}
	k, ok := m.keys[id]
	if !ok {
		return StoredKey{}, ErrKeyNotFound
	}
	return k, nil
}

func (m *memKeys) TouchAPIKey(_ context.Context, id string, _ time.Time) {
	m.mu.Lock()
	block := m.block
	m.mu.Unlock()
	if block != nil {
		<-block
	}
	m.mu.Lock()
	m.touches[id]++
	m.mu.Unlock()
}

func (m *memKeys) touchCount(id string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.touches[id]
}

// fakeClock is the clock of the JWKS cache and API key checks, so spacing rules are tested
// without waiting.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Now().UnixNano())
	return c
}

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// claims are valid claims for account, expiring in an hour.
func claims(account string, extra map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": testIssuer, "aud": testAudience, "sub": "user-1",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"scope": "contacts:read tickets:read",
	}
	if account != "" {
		c[DefaultAccountClaim] = account
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// newTestAuthenticator builds an Authenticator in mode over is (nil: JWTs off).
func newTestAuthenticator(t testing.TB, mode Mode, is *issuer, accounts Accounts, keys KeyStore, edit func(*Config)) *Authenticator {
	t.Helper()
	cfg := Config{Mode: mode}
	if mode != ModeRequired {
		cfg.DefaultAccount = "demo"
	}
	var opts []Option
	if is != nil {
		cfg.JWKSURL, cfg.Issuer, cfg.Audience = is.srv.URL+"/jwks.json", testIssuer, testAudience
		opts = append(opts, WithHTTPClient(is.srv.Client()))
	}
	if edit != nil {
		edit(&cfg)
	}
	var ks KeyStore
	if keys != nil {
		ks = keys
	}
	a, err := New(cfg, accounts, ks, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// useClock puts c under the authenticator's time checks that are not the token's own.
func (a *Authenticator) useClock(c *fakeClock) {
	a.now = c.now
	if a.jwt != nil {
		a.jwt.keys.now = c.now
		a.jwt.now = c.now
	}
}

// authError is err as *Error, failing the test otherwise.
func authError(t testing.TB, err error) *Error {
	t.Helper()
	if err == nil {
		t.Fatal("authenticated, want a refusal")
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %T %v, want *auth.Error", err, err)
	}
	return e
}
