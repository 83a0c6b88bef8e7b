package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// JWKS fetching bounds. An unknown kid may come from a real rotation, so it refreshes the keys;
// it may as well come from an attacker sending garbage, so refreshes are spaced by
// minRefreshInterval whatever the traffic, and concurrent ones are shared.
const (
	defaultMinRefreshInterval = 15 * time.Second
	// defaultMaxKeyAge makes keys the issuer removed stop working without a restart.
	defaultMaxKeyAge = 15 * time.Minute
	jwksFetchTimeout = 10 * time.Second
	maxJWKSBytes     = 1 << 20
	minRSABits       = 2048
)

// verificationKey is one usable JWKS key: its raw public key and the algorithms it may verify.
type verificationKey struct {
	kid  string
	raw  any // *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
	algs []jwa.SignatureAlgorithm
}

func (k *verificationKey) allows(alg jwa.SignatureAlgorithm) bool {
	return slices.Contains(k.algs, alg)
}

// keySet is one fetched JWKS, immutable once published.
type keySet struct {
	byKID   map[string]*verificationKey
	all     []*verificationKey
	fetched time.Time
}

// find picks the key a token names. A token without kid is accepted only when exactly one key
// fits its algorithm: guessing among several would let a token choose its key.
func (s *keySet) find(kid string, alg jwa.SignatureAlgorithm) (*verificationKey, bool) {
	if s == nil {
		return nil, false
	}
	if kid != "" {
		k, ok := s.byKID[kid]
		return k, ok
	}
	var found *verificationKey
	for _, k := range s.all {
		if k.allows(alg) {
			if found != nil {
				return nil, false
			}
			found = k
		}
	}
	return found, found != nil
}

// carryOver keeps the held *verificationKey for every key the refresh brought back unchanged,
// so tokens remembered as verified by it stay remembered (see verifiedTokens).
func (s *keySet) carryOver(old *keySet) {
	if old == nil {
		return
	}
	for i, k := range s.all {
		if k.kid == "" {
			continue
		}
		o, ok := old.byKID[k.kid]
		if !ok || !slices.Equal(o.algs, k.algs) || !sameKey(o.raw, k.raw) {
			continue
		}
		s.all[i] = o
		s.byKID[k.kid] = o
	}
}

func sameKey(a, b any) bool {
	ka, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ka.Equal(b)
}

// jwksCache holds the issuer's keys. Reads are lock-free; fetches are single-flight and spaced.
type jwksCache struct {
	url         string
	client      *http.Client
	minInterval time.Duration
	maxAge      time.Duration
	now         func() time.Time
	onError     func(error)

	set atomic.Pointer[keySet]

	mu          sync.Mutex
	inflight    chan struct{} // closed when the running fetch ends; nil when none runs
	lastAttempt time.Time
}

func newJWKSCache(url string, client *http.Client, onError func(error)) *jwksCache {
	if client == nil {
		client = &http.Client{Timeout: jwksFetchTimeout, CheckRedirect: checkJWKSRedirect}
	}
	return &jwksCache{
		url:         url,
		client:      client,
		minInterval: defaultMinRefreshInterval,
		maxAge:      defaultMaxKeyAge,
		now:         time.Now,
		onError:     onError,
	}
}

// lookup finds the key for kid and alg. A miss refreshes the keys once (unless a refresh ran
// within minInterval) and looks again; keys older than maxAge are refreshed in the background
// while the old ones keep serving.
func (c *jwksCache) lookup(ctx context.Context, kid string, alg jwa.SignatureAlgorithm) (*verificationKey, error) {
	set := c.set.Load()
	if k, ok := set.find(kid, alg); ok {
		if c.now().Sub(set.fetched) > c.maxAge {
			c.refreshAsync()
		}
		return k, nil
	}
	set, err := c.refresh(ctx)
	if err != nil {
		return nil, err
	}
	if set == nil {
		return nil, errJWKSUnavailable
	}
	if k, ok := set.find(kid, alg); ok {
		return k, nil
	}
	return nil, errUnknownKey
}

// stillPublished reports whether key is still the one the JWKS holds under kid ("" for a token
// without kid: key must then be among the held keys). Like lookup, it starts a background
// refresh of keys older than maxAge.
func (c *jwksCache) stillPublished(kid string, key *verificationKey) bool {
	set := c.set.Load()
	if set == nil {
		return false
	}
	if c.now().Sub(set.fetched) > c.maxAge {
		c.refreshAsync()
	}
	if kid != "" {
		return set.byKID[kid] == key
	}
	return slices.Contains(set.all, key)
}

var (
	errJWKSUnavailable = errors.New("the issuer's signing keys could not be fetched")
	errUnknownKey      = errors.New("no signing key of the issuer matches the token")
)

// refresh fetches the JWKS unless one was fetched within minInterval, sharing a running fetch,
// and answers the keys as they are afterwards.
func (c *jwksCache) refresh(ctx context.Context) (*keySet, error) {
	done := c.start()
	if done == nil {
		return c.set.Load(), nil
	}
	select {
	case <-done:
		return c.set.Load(), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *jwksCache) refreshAsync() { c.start() }

// start begins a fetch when none runs and the last began at least minInterval ago. It returns
// the channel closed when the running fetch ends, or nil when no fetch is allowed now.
func (c *jwksCache) start() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight != nil {
		return c.inflight
	}
	now := c.now()
	if !c.lastAttempt.IsZero() && now.Sub(c.lastAttempt) < c.minInterval {
		return nil
	}
	c.lastAttempt = now
	done := make(chan struct{})
	c.inflight = done
	// The fetch outlives the request that caused it: others wait on it, and a client hanging
	// up must not cancel their refresh.
	go func() {
		defer func() {
			c.mu.Lock()
			c.inflight = nil
			c.mu.Unlock()
			close(done)
		}()
		ctx, cancel := context.WithTimeout(context.Background(), jwksFetchTimeout)
		defer cancel()
		set, err := c.fetch(ctx)
		if err != nil {
			if c.onError != nil {
				c.onError(err)
			}
			return // the old keys keep serving
		}
		set.carryOver(c.set.Load())
		c.set.Store(set)
	}()
	return done
}

