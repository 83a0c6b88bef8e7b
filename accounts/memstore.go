package accounts

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gladgraph/gladgraph/auth"
)

// MemoryStore keeps accounts in process memory: the single `default` account of GLADLY_*, the
// demo's accounts, tests. Nothing is persisted, so there is nothing to encrypt and ReEncrypt
// has nothing to do; its changes reach only this process.
type MemoryStore struct {
	now func() time.Time

	mu       sync.Mutex
	accounts map[string]Account
	keys     map[string]APIKey
	version  int64

	w watchers
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns a store holding the given accounts (validated like Create's input).
func NewMemoryStore(initial ...NewAccount) (*MemoryStore, error) {
	s := &MemoryStore{now: time.Now, accounts: map[string]Account{}, keys: map[string]APIKey{}}
	for _, n := range initial {
		if _, err := s.Create(context.Background(), n); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *MemoryStore) emitLocked(c Change) {
	s.version++
	c.Version = s.version
	// Emit after unlocking would reorder changes between writers; watchers are quick.
	s.w.emit(c)
}

// Create links an account.
func (s *MemoryStore) Create(_ context.Context, n NewAccount) (Account, error) {
	n, err := n.Validate()
	if err != nil {
		return Account{}, err
	}
	a, err := newAccount(n, s.now())
	if err != nil {
		return Account{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[a.ID]; ok {
		return Account{}, ErrExists
	}
	s.accounts[a.ID] = a
	s.emitLocked(Change{Kind: AccountChanged, AccountID: a.ID})
	return a, nil
}

// Get returns one account.
func (s *MemoryStore) Get(_ context.Context, id string) (Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if !ok {
		return Account{}, ErrNotFound
	}
	return a, nil
}

// List returns every account by id, without secrets (as PGStore does).
func (s *MemoryStore) List(context.Context) ([]Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		out = append(out, a.withoutSecrets())
	}
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Update changes an account and returns it without secrets (as PGStore does).
func (s *MemoryStore) Update(_ context.Context, id string, u Update) (Account, error) {
	if err := u.Validate(); err != nil {
		return Account{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if !ok {
		return Account{}, ErrNotFound
	}
	a = u.apply(a, s.now().UTC().Truncate(time.Microsecond))
	s.accounts[id] = a
	s.emitLocked(Change{Kind: AccountChanged, AccountID: id})
	return a.withoutSecrets(), nil
}

// Delete unlinks an account and its keys.
func (s *MemoryStore) Delete(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[id]; !ok {
		return ErrNotFound
	}
	delete(s.accounts, id)
	for kid, k := range s.keys {
		if k.AccountID == id {
			delete(s.keys, kid)
		}
	}
	s.emitLocked(Change{Kind: AccountDeleted, AccountID: id})
	return nil
}

// IssueAPIKey makes a key for the account.
func (s *MemoryStore) IssueAPIKey(_ context.Context, accountID string, scopes []string, expiresAt time.Time) (IssuedKey, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	k, err := newIssuedKey(accountID, scopes, expiresAt, now)
	if err != nil {
		return IssuedKey{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[accountID]; !ok {
		return IssuedKey{}, ErrNotFound
	}
	s.keys[k.ID] = k.APIKey
	s.emitLocked(Change{Kind: KeyChanged, AccountID: accountID, KeyID: k.ID})
	return k, nil
}

// RevokeAPIKey marks a key of the account revoked.
func (s *MemoryStore) RevokeAPIKey(_ context.Context, accountID, keyID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[keyID]
	if !ok || k.AccountID != accountID {
		return ErrKeyNotFound
	}
	k.Revoked = true
	s.keys[keyID] = k
	s.emitLocked(Change{Kind: KeyChanged, AccountID: accountID, KeyID: keyID})
	return nil
}

// ListAPIKeys returns the account's keys, oldest first.
func (s *MemoryStore) ListAPIKeys(_ context.Context, accountID string) ([]APIKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[accountID]; !ok {
		return nil, ErrNotFound
	}
	var out []APIKey
	for _, k := range s.keys {
		if k.AccountID == accountID {
			out = append(out, k)
		}
	}
	sortKeys(out)
	return out, nil
}

// LookupAPIKey implements auth.KeyStore.
func (s *MemoryStore) LookupAPIKey(_ context.Context, keyID string) (auth.StoredKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[keyID]
	if !ok {
		return auth.StoredKey{}, auth.ErrKeyNotFound
	}
	return k.toStoredKey(), nil
}

// TouchAPIKey implements auth.KeyStore.
func (s *MemoryStore) TouchAPIKey(_ context.Context, keyID string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[keyID]; ok && at.After(k.LastUsedAt) {
		k.LastUsedAt = at.UTC()
		s.keys[keyID] = k
	}
}

// AccountStatus reports whether the account exists and is disabled.
func (s *MemoryStore) AccountStatus(_ context.Context, id string) (Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	return Status{Exists: ok, Disabled: ok && a.Disabled}, nil
}

// ReEncrypt has nothing to do: the memory store holds no ciphertext.
func (s *MemoryStore) ReEncrypt(context.Context) (int, error) { return 0, nil }

// Watch reports this store's changes.
func (s *MemoryStore) Watch(fn func(Change)) func() { return s.w.add(fn) }

// Close does nothing; the store needs no cleanup.
func (s *MemoryStore) Close() {}

func newIssuedKey(accountID string, scopes []string, expiresAt, now time.Time) (IssuedKey, error) {
	scopes, err := ValidateScopes(scopes)
	if err != nil {
		return IssuedKey{}, err
	}
	if err := validateExpiry(expiresAt, now); err != nil {
		return IssuedKey{}, err
	}
	key, keyID, hash, err := auth.NewAPIKey()
	if err != nil {
		return IssuedKey{}, errors.Join(errors.New("accounts: new api key"), err)
	}
	if !expiresAt.IsZero() {
		expiresAt = expiresAt.UTC().Truncate(time.Microsecond)
	}
	return IssuedKey{
		APIKey: APIKey{ID: keyID, AccountID: accountID, Hash: hash, Scopes: scopes, ExpiresAt: expiresAt, CreatedAt: now},
		Key:    key,
	}, nil
}

func sortKeys(ks []APIKey) {
	slices.SortFunc(ks, func(a, b APIKey) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
