package accounts

import (
	"context"
	"time"

	"github.com/gladgraph/gladgraph/auth"
)

// Store keeps linked accounts and their API keys. Every write is all or nothing. It is an
// auth.KeyStore, so authentication looks API keys up in it directly.
type Store interface {
	auth.KeyStore

	// Create links an account; ErrExists when the id is taken. Webhook credentials and
	// timestamps are generated.
	Create(ctx context.Context, n NewAccount) (Account, error)
	// Get answers ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (Account, error)
	// List returns every account, ordered by id.
	List(ctx context.Context) ([]Account, error)
	Update(ctx context.Context, id string, u Update) (Account, error)
	// Delete unlinks an account and removes its API keys.
	Delete(ctx context.Context, id string) error

	// IssueAPIKey makes a key for the account; the returned Key is the only copy of the
	// secret. A zero expiresAt means the key does not expire.
	IssueAPIKey(ctx context.Context, accountID string, scopes []string, expiresAt time.Time) (IssuedKey, error)
	// RevokeAPIKey answers ErrKeyNotFound unless the key belongs to the account.
	RevokeAPIKey(ctx context.Context, accountID, keyID string) error
	ListAPIKeys(ctx context.Context, accountID string) ([]APIKey, error)

	// AccountStatus tells authentication whether the account a caller names may be used.
	AccountStatus(ctx context.Context, id string) (Status, error)
	// ReEncrypt seals every secret under the keyring's primary key and reports how many
	// secrets it rewrote.
	ReEncrypt(ctx context.Context) (int, error)

	// Watch calls fn for every change to an account or key made through any store on the same
	// backing data (every replica), until stop is called. Calls come one at a time from one
	// goroutine; fn must not block, call the store or call stop (it runs under the store's
	// lock, which is what keeps changes in order).
	Watch(fn func(Change)) (stop func())
	Close()
}

// ChangeKind says what changed.
type ChangeKind string

const (
	// AccountChanged: linked, or its token, rate limit or status changed.
	AccountChanged ChangeKind = "account"
	// AccountDeleted: unlinked (its keys are gone too).
	AccountDeleted ChangeKind = "deleted"
	// KeyChanged: an API key was issued or revoked.
	KeyChanged ChangeKind = "key"
)

// Change is one event of Watch.
type Change struct {
	Kind      ChangeKind `json:"k"`
	AccountID string     `json:"a"`
	KeyID     string     `json:"key,omitempty"`
	// Version orders changes of one record; watchers may see a change more than once.
	Version int64 `json:"v"`
}

// toStoredKey is the auth package's view of a key.
func (k APIKey) toStoredKey() auth.StoredKey {
	return auth.StoredKey{
		ID:        k.ID,
		AccountID: k.AccountID,
		Hash:      append([]byte(nil), k.Hash...),
		Scopes:    append([]string(nil), k.Scopes...),
		ExpiresAt: k.ExpiresAt,
		Revoked:   k.Revoked,
	}
}
