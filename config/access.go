package config

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/auth"
)

// Access and linked-account settings (DESIGN.md §8; the names are fixed), and MCP's (§9).
var accessSettings = []setting{
	{env: auth.EnvMode, def: "required with a real Gladly, demo for the demo", usage: "required (every request carries a JWT or API key) or none (one account, every scope, for a gateway that already authenticates)", set: func(c *Config, v string) error {
		switch auth.Mode(v) {
		case auth.ModeRequired, auth.ModeNone:
			c.Auth.Mode = auth.Mode(v)
			return nil
		}
		return errors.New("must be required or none")
	}},
	{env: auth.EnvJWKSURL, usage: "JWKS URL of the JWT issuer (https; http only for loopback)", set: func(c *Config, v string) error {
		c.Auth.JWKSURL = v
		return nil
	}},
	{env: auth.EnvIssuer, usage: "expected iss of JWTs", set: func(c *Config, v string) error {
		c.Auth.Issuer = v
		return nil
	}},
	{env: auth.EnvAudience, usage: "expected aud of JWTs", set: func(c *Config, v string) error {
		c.Auth.Audience = v
		return nil
	}},
	{env: auth.EnvAccountClaim, def: auth.DefaultAccountClaim, usage: "JWT claim naming the linked account", set: func(c *Config, v string) error {
		c.Auth.AccountClaim = v
		return nil
	}},
	{env: auth.EnvRouterSecret, secret: true, usage: "when set, _service and _entities answer only requests with Router-Authorization: <secret> (16 characters or more)", set: func(c *Config, v string) error {
		c.Auth.RouterSecret = v
		return nil
	}},
	{env: auth.EnvAdminAPIKey, secret: true, usage: "bearer key opening the admin API (/admin/accounts; 32 characters or more)", set: func(c *Config, v string) error {
		c.Auth.AdminAPIKey = v
		return nil
	}},
	{env: "DATABASE_URL", secret: true, usage: "PostgreSQL of the linked accounts (unset: the one account from GLADLY_*, or the demo's)", set: func(c *Config, v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return errors.New("must be a postgres:// URL")
		}
		c.DatabaseURL = v
		return nil
	}},
	{env: "ACCOUNTS_ENCRYPTION_KEYS", secret: true, usage: "kid:base64key,… (32-byte AES keys) encrypting the accounts' secrets; the first encrypts, all decrypt", set: func(c *Config, v string) error {
		if _, err := accounts.ParseKeyring(v); err != nil {
			return err
		}
		c.AccountsKeys = v
		return nil
	}},
	{env: "MCP_ALLOW_ARBITRARY_OPERATIONS", def: "false", usage: "offer the execute_graphql MCP tool (any operation, still under the caller's scopes)", set: func(c *Config, v string) error {
		b, err := parseBool(v)
		c.MCPAllowArbitraryOperations = b
		return err
	}},
	{env: "MCP_ALLOWED_ORIGINS", usage: "comma-separated Origins allowed to call /mcp from a browser (others are refused: DNS rebinding)", set: func(c *Config, v string) error {
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
					return errors.New("must be origins like https://app.example.com, comma-separated")
				}
				c.MCPAllowedOrigins = append(c.MCPAllowedOrigins, o)
			}
		}
		return nil
	}},
}

func init() { settings = append(settings, accessSettings...) }

// checkAccess reports the problems of the access settings as a whole.
func checkAccess(c *Config, raw map[string]string, problem func(env, msg string)) {
	if c.Auth.Mode == "" {
		c.Auth.Mode = auth.ModeRequired
		if c.Demo() {
			c.Auth.Mode = auth.ModeDemo
		}
	}
	switch {
	case c.DatabaseURL != "" && c.AccountsKeys == "":
		problem("ACCOUNTS_ENCRYPTION_KEYS", "required with DATABASE_URL: the accounts' Gladly tokens are stored encrypted")
	case c.DatabaseURL != "" && raw["GLADLY_BASE_URL"] != "":
		problem("GLADLY_BASE_URL", "not with DATABASE_URL: link accounts through the admin API or `gladgraph accounts link` instead")
	case c.DatabaseURL != "" && c.Auth.Mode == auth.ModeNone:
		problem(auth.EnvMode, "none serves a single account; with DATABASE_URL use required")
	}
	a := c.Auth
	a.DefaultAccount = c.DefaultAccount()
	if err := a.WithDefaults().Validate(); err != nil {
		for _, e := range unjoin(err) {
			problem(envOfAuthError(e), strings.TrimPrefix(e.Error(), "auth: "))
		}
	}
}

// DefaultAccount is the account anonymous callers act on: "demo" in the demo, "default" for
// the one account of GLADLY_*, none with DATABASE_URL.
func (c *Config) DefaultAccount() string {
	switch {
	case c.DatabaseURL != "":
		return ""
	case c.Demo():
		return "demo"
	}
	return "default"
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func envOfAuthError(err error) string {
	switch {
	case errors.Is(err, auth.ErrJWKSURL), errors.Is(err, auth.ErrJWKSURLInsecure), errors.Is(err, auth.ErrJWTIncomplete):
		return auth.EnvJWKSURL
	case errors.Is(err, auth.ErrAccountClaim):
		return auth.EnvAccountClaim
	case errors.Is(err, auth.ErrAdminAPIKeyWeak):
		return auth.EnvAdminAPIKey
	case errors.Is(err, auth.ErrRouterSecretWeak):
		return auth.EnvRouterSecret
	}
	return auth.EnvMode
}
