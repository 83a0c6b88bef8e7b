package auth

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Mode is AUTH_MODE (DESIGN.md §8).
type Mode string

const (
	// ModeRequired refuses requests without credentials.
	ModeRequired Mode = "required"
	// ModeNone serves callers without credentials as DefaultAccount with every Gladly scope, for a
	// deployment whose gateway already authenticates.
	ModeNone Mode = "none"
	// ModeDemo is the demo: anonymous callers get the demo account, and the demo's API keys
	// switch to the other account.
	ModeDemo Mode = "demo"
)

// The environment variables Config is read from (DESIGN.md §8; the names are fixed).
const (
	EnvMode         = "AUTH_MODE"
	EnvJWKSURL      = "AUTH_JWKS_URL"
	EnvIssuer       = "AUTH_ISSUER"
	EnvAudience     = "AUTH_AUDIENCE"
	EnvAccountClaim = "AUTH_ACCOUNT_CLAIM"
	EnvRouterSecret = "ROUTER_SECRET"
	EnvAdminAPIKey  = "ADMIN_API_KEY"
)

// Defaults of Config.
const (
	DefaultAccountClaim = "gladly_account"
	DefaultLeeway       = 60 * time.Second
	// MaxLeeway bounds the clock skew allowed on exp, nbf and iat (DESIGN.md §8: ≤ 60 s).
	MaxLeeway = 60 * time.Second
)

// Shortest secrets Validate accepts: ADMIN_API_KEY opens the whole admin API, ROUTER_SECRET the
// entity resolver; both are compared in constant time, but a short one can be guessed.
const (
	minAdminAPIKeyLen  = 32
	minRouterSecretLen = 16
)

// Named configuration errors; Validate wraps them with the variable at fault.
var (
	ErrMode                    = errors.New("auth: AUTH_MODE must be required, none or demo")
	ErrJWKSURL                 = errors.New("auth: AUTH_JWKS_URL is not an absolute URL")
	ErrJWKSURLInsecure         = errors.New("auth: AUTH_JWKS_URL must be https (plain http only for loopback hosts)")
	ErrJWTIncomplete           = errors.New("auth: AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE go together")
	ErrAccountClaim            = errors.New("auth: AUTH_ACCOUNT_CLAIM names a registered claim")
	ErrLeeway                  = errors.New("auth: leeway must be between 0 and 60 s")
	ErrDefaultAccount          = errors.New("auth: the default account id must be 1-64 of [A-Za-z0-9_-]")
	ErrAdminAPIKeyWeak         = errors.New("auth: ADMIN_API_KEY must be at least 32 characters")
	ErrRouterSecretWeak        = errors.New("auth: ROUTER_SECRET must be at least 16 characters")
	ErrNoneWithSeveralAccounts = errors.New("auth: AUTH_MODE=none serves a single account")
)

// Config is how callers are authenticated.
type Config struct {
	Mode Mode
	// JWKSURL, Issuer and Audience enable JWTs; all three or none.
	JWKSURL  string
	Issuer   string
	Audience string
	// AccountClaim names the JWT claim holding the linked account id.
	AccountClaim string
	// Leeway is the clock skew allowed on exp, nbf and iat.
	Leeway time.Duration
	// DefaultAccount is the account anonymous callers act on in ModeNone and ModeDemo.
	DefaultAccount string
	// AdminAPIKey, when set, opens the admin API to "Authorization: Bearer <AdminAPIKey>".
	AdminAPIKey string
	// RouterSecret, when set, is what Router-Authorization must carry for _service and _entities.
	RouterSecret string
}

// ConfigFromEnv reads the variables of DESIGN.md §8 through getenv (os.Getenv in the server,
// a map in tests). defaultMode applies when AUTH_MODE is unset: required whenever a real Gladly
// is configured, demo for the demo. The result still needs WithDefaults and Validate.
func ConfigFromEnv(getenv func(string) string, defaultMode Mode) Config {
	c := Config{
		Mode:         Mode(strings.TrimSpace(getenv(EnvMode))),
		JWKSURL:      strings.TrimSpace(getenv(EnvJWKSURL)),
		Issuer:       strings.TrimSpace(getenv(EnvIssuer)),
		Audience:     strings.TrimSpace(getenv(EnvAudience)),
		AccountClaim: strings.TrimSpace(getenv(EnvAccountClaim)),
		AdminAPIKey:  getenv(EnvAdminAPIKey),
		RouterSecret: getenv(EnvRouterSecret),
	}
	if c.Mode == "" {
		c.Mode = defaultMode
	}
	return c
}

