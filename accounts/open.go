package accounts

import (
	"context"
	"errors"
)

// Open returns the store the environment asks for: PostgreSQL when DATABASE_URL is set (then
// ACCOUNTS_ENCRYPTION_KEYS is required), otherwise a MemoryStore holding fallback (the
// `default` account of GLADLY_*, or the demo's accounts). A malformed ACCOUNTS_ENCRYPTION_KEYS
// is refused even without DATABASE_URL, so a typo is caught before it matters.
func Open(ctx context.Context, getenv func(string) string, fallback []NewAccount, opts ...PGOption) (Store, error) {
	keys := getenv("ACCOUNTS_ENCRYPTION_KEYS")
	var kr *Keyring
	if keys != "" {
		var err error
		if kr, err = ParseKeyring(keys); err != nil {
			return nil, err
		}
	}
	url := getenv("DATABASE_URL")
	if url == "" {
		return NewMemoryStore(fallback...)
	}
	if kr == nil {
		return nil, errors.New("ACCOUNTS_ENCRYPTION_KEYS must be set with DATABASE_URL: linked accounts' secrets are stored encrypted")
	}
	return OpenPostgres(ctx, url, kr, opts...)
}