// checkJWKSRedirect follows a JWKS redirect only where the configured URL could have pointed:
// https, or http on loopback. A downgrade to http would let anyone on the path serve keys.
func checkJWKSRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("auth: jwks: too many redirects")
	}
	if checkJWKSURL(req.URL.String()) != nil {
		return errors.New("auth: jwks: redirected to a URL that is not https")
	}
	return nil
}

// Prefetch loads the keys now (at start, so the first request does not wait). A failure is not
// fatal: the next token retries after minInterval.
func (c *jwksCache) Prefetch(ctx context.Context) error {
	set, err := c.refresh(ctx)
	if err != nil {
		return err
	}
	if set == nil {
		return errJWKSUnavailable
	}
	return nil
}

// fetch GETs and parses the JWKS. Errors name the status or the parse failure, never a key.
func (c *jwksCache) fetch(ctx context.Context) (*keySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, fmt.Errorf("auth: jwks request: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("auth: jwks fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("auth: jwks fetch: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("auth: jwks read: %w", err)
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("auth: jwks larger than %d bytes", maxJWKSBytes)
	}
	return parseKeySet(body, c.now())
}

// parseKeySet keeps the asymmetric signing keys of a JWKS and drops the rest (symmetric keys,
// encryption keys, RSA keys under 2048 bits, curves without a JWS algorithm). A JWKS without a
// single usable key is an error, so a broken deployment of the issuer does not wipe good keys.
func parseKeySet(body []byte, now time.Time) (*keySet, error) {
	set, err := jwk.Parse(body, jwk.WithIgnoreParseError(true))
	if err != nil {
		return nil, fmt.Errorf("auth: jwks parse: %w", err)
	}
	ks := &keySet{byKID: make(map[string]*verificationKey), fetched: now}
	for i := range set.Len() {
		key, _ := set.Key(i)
		vk := usableKey(key)
		if vk == nil {
			continue
		}
		if vk.kid != "" {
			if _, dup := ks.byKID[vk.kid]; dup {
				// Two keys under one kid: which one a token means is ambiguous; use neither.
				ks.byKID[vk.kid] = nil
				continue
			}
			ks.byKID[vk.kid] = vk
		}
		ks.all = append(ks.all, vk)
	}
	for kid, k := range ks.byKID {
		if k == nil {
			delete(ks.byKID, kid)
			ks.all = slices.DeleteFunc(ks.all, func(v *verificationKey) bool { return v.kid == kid })
		}
	}
	if len(ks.all) == 0 {
		return nil, errors.New("auth: the jwks holds no usable signing key")
	}
	return ks, nil
}

// usableKey turns a JWK into a verification key, or nil when it may not verify JWS signatures.
func usableKey(key jwk.Key) *verificationKey {
	if use, ok := key.KeyUsage(); ok && use != "sig" {
		return nil
	}
	if ops, ok := key.KeyOps(); ok && !slices.Contains(ops, jwk.KeyOpVerify) {
		return nil
	}
	if key.KeyType() == jwa.OctetSeq() {
		return nil
	}
	pub, err := jwk.PublicKeyOf(key)
	if err != nil {
		return nil
	}
	var raw any
	if err := jwk.Export(pub, &raw); err != nil {
		return nil
	}
	algs := algorithmsFor(raw)
	if len(algs) == 0 {
		return nil
	}
	if a, ok := key.Algorithm(); ok {
		// The JWK pins its algorithm: only that one, and only if it suits the key.
		sa, isSig := a.(jwa.SignatureAlgorithm)
		if !isSig || !slices.Contains(algs, sa) {
			return nil
		}
		algs = []jwa.SignatureAlgorithm{sa}
	}
	kid, _ := key.KeyID()
	return &verificationKey{kid: kid, raw: raw, algs: algs}
}

// algorithmsFor lists the asymmetric JWS algorithms a raw public key may verify. HMAC and "none"
// are never among them, so a token can not turn a public key into an HMAC secret.
func algorithmsFor(raw any) []jwa.SignatureAlgorithm {
	switch k := raw.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return nil
		}
		return []jwa.SignatureAlgorithm{jwa.RS256(), jwa.RS384(), jwa.RS512(), jwa.PS256(), jwa.PS384(), jwa.PS512()}
	case *ecdsa.PublicKey:
		if k.Curve == nil {
			return nil
		}
		switch k.Curve.Params().Name {
		case "P-256":
			return []jwa.SignatureAlgorithm{jwa.ES256()}
		case "P-384":
			return []jwa.SignatureAlgorithm{jwa.ES384()}
		case "P-521":
			return []jwa.SignatureAlgorithm{jwa.ES512()}
		}
	case ed25519.PublicKey:
		return []jwa.SignatureAlgorithm{jwa.EdDSA(), jwa.EdDSAEd25519()}
	}
	return nil
}
