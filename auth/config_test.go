package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	jwt := func(c *Config) {
		c.JWKSURL, c.Issuer, c.Audience = "https://id.example.com/.well-known/jwks.json", "https://id.example.com/", "gladgraph"
	}
	tests := []struct {
		name string
		edit func(*Config)
		want []error
	}{
		{name: "required, API keys only", edit: func(c *Config) {}},
		{name: "required with JWTs", edit: jwt},
		{name: "JWKS on loopback over http", edit: func(c *Config) { jwt(c); c.JWKSURL = "http://127.0.0.1:8080/jwks" }},
		{name: "JWKS on localhost over http", edit: func(c *Config) { jwt(c); c.JWKSURL = "http://localhost/jwks" }},
		{name: "JWKS on IPv6 loopback over http", edit: func(c *Config) { jwt(c); c.JWKSURL = "http://[::1]:9/jwks" }},
		{name: "demo", edit: func(c *Config) { c.Mode, c.DefaultAccount = ModeDemo, "demo" }},
		{name: "none", edit: func(c *Config) { c.Mode, c.DefaultAccount = ModeNone, "default" }},
		{name: "secrets long enough", edit: func(c *Config) {
			c.AdminAPIKey, c.RouterSecret = strings.Repeat("a", 32), strings.Repeat("r", 16)
		}},

		{name: "mode unset", edit: func(c *Config) { c.Mode = "" }, want: []error{ErrMode}},
		{name: "mode unknown", edit: func(c *Config) { c.Mode = "off" }, want: []error{ErrMode}},
		{name: "JWKS over http elsewhere", edit: func(c *Config) { jwt(c); c.JWKSURL = "http://id.example.com/jwks" }, want: []error{ErrJWKSURLInsecure}},
		{name: "JWKS over http on a look-alike host", edit: func(c *Config) { jwt(c); c.JWKSURL = "http://127.0.0.1.evil.example/jwks" }, want: []error{ErrJWKSURLInsecure}},
		{name: "JWKS relative", edit: func(c *Config) { jwt(c); c.JWKSURL = "/jwks" }, want: []error{ErrJWKSURL}},
		{name: "JWKS other scheme", edit: func(c *Config) { jwt(c); c.JWKSURL = "ftp://id.example.com/jwks" }, want: []error{ErrJWKSURL}},
		{name: "JWKS with credentials", edit: func(c *Config) { jwt(c); c.JWKSURL = "https://u:p@id.example.com/jwks" }, want: []error{ErrJWKSURL}},
		{name: "JWKS without issuer", edit: func(c *Config) { jwt(c); c.Issuer = "" }, want: []error{ErrJWTIncomplete}},
		{name: "audience alone", edit: func(c *Config) { c.Audience = "gladgraph" }, want: []error{ErrJWTIncomplete}},
		{name: "account claim registered", edit: func(c *Config) { c.AccountClaim = "aud" }, want: []error{ErrAccountClaim}},
		{name: "leeway too long", edit: func(c *Config) { c.Leeway = 5 * time.Minute }, want: []error{ErrLeeway}},
		{name: "none without default account", edit: func(c *Config) { c.Mode = ModeNone }, want: []error{ErrDefaultAccount}},
		{name: "demo with a bad default account", edit: func(c *Config) { c.Mode, c.DefaultAccount = ModeDemo, "a b" }, want: []error{ErrDefaultAccount}},
		{name: "short admin key", edit: func(c *Config) { c.AdminAPIKey = "s3cr3t-admin" }, want: []error{ErrAdminAPIKeyWeak}},
		{name: "short router secret", edit: func(c *Config) { c.RouterSecret = "s" }, want: []error{ErrRouterSecretWeak}},
		{name: "several at once", edit: func(c *Config) { c.Mode = "x"; c.Issuer = "i"; c.AdminAPIKey = "s3cr3t-short" }, want: []error{ErrMode, ErrJWTIncomplete, ErrAdminAPIKeyWeak}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := Config{Mode: ModeRequired}
			tc.edit(&c)
			err := c.WithDefaults().Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("Validate = %v, want %v among its errors", err, w)
				}
			}
			if c.AdminAPIKey != "" && strings.Contains(err.Error(), c.AdminAPIKey) {
				t.Errorf("the error quotes ADMIN_API_KEY")
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"AUTH_JWKS_URL": " https://id.example.com/jwks ", "AUTH_ISSUER": "https://id.example.com/",
		"AUTH_AUDIENCE": "gladgraph", "AUTH_ACCOUNT_CLAIM": "tenant",
		"ADMIN_API_KEY": strings.Repeat("k", 40), "ROUTER_SECRET": strings.Repeat("r", 20),
	}
	c := ConfigFromEnv(func(k string) string { return env[k] }, ModeRequired).WithDefaults()
	want := Config{
		Mode: ModeRequired, JWKSURL: "https://id.example.com/jwks", Issuer: "https://id.example.com/",
		Audience: "gladgraph", AccountClaim: "tenant", Leeway: DefaultLeeway,
		AdminAPIKey: strings.Repeat("k", 40), RouterSecret: strings.Repeat("r", 20),
	}
	if c != want {
		t.Fatalf("ConfigFromEnv = %+v, want %+v", c, want)
	}
	env["AUTH_MODE"] = "none"
	if c := ConfigFromEnv(func(k string) string { return env[k] }, ModeRequired); c.Mode != ModeNone {
		t.Fatalf("AUTH_MODE=none read as %q", c.Mode)
	}
	if c := (Config{}).WithDefaults(); c.AccountClaim != DefaultAccountClaim || c.Leeway != 60*time.Second {
		t.Fatalf("defaults %+v", c)
	}
}

func TestValidateAccounts(t *testing.T) {
	t.Parallel()
	if err := (Config{Mode: ModeNone}).ValidateAccounts(2); !errors.Is(err, ErrNoneWithSeveralAccounts) {
		t.Fatalf("none over 2 accounts: %v", err)
	}
	for _, c := range []struct {
		mode Mode
		n    int
	}{{ModeNone, 1}, {ModeRequired, 5}, {ModeDemo, 2}} {
		if err := (Config{Mode: c.mode}).ValidateAccounts(c.n); err != nil {
			t.Fatalf("%s over %d accounts: %v", c.mode, c.n, err)
		}
	}
}