// WithDefaults fills AccountClaim and Leeway when they are unset.
func (c Config) WithDefaults() Config {
	if c.AccountClaim == "" {
		c.AccountClaim = DefaultAccountClaim
	}
	if c.Leeway == 0 {
		c.Leeway = DefaultLeeway
	}
	return c
}

// JWTEnabled reports whether JWTs are accepted.
func (c Config) JWTEnabled() bool { return c.JWKSURL != "" }

// Validate reports every problem of c at once, each wrapping one of the named errors above.
// Messages name variables, never their secret values.
func (c Config) Validate() error {
	var errs []error
	switch c.Mode {
	case ModeRequired, ModeNone, ModeDemo:
	default:
		errs = append(errs, fmt.Errorf("%w (got %q)", ErrMode, c.Mode))
	}
	given := 0
	for _, v := range []string{c.JWKSURL, c.Issuer, c.Audience} {
		if v != "" {
			given++
		}
	}
	if given != 0 && given != 3 {
		errs = append(errs, fmt.Errorf("%w: set all three to accept JWTs, or none", ErrJWTIncomplete))
	}
	if c.JWKSURL != "" {
		if err := checkJWKSURL(c.JWKSURL); err != nil {
			errs = append(errs, err)
		}
	}
	if reservedClaims[c.AccountClaim] {
		errs = append(errs, fmt.Errorf("%w (%q)", ErrAccountClaim, c.AccountClaim))
	}
	if c.Leeway < 0 || c.Leeway > MaxLeeway {
		errs = append(errs, fmt.Errorf("%w (got %s)", ErrLeeway, c.Leeway))
	}
	if (c.Mode == ModeNone || c.Mode == ModeDemo) || c.DefaultAccount != "" {
		if !ValidAccountID(c.DefaultAccount) {
			errs = append(errs, fmt.Errorf("%w (AUTH_MODE=%s serves anonymous callers on it)", ErrDefaultAccount, c.Mode))
		}
	}
	if c.AdminAPIKey != "" && len(c.AdminAPIKey) < minAdminAPIKeyLen {
		errs = append(errs, ErrAdminAPIKeyWeak)
	}
	if c.RouterSecret != "" && len(c.RouterSecret) < minRouterSecretLen {
		errs = append(errs, ErrRouterSecretWeak)
	}
	return errors.Join(errs...)
}

// ValidateAccounts refuses AUTH_MODE=none over more than one linked account: without
// credentials nobody says which account a request is for.
func (c Config) ValidateAccounts(linked int) error {
	if c.Mode == ModeNone && linked > 1 {
		return fmt.Errorf("%w (%d accounts are linked; use AUTH_MODE=required)", ErrNoneWithSeveralAccounts, linked)
	}
	return nil
}

// reservedClaims are claims with a meaning of their own; an account id in one of them would be
// read with the wrong type or collide with validation. "sub" is allowed: an issuer may well
// mint one subject per account.
var reservedClaims = map[string]bool{
	"": true, "iss": true, "aud": true, "exp": true, "nbf": true, "iat": true, "jti": true,
	"scope": true, "scp": true,
}

func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return ErrJWKSURL
	}
	if u.User != nil {
		// Credentials in the URL would end up in errors and logs.
		return fmt.Errorf("%w: it must not carry user info", ErrJWKSURL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return ErrJWKSURLInsecure
	}
	return nil
}

// isLoopback is true for localhost and loopback addresses: the only places a JWKS may be
// fetched in the clear (tests, a sidecar).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ValidAccountID reports whether id is a linked account's id: 1–64 of [A-Za-z0-9_-]
// (DESIGN.md §8).
func ValidAccountID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
