package accounts

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly"
)

// Limits of an account's fields.
const (
	// DefaultRateLimit is Gladly's documented limit per organization (requests per second).
	DefaultRateLimit = gladly.DefaultRequestsPerSecond
	// MaxRateLimit bounds what an operator may set: far above what Gladly grants anyone, low
	// enough that a typo (10000) is caught.
	MaxRateLimit = 1000
	maxFieldLen  = 2048
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Account is one Gladly organization gladgraph may call, with the API user it calls as.
type Account struct {
	ID            string
	GladlyBaseURL string
	Username      string
	// APIToken is the Gladly API token (a secret).
	APIToken string
	// WebhookUsername and WebhookPassword (a secret, generated at link time) are what Gladly
	// sends on /webhooks/gladly/{accountId}.
	WebhookUsername string
	WebhookPassword string
	// RateLimit is the requests per second gladgraph allows itself toward this organization.
	RateLimit float64
	Disabled  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// String never shows the secrets, so an Account printed by mistake leaks nothing.
func (a Account) String() string {
	return fmt.Sprintf("account %s (%s as %s)", a.ID, a.GladlyBaseURL, a.Username)
}

// NewAccount is what linking an account takes; the store generates the rest.
type NewAccount struct {
	ID            string
	GladlyBaseURL string
	Username      string
	APIToken      string
	// RateLimit zero means DefaultRateLimit.
	RateLimit float64
}

// Update changes an account; nil fields stay as they are.
type Update struct {
	APIToken  *string
	RateLimit *float64
	Disabled  *bool
}

// Status is what authentication needs to know about the account a caller names.
type Status struct {
	Exists   bool
	Disabled bool
}

// APIKey is an issued API key as stored: never the secret.
type APIKey struct {
	ID        string
	AccountID string
	Hash      []byte
	Scopes    []string
	// ExpiresAt and LastUsedAt are zero when unset.
	ExpiresAt  time.Time
	CreatedAt  time.Time
	LastUsedAt time.Time
	Revoked    bool
}

// IssuedKey is a freshly issued API key: Key is shown once and never stored.
type IssuedKey struct {
	APIKey
	Key string
}

// Errors a store answers; check them with errors.Is.
var (
	ErrNotFound       = errors.New("accounts: account not found")
	ErrKeyNotFound    = errors.New("accounts: api key not found")
	ErrExists         = errors.New("accounts: account already exists")
	ErrNoKeys         = errors.New("accounts: ACCOUNTS_ENCRYPTION_KEYS is empty")
	ErrDisabled       = errors.New("accounts: account is disabled")
	errNothingChanged = errors.New("accounts: the update changes nothing")
)

// ValidationError names the field at fault and why. Messages never carry a secret's value.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return "accounts: " + e.Field + ": " + e.Message }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ValidateID checks an account id: 1–64 of [A-Za-z0-9_-].
func ValidateID(id string) error {
	if !idPattern.MatchString(id) {
		return invalid("id", "must be 1 to 64 of A-Z, a-z, 0-9, '_' and '-'")
	}
	return nil
}

// NormalizeBaseURL turns what an operator typed (org slug, host or URL) into scheme://host and
// refuses plain http:// except toward loopback hosts (a fake or a tunnel on this machine):
// anything else would send the API token in clear.
func NormalizeBaseURL(base string) (string, error) {
	u, err := gladly.ParseBaseURL(base)
	if err != nil {
		return "", invalid("gladlyBaseUrl", "%v", strings.TrimPrefix(err.Error(), "gladly: "))
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", invalid("gladlyBaseUrl", "plain http:// is only allowed for loopback hosts; use https://")
		}
	default:
		return "", invalid("gladlyBaseUrl", "scheme %q is not https", u.Scheme)
	}
	return u.String(), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Validate checks a new account and returns it normalized (base URL as scheme://host, default
// rate limit), so callers can refuse bad input before asking Gladly.
func (n NewAccount) Validate() (NewAccount, error) {
	if err := ValidateID(n.ID); err != nil {
		return n, err
	}
	base, err := NormalizeBaseURL(n.GladlyBaseURL)
	if err != nil {
		return n, err
	}
	n.GladlyBaseURL = base
	n.Username = strings.TrimSpace(n.Username)
	if n.Username == "" || len(n.Username) > maxFieldLen {
		return n, invalid("username", "must be the Gladly API user's email address")
	}
	if err := validateToken(n.APIToken); err != nil {
		return n, err
	}
	if n.RateLimit == 0 {
		n.RateLimit = DefaultRateLimit
	}
	if err := validateRateLimit(n.RateLimit); err != nil {
		return n, err
	}
	return n, nil
}

func validateToken(t string) error {
	if strings.TrimSpace(t) == "" {
		return invalid("apiToken", "must not be empty")
	}
	if len(t) > maxFieldLen {
		return invalid("apiToken", "is longer than %d bytes", maxFieldLen)
	}
	if strings.ContainsAny(t, "\r\n") {
		return invalid("apiToken", "must be one line")
	}
	return nil
}

func validateRateLimit(r float64) error {
	if !(r > 0 && r <= MaxRateLimit) { // also refuses NaN
		return invalid("rateLimit", "must be above 0 and at most %d requests per second", MaxRateLimit)
	}
	return nil
}

// Validate checks an update before anything is asked of Gladly or the store.
func (u Update) Validate() error {
	if u.APIToken == nil && u.RateLimit == nil && u.Disabled == nil {
		return invalid("update", "%v", strings.TrimPrefix(errNothingChanged.Error(), "accounts: "))
	}
	if u.APIToken != nil {
		if err := validateToken(*u.APIToken); err != nil {
			return err
		}
	}
	if u.RateLimit != nil {
		return validateRateLimit(*u.RateLimit)
	}
	return nil
}

// apply changes a copy of a.
func (u Update) apply(a Account, now time.Time) Account {
	if u.APIToken != nil {
		a.APIToken = *u.APIToken
	}
	if u.RateLimit != nil {
		a.RateLimit = *u.RateLimit
	}
	if u.Disabled != nil {
		a.Disabled = *u.Disabled
	}
	a.UpdatedAt = now
	return a
}

// ValidateScopes checks an API key's scopes: at least one, each known, none twice, and never
// accounts:admin (the admin API is for operators, not for keys handed to integrations). It
// returns them sorted.
func ValidateScopes(scopes []string) ([]string, error) {
	if len(scopes) == 0 {
		return nil, invalid("scopes", "at least one scope is needed")
	}
	out := make([]string, 0, len(scopes))
	for _, s := range scopes {
		switch {
		case s == caller.AccountsAdmin:
			return nil, invalid("scopes", "%s is never granted to an API key", caller.AccountsAdmin)
		case !caller.Known(s):
			return nil, invalid("scopes", "unknown scope %q", s)
		case slices.Contains(out, s):
			return nil, invalid("scopes", "scope %q is listed twice", s)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out, nil
}

func validateExpiry(expiresAt, now time.Time) error {
	if !expiresAt.IsZero() && !expiresAt.After(now) {
		return invalid("expiresAt", "is not in the future")
	}
	return nil
}

// newAccount builds the stored account from a validated NewAccount.
func newAccount(n NewAccount, now time.Time) (Account, error) {
	pw := make([]byte, 32)
	if _, err := rand.Read(pw); err != nil {
		return Account{}, fmt.Errorf("accounts: webhook password: %w", err)
	}
	now = now.UTC().Truncate(time.Microsecond) // PostgreSQL's precision, so both stores agree
	return Account{
		ID:              n.ID,
		GladlyBaseURL:   n.GladlyBaseURL,
		Username:        n.Username,
		APIToken:        n.APIToken,
		WebhookUsername: "gladgraph-" + n.ID,
		WebhookPassword: base64.RawURLEncoding.EncodeToString(pw),
		RateLimit:       n.RateLimit,
		CreatedAt:       now,
		UpdatedAt:       now,
	}, nil
}

// withoutSecrets is what List and Update answer: nothing that lists or edits accounts needs the
// secrets, and PGStore need not decrypt to answer.
func (a Account) withoutSecrets() Account {
	a.APIToken, a.WebhookPassword = "", ""
	return a
}

var errRegistryClosed = errors.New("accounts: registry closed")
