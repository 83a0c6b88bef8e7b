package admin

import (
	"time"

	"github.com/gladgraph/gladgraph/accounts"
)

// accountView is an account as the API shows it: never a secret.
type accountView struct {
	ID              string    `json:"id"`
	GladlyBaseURL   string    `json:"gladlyBaseUrl"`
	Username        string    `json:"username"`
	WebhookUsername string    `json:"webhookUsername"`
	RateLimit       float64   `json:"rateLimit"`
	Disabled        bool      `json:"disabled"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

func viewAccount(a accounts.Account) accountView {
	return accountView{
		ID: a.ID, GladlyBaseURL: a.GladlyBaseURL, Username: a.Username, WebhookUsername: a.WebhookUsername,
		RateLimit: a.RateLimit, Disabled: a.Disabled, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
}

// keyView is an API key as listed: its id and use, never the secret or its hash.
type keyView struct {
	ID         string     `json:"id"`
	AccountID  string     `json:"accountId"`
	Scopes     []string   `json:"scopes"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
	Revoked    bool       `json:"revoked"`
}

func viewKey(k accounts.APIKey) keyView {
	return keyView{
		ID: k.ID, AccountID: k.AccountID, Scopes: k.Scopes, ExpiresAt: timePtr(k.ExpiresAt),
		CreatedAt: k.CreatedAt, LastUsedAt: timePtr(k.LastUsedAt), Revoked: k.Revoked,
	}
}

// issuedView is the answer to issuing a key: the only time the key is shown.
type issuedView struct {
	ID        string     `json:"id"`
	Key       string     `json:"key"`
	Scopes    []string   `json:"scopes"`
	ExpiresAt *time.Time `json:"expiresAt"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

type createRequest struct {
	ID            string   `json:"id"`
	GladlyBaseURL string   `json:"gladlyBaseUrl"`
	Username      string   `json:"username"`
	APIToken      string   `json:"apiToken"`
	RateLimit     *float64 `json:"rateLimit"`
}

type updateRequest struct {
	APIToken  *string  `json:"apiToken"`
	RateLimit *float64 `json:"rateLimit"`
	Disabled  *bool    `json:"disabled"`
}

type issueRequest struct {
	Scopes    []string   `json:"scopes"`
	ExpiresAt *time.Time `json:"expiresAt"`
}
