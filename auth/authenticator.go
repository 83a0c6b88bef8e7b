package auth

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/caller"
)

// maxAuthorizationLen bounds the Authorization header: real JWTs are a few KiB at most, and a
// bigger one is refused before any decoding.
const maxAuthorizationLen = 8 << 10

// touchInterval is how often a key's last use is written: "last used" needs minutes, not every
// request, and the store must not take a write per request.
const touchInterval = time.Minute

// touchTimeout bounds one TouchAPIKey call, which runs detached from the request.
const touchTimeout = 5 * time.Second

// Authenticator turns an Authorization header into a caller.Caller.
type Authenticator struct {
	cfg      Config
	accounts Accounts
	keys     KeyStore
	jwt      *jwtVerifier // nil when JWTs are not configured
	log      zerolog.Logger
	now      func() time.Time

	anonymous callerTemplate // zero in ModeRequired

	touchMu   sync.Mutex
	lastTouch map[string]time.Time
	touches   sync.WaitGroup
}

// Option tunes an Authenticator.
type Option func(*Authenticator, *options)

type options struct {
	httpClient *http.Client
}

// WithHTTPClient sets the client the JWKS is fetched with (default: a client with a 10 s
// timeout).
func WithHTTPClient(c *http.Client) Option {
	return func(_ *Authenticator, o *options) { o.httpClient = c }
}

// WithLogger sets where JWKS fetch failures are logged (default: nowhere). Entries carry the
// failure, never a token or key.
func WithLogger(l zerolog.Logger) Option {
	return func(a *Authenticator, _ *options) { a.log = l }
}

// New builds an Authenticator. cfg gets WithDefaults and must pass Validate. accounts is
// required; keys may be nil, and API keys are then refused.
func New(cfg Config, accounts Accounts, keys KeyStore, opts ...Option) (*Authenticator, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if accounts == nil {
		return nil, errors.New("auth: New needs an account directory")
	}
	a := &Authenticator{
		cfg:       cfg,
		accounts:  accounts,
		keys:      keys,
		log:       zerolog.Nop(),
		now:       time.Now,
		lastTouch: make(map[string]time.Time),
	}
	var o options
	for _, opt := range opts {
		opt(a, &o)
	}
	if cfg.JWTEnabled() {
		a.jwt = &jwtVerifier{
			keys: newJWKSCache(cfg.JWKSURL, o.httpClient, func(err error) {
				a.log.Warn().Err(err).Msg("auth: fetching the JWKS failed; the keys already held keep serving")
			}),
			issuer:       cfg.Issuer,
			audience:     cfg.Audience,
			accountClaim: cfg.AccountClaim,
			leeway:       cfg.Leeway,
			verified:     newVerifiedTokens(),
			now:          time.Now,
		}
	}
	if cfg.Mode != ModeRequired {
		a.anonymous = callerTemplate{&caller.Caller{
			Kind:      caller.KindAnonymous,
			Subject:   "anonymous",
			AccountID: cfg.DefaultAccount,
			Scopes:    caller.NewScopes(caller.GladlyScopes...),
		}}
	}
	return a, nil
}

// Config is the configuration in force (defaults filled in).
func (a *Authenticator) Config() Config { return a.cfg }

// Prefetch loads the JWKS so the first request does not wait for it. Call it at start and log a
// failure without stopping: tokens retry the fetch, spaced, until the issuer answers.
func (a *Authenticator) Prefetch(ctx context.Context) error {
	if a.jwt == nil {
		return nil
	}
	return a.jwt.keys.Prefetch(ctx)
}

// Wait waits for the last-use writes (KeyStore.TouchAPIKey) in flight; call it at shutdown,
// after the server stopped taking requests and before the store is closed.
func (a *Authenticator) Wait() { a.touches.Wait() }

// Authenticate verifies the value of an Authorization header ("" when absent) and answers the
// caller, or an *Error: 401 for missing or bad credentials, 403 for good credentials naming an
// account that does not exist or is disabled, 503 when the credentials could not be checked.
//
// Without a header, ModeDemo answers an anonymous caller on DefaultAccount with every Gladly
// scope, and a header given is verified (the demo's API keys switch accounts). ModeNone answers
// that caller whatever the header says: the gateway in front authenticated the request, and the
// Authorization it forwards (Apollo Router propagates the client's) is not gladgraph's to judge.
func (a *Authenticator) Authenticate(ctx context.Context, authorization string) (*caller.Caller, error) {
	c, err := a.authenticate(ctx, authorization)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (a *Authenticator) authenticate(ctx context.Context, authorization string) (*caller.Caller, *Error) {
	if authorization == "" || a.cfg.Mode == ModeNone {
		if a.anonymous.c == nil {
			return nil, errNoCredentials
		}
		if err := checkAccount(ctx, a.accounts, a.anonymous.c.AccountID); err != nil {
			return nil, err
		}
		return a.anonymous.clone(), nil
	}
	token, err := bearerToken(authorization)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(token, apiKeyPrefix) {
		return a.apiKey(ctx, token)
	}
	if a.jwt == nil {
		return nil, unauthenticated("the bearer token is not a gladgraph API key, and JWTs are not configured (AUTH_JWKS_URL)")
	}
	claims, err := a.jwt.verify(ctx, token)
	if err != nil {
		return nil, err
	}
	if !claims.hasAccount {
		return nil, forbidden(fmt.Sprintf("the token names no account (claim %q)", a.cfg.AccountClaim))
	}
	if err := checkAccount(ctx, a.accounts, claims.account); err != nil {
		return nil, err
	}
	return &caller.Caller{Kind: caller.KindJWT, Subject: claims.subject, AccountID: claims.account, Scopes: claims.scopes}, nil
}

// bearerToken reads "Bearer <token>" (RFC 6750 §2.1): the scheme in any case, one space, and a
// b64token. Anything else is refused, without quoting the header back.
func bearerToken(h string) (string, *Error) {
	if len(h) > maxAuthorizationLen {
		return "", unauthenticated(fmt.Sprintf("the Authorization header is longer than %d bytes", maxAuthorizationLen))
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", unauthenticated(`the Authorization header must be "Bearer <token>"`)
	}
	if !isB64Token(token) {
		return "", unauthenticated(`the Authorization header must be "Bearer <token>" with a single token`)
	}
	return token, nil
}

// isB64Token is RFC 6750's b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
			break
		}
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// callerTemplate is a fixed caller handed out as copies, so no request can change another's
// scopes.
type callerTemplate struct{ c *caller.Caller }

func (t callerTemplate) clone() *caller.Caller {
	c := *t.c
	c.Scopes = maps.Clone(t.c.Scopes)
	return &c
}
