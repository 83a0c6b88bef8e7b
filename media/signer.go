package media

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Errors of Signer.Verify. The HTTP handler answers 403 to all three alike; they differ
// for logs and tests.
var (
	ErrURLMalformed = errors.New("media url: malformed")
	ErrURLForged    = errors.New("media url: bad signature")
	ErrURLExpired   = errors.New("media url: expired")
)

// mediaExpiryStep rounds expiry times up, so that one item gets the same URL for a while:
// browsers and HTTP caches can reuse what they fetched, and responses carrying the URL stay
// identical between nearby requests.
const mediaExpiryStep = time.Minute

// Signer makes and checks the signed, expiring URLs under which gladgraph serves
// conversation media (call recordings) from Gladly: a browser cannot send gladgraph's Gladly
// credentials, so the URL itself is the capability. The MAC covers the tenant (Gladly host and
// API user), so a URL minted for one tenant does not open another's media under the same key.
type Signer struct {
	key    []byte
	tenant string
	base   string // PUBLIC_URL + "/media/"
	ttl    time.Duration
	now    func() time.Time
	// account, when set, is named in the URLs (?account=): /media finds the account's signer
	// and Gladly client by it. The MAC covers it through tenant.
	account string
}

// NewSigner returns a signer for tenant whose URLs start with publicURL and stay valid for
// at least ttl. key is the HMAC-SHA256 key (32 random bytes or more).
func NewSigner(key []byte, tenant, publicURL string, ttl time.Duration) *Signer {
	return &Signer{
		key:    append([]byte(nil), key...),
		tenant: tenant,
		base:   strings.TrimRight(publicURL, "/") + "/media/",
		ttl:    ttl,
		now:    time.Now,
	}
}

// WithClock returns a copy of s reading time from now (for tests).
func (s *Signer) WithClock(now func() time.Time) *Signer {
	cp := *s
	cp.now = now
	return &cp
}

// WithAccount returns a copy of s whose URLs name the linked account id (?account=).
func (s *Signer) WithAccount(id string) *Signer {
	cp := *s
	cp.account = id
	return &cp
}

// AccountParam is the query parameter naming the account in a media URL.
const AccountParam = "account"

// Sign returns the URL of itemID's media: <PUBLIC_URL>/media/<itemId>?exp=<unix>&sig=<base64url>.
func (s *Signer) Sign(itemID string) string {
	exp := s.now().Add(s.ttl + mediaExpiryStep - 1).Truncate(mediaExpiryStep).Unix()
	e := strconv.FormatInt(exp, 10)
	q := url.Values{"exp": {e}, "sig": {base64.RawURLEncoding.EncodeToString(s.mac(itemID, e))}}
	if s.account != "" {
		q.Set(AccountParam, s.account)
	}
	return s.base + url.PathEscape(itemID) + "?" + q.Encode()
}

// Verify checks the exp and sig query values of a media URL for itemID. The signature is
// checked (in constant time) before the expiry, so a forged URL is reported as forged whatever
// its exp says.
func (s *Signer) Verify(itemID, exp, sig string) error {
	if itemID == "" || exp == "" || sig == "" || len(exp) > 19 {
		return ErrURLMalformed
	}
	expAt, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || expAt <= 0 || strconv.FormatInt(expAt, 10) != exp {
		return ErrURLMalformed // only the canonical form was ever signed
	}
	// The decoder skips newlines and, unless strict, ignores padding bits: only the one
	// encoding Sign gives is a signature, so that a signed URL has no variants.
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || len(got) != sha256.Size || base64.RawURLEncoding.EncodeToString(got) != sig {
		return ErrURLMalformed
	}
	if !hmac.Equal(got, s.mac(itemID, exp)) {
		return ErrURLForged
	}
	if !s.now().Before(time.Unix(expAt, 0)) {
		return ErrURLExpired
	}
	return nil
}

// Expiry returns when a URL with this exp value stops working (zero when exp is not a number).
func (s *Signer) Expiry(exp string) time.Time {
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

func (s *Signer) mac(itemID, exp string) []byte {
	m := hmac.New(sha256.New, s.key)
	// Length-prefixed fields: no choice of tenant and item id can collide with another's.
	for _, f := range []string{"gladgraph-media-v1", s.tenant, itemID, exp} {
		m.Write([]byte(strconv.Itoa(len(f))))
		m.Write([]byte{':'})
		m.Write([]byte(f))
	}
	return m.Sum(nil)
}

type signerKey struct{}

// WithSigner returns ctx carrying the signer of the request's account: media URLs a resolver
// signs then open only that account's media.
func WithSigner(ctx context.Context, s *Signer) context.Context {
	return context.WithValue(ctx, signerKey{}, s)
}

// SignerFrom returns the signer WithSigner put in ctx, or nil.
func SignerFrom(ctx context.Context) *Signer {
	s, _ := ctx.Value(signerKey{}).(*Signer)
	return s
}
