package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/auth"
)

// notifyChannel carries Change values as JSON between replicas.
const notifyChannel = "gladgraph_accounts"

// DefaultRecheckInterval bounds how late a change reaches a replica whose LISTEN connection
// missed it (dropped, reconnecting): with a 2 s period a change is seen within 2 s plus one
// query even without NOTIFY, inside the 5 s DESIGN.md §8 allows.
const DefaultRecheckInterval = 2 * time.Second

// touchEvery throttles last-use writes: one UPDATE per key per minute is enough to tell a key
// in use from a forgotten one, and keeps authentication from writing on every request.
const touchEvery = time.Minute

// PGStore keeps accounts in PostgreSQL with their secrets sealed under a Keyring.
type PGStore struct {
	pool    *pgxpool.Pool
	connCfg *pgx.ConnConfig // for the LISTEN connection
	kr      *Keyring
	now     func() time.Time
	log     zerolog.Logger
	recheck time.Duration
	// noListen leaves the re-check as the only way changes arrive (tests measure that path).
	noListen bool

	w    watchers
	seen seen

	touchMu sync.Mutex
	touched map[string]time.Time

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

var _ Store = (*PGStore)(nil)

// PGOption configures OpenPostgres.
type PGOption func(*PGStore)

// WithRecheckInterval sets the period of the fallback re-check (default 2 s).
func WithRecheckInterval(d time.Duration) PGOption { return func(s *PGStore) { s.recheck = d } }

// WithLogger sets where listener and re-check failures are logged.
func WithLogger(l zerolog.Logger) PGOption { return func(s *PGStore) { s.log = l } }

// OpenPostgres connects to databaseURL, applies the embedded migrations (safe with several
// replicas starting at once) and starts following changes made by any replica.
func OpenPostgres(ctx context.Context, databaseURL string, kr *Keyring, opts ...PGOption) (*PGStore, error) {
	if kr == nil {
		return nil, ErrNoKeys
	}
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// pgx's parse errors can quote the URL, password included.
		return nil, errors.New("accounts: DATABASE_URL is not a valid PostgreSQL connection string")
	}
	connCfg := cfg.ConnConfig.Copy()
	connCfg.RuntimeParams["application_name"] = "gladgraph-accounts-listener"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("accounts: connect: %w", err)
	}
	s := &PGStore{
		pool: pool, connCfg: connCfg, kr: kr, now: time.Now, log: zerolog.Nop(),
		recheck: DefaultRecheckInterval, touched: map[string]time.Time{},
	}
	for _, o := range opts {
		o(s)
	}
	if err := Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	if err := s.loadSeen(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	s.wg.Add(1)
	go s.recheckLoop(bg)
	if !s.noListen {
		s.wg.Add(1)
		go s.listen(bg)
	}
	return s, nil
}

// Close stops following changes and closes the pool.
func (s *PGStore) Close() {
	s.cancel()
	s.wg.Wait()
	s.pool.Close()
}

// Pool is the store's connection pool (health checks may ping it).
func (s *PGStore) Pool() *pgxpool.Pool { return s.pool }

// Watch reports changes made through any store on this database.
func (s *PGStore) Watch(fn func(Change)) func() { return s.w.add(fn) }

func (s *PGStore) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// inTx runs fn in a transaction and, once it committed, publishes the change it made: NOTIFY
// is sent by the transaction itself, so other replicas hear of it only if it committed.
func (s *PGStore) inTx(ctx context.Context, fn func(pgx.Tx) (Change, error)) error {
	var c Change
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if c, err = fn(tx); err != nil {
			return err
		}
		payload, err := json.Marshal(c)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "SELECT pg_notify($1, $2)", notifyChannel, string(payload))
		return err
	})
	if err != nil {
		return err
	}
	s.observe(c)
	return nil
}

// Create links an account.
func (s *PGStore) Create(ctx context.Context, n NewAccount) (Account, error) {
	n, err := n.Validate()
	if err != nil {
		return Account{}, err
	}
	a, err := newAccount(n, s.stamp())
	if err != nil {
		return Account{}, err
	}
	tok, err := s.kr.Seal(a.ID, a.APIToken)
	if err != nil {
		return Account{}, err
	}
	pw, err := s.kr.Seal(a.ID, a.WebhookPassword)
	if err != nil {
		return Account{}, err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) (Change, error) {
		var v int64
		err := tx.QueryRow(ctx, `INSERT INTO accounts (id, gladly_base_url, username, api_token,
			webhook_username, webhook_password, rate_limit, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8, $8)
			ON CONFLICT (id) DO NOTHING RETURNING version`,
			a.ID, a.GladlyBaseURL, a.Username, tok, a.WebhookUsername, pw, a.RateLimit, a.CreatedAt).Scan(&v)
		if errors.Is(err, pgx.ErrNoRows) {
			return Change{}, ErrExists
		}
		return Change{Kind: AccountChanged, AccountID: a.ID, Version: v}, err
	})
	if err != nil {
		return Account{}, wrapDB("create", err)
	}
	return a, nil
}

const accountColumns = `id, gladly_base_url, username, api_token, webhook_username, webhook_password,
	rate_limit, disabled, created_at, updated_at, version`

type accountRow struct {
	a       Account
	tok, pw []byte
	version int64
}

func scanAccount(row pgx.Row) (accountRow, error) {
	var r accountRow
	err := row.Scan(&r.a.ID, &r.a.GladlyBaseURL, &r.a.Username, &r.tok, &r.a.WebhookUsername, &r.pw,
		&r.a.RateLimit, &r.a.Disabled, &r.a.CreatedAt, &r.a.UpdatedAt, &r.version)
	r.a.CreatedAt, r.a.UpdatedAt = r.a.CreatedAt.UTC(), r.a.UpdatedAt.UTC()
	return r, err
}

// Get returns one account with its secrets decrypted. A secret sealed under a key the keyring
// no longer holds fails with *UnknownKeyError naming that key id.
func (s *PGStore) Get(ctx context.Context, id string) (Account, error) {
	r, err := scanAccount(s.pool.QueryRow(ctx, "SELECT "+accountColumns+" FROM accounts WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, ErrNotFound
	}
	if err != nil {
		return Account{}, wrapDB("get", err)
	}
	// Whoever reads an account may build on it: the re-check must know it, to report its
	// deletion even if NOTIFY was missed.
	s.seen.note(id, r.version)
	if r.a.APIToken, err = s.kr.Open(id, r.tok); err != nil {
		return Account{}, fmt.Errorf("accounts: account %s: api token: %w", id, err)
	}
	if r.a.WebhookPassword, err = s.kr.Open(id, r.pw); err != nil {
		return Account{}, fmt.Errorf("accounts: account %s: webhook password: %w", id, err)
	}
	return r.a, nil
}

// List returns every account by id, without secrets: listing must work even while a secret
// cannot be decrypted (a key removed too early), and nothing listing accounts needs them.
func (s *PGStore) List(ctx context.Context) ([]Account, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+accountColumns+" FROM accounts ORDER BY id")
	if err != nil {
		return nil, wrapDB("list", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		r, err := scanAccount(rows)
		if err != nil {
			return nil, wrapDB("list", err)
		}
		out = append(out, r.a)
	}
	return out, wrapDB("list", rows.Err())
}

// Update changes an account and returns it without secrets.
func (s *PGStore) Update(ctx context.Context, id string, u Update) (Account, error) {
	if err := u.Validate(); err != nil {
		return Account{}, err
	}
	var out Account
	err := s.inTx(ctx, func(tx pgx.Tx) (Change, error) {
		r, err := scanAccount(tx.QueryRow(ctx, "SELECT "+accountColumns+" FROM accounts WHERE id = $1 FOR UPDATE", id))
		if errors.Is(err, pgx.ErrNoRows) {
			return Change{}, ErrNotFound
		}
		if err != nil {
			return Change{}, err
		}
		a := u.apply(r.a, s.stamp())
		tok := r.tok
		if u.APIToken != nil {
			if tok, err = s.kr.Seal(id, a.APIToken); err != nil {
				return Change{}, err
			}
		}
		var v int64
		err = tx.QueryRow(ctx, `UPDATE accounts SET api_token = $2, rate_limit = $3, disabled = $4,
			updated_at = $5, version = nextval('accounts_change_seq') WHERE id = $1 RETURNING version`,
			id, tok, a.RateLimit, a.Disabled, a.UpdatedAt).Scan(&v)
		out = a.withoutSecrets()
		return Change{Kind: AccountChanged, AccountID: id, Version: v}, err
	})
	if err != nil {
		return Account{}, wrapDB("update", err)
	}
	return out, nil
}

// Delete unlinks an account; its API keys go with it (ON DELETE CASCADE).
func (s *PGStore) Delete(ctx context.Context, id string) error {
	err := s.inTx(ctx, func(tx pgx.Tx) (Change, error) {
		var v int64
		err := tx.QueryRow(ctx, "DELETE FROM accounts WHERE id = $1 RETURNING nextval('accounts_change_seq')", id).Scan(&v)
		if errors.Is(err, pgx.ErrNoRows) {
			return Change{}, ErrNotFound
		}
		return Change{Kind: AccountDeleted, AccountID: id, Version: v}, err
	})
	return wrapDB("delete", err)
}

// IssueAPIKey makes a key for the account.
func (s *PGStore) IssueAPIKey(ctx context.Context, accountID string, scopes []string, expiresAt time.Time) (IssuedKey, error) {
	k, err := newIssuedKey(accountID, scopes, expiresAt, s.stamp())
	if err != nil {
		return IssuedKey{}, err
	}
	err = s.inTx(ctx, func(tx pgx.Tx) (Change, error) {
		var v int64
		err := tx.QueryRow(ctx, `INSERT INTO api_keys (id, account_id, hash, scopes, expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING version`,
			k.ID, k.AccountID, k.Hash, k.Scopes, nullTime(k.ExpiresAt), k.CreatedAt).Scan(&v)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23503" { // foreign_key_violation
			return Change{}, ErrNotFound
		}
		return Change{Kind: KeyChanged, AccountID: accountID, KeyID: k.ID, Version: v}, err
	})
	if err != nil {
		return IssuedKey{}, wrapDB("issue api key", err)
	}
	return k, nil
}

// RevokeAPIKey marks a key revoked; the record stays so that its last use can still be seen.
func (s *PGStore) RevokeAPIKey(ctx context.Context, accountID, keyID string) error {
	err := s.inTx(ctx, func(tx pgx.Tx) (Change, error) {
		var v int64
		err := tx.QueryRow(ctx, `UPDATE api_keys SET revoked = true, version = nextval('accounts_change_seq')
			WHERE id = $1 AND account_id = $2 RETURNING version`, keyID, accountID).Scan(&v)
		if errors.Is(err, pgx.ErrNoRows) {
			return Change{}, ErrKeyNotFound
		}
		return Change{Kind: KeyChanged, AccountID: accountID, KeyID: keyID, Version: v}, err
	})
	return wrapDB("revoke api key", err)
}

const keyColumns = "id, account_id, hash, scopes, expires_at, created_at, last_used_at, revoked"

func scanKey(row pgx.Row) (APIKey, error) {
	var k APIKey
	var exp, used *time.Time
	if err := row.Scan(&k.ID, &k.AccountID, &k.Hash, &k.Scopes, &exp, &k.CreatedAt, &used, &k.Revoked); err != nil {
		return APIKey{}, err
	}
	k.CreatedAt = k.CreatedAt.UTC()
	if exp != nil {
		k.ExpiresAt = exp.UTC()
	}
	if used != nil {
		k.LastUsedAt = used.UTC()
	}
	return k, nil
}

// ListAPIKeys returns the account's keys, oldest first.
func (s *PGStore) ListAPIKeys(ctx context.Context, accountID string) ([]APIKey, error) {
	var out []APIKey
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM accounts WHERE id = $1)", accountID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return ErrNotFound
		}
		rows, err := tx.Query(ctx, "SELECT "+keyColumns+" FROM api_keys WHERE account_id = $1 ORDER BY created_at, id", accountID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			k, err := scanKey(rows)
			if err != nil {
				return err
			}
			out = append(out, k)
		}
		return rows.Err()
	})
	return out, wrapDB("list api keys", err)
}

// LookupAPIKey implements auth.KeyStore.
func (s *PGStore) LookupAPIKey(ctx context.Context, keyID string) (auth.StoredKey, error) {
	k, err := scanKey(s.pool.QueryRow(ctx, "SELECT "+keyColumns+" FROM api_keys WHERE id = $1", keyID))
	if errors.Is(err, pgx.ErrNoRows) {
		return auth.StoredKey{}, auth.ErrKeyNotFound
	}
	if err != nil {
		return auth.StoredKey{}, wrapDB("lookup api key", err)
	}
	return k.toStoredKey(), nil
}

// TouchAPIKey implements auth.KeyStore: at most one write per key per minute, best effort.
func (s *PGStore) TouchAPIKey(ctx context.Context, keyID string, at time.Time) {
	s.touchMu.Lock()
	if last, ok := s.touched[keyID]; ok && at.Sub(last) < touchEvery {
		s.touchMu.Unlock()
		return
	}
	s.touched[keyID] = at
	s.touchMu.Unlock()
	_, err := s.pool.Exec(ctx, `UPDATE api_keys SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`, keyID, at.UTC())
	if err != nil {
		s.log.Warn().Err(err).Str("api_key_id", keyID).Msg("accounts: recording api key use failed")
	}
}

// AccountStatus reports whether the account exists and is disabled.
func (s *PGStore) AccountStatus(ctx context.Context, id string) (Status, error) {
	var disabled bool
	err := s.pool.QueryRow(ctx, "SELECT disabled FROM accounts WHERE id = $1", id).Scan(&disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return Status{}, nil
	}
	if err != nil {
		return Status{}, wrapDB("account status", err)
	}
	return Status{Exists: true, Disabled: disabled}, nil
}

// ReEncrypt seals every secret not already under the primary key with it, in one transaction:
// either every secret moves or none does. Rows are locked, so a concurrent update waits.
func (s *PGStore) ReEncrypt(ctx context.Context) (int, error) {
	primary := s.kr.Primary()
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		n = 0
		rows, err := tx.Query(ctx, "SELECT id, api_token, webhook_password FROM accounts ORDER BY id FOR UPDATE")
		if err != nil {
			return err
		}
		type rec struct {
			id      string
			tok, pw []byte
		}
		var recs []rec
		for rows.Next() {
			var r rec
			if err := rows.Scan(&r.id, &r.tok, &r.pw); err != nil {
				rows.Close()
				return err
			}
			recs = append(recs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range recs {
			tok, moved1, err := s.reseal(r.id, "api token", r.tok, primary)
			if err != nil {
				return err
			}
			pw, moved2, err := s.reseal(r.id, "webhook password", r.pw, primary)
			if err != nil {
				return err
			}
			if !moved1 && !moved2 {
				continue
			}
			if _, err := tx.Exec(ctx, "UPDATE accounts SET api_token = $2, webhook_password = $3 WHERE id = $1", r.id, tok, pw); err != nil {
				return err
			}
			n += btoi(moved1) + btoi(moved2)
		}
		return nil
	})
	if err != nil {
		return 0, wrapDB("re-encrypt", err)
	}
	return n, nil
}

func (s *PGStore) reseal(id, what string, sealed []byte, primary string) ([]byte, bool, error) {
	kid, err := SealedKeyID(sealed)
	if err != nil {
		return nil, false, fmt.Errorf("accounts: account %s: %s: %w", id, what, err)
	}
	if kid == primary {
		return sealed, false, nil
	}
	pt, err := s.kr.Open(id, sealed)
	if err != nil {
		return nil, false, fmt.Errorf("accounts: account %s: %s: %w", id, what, err)
	}
	out, err := s.kr.Seal(id, pt)
	return out, true, err
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// wrapDB names the operation on database errors and leaves the store's own errors alone, so
// that errors.Is/As still find them.
func wrapDB(op string, err error) error {
	if err == nil {
		return nil
	}
	var ve *ValidationError
	var uk *UnknownKeyError
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrKeyNotFound) || errors.Is(err, ErrExists) ||
		errors.As(err, &ve) || errors.As(err, &uk) || errors.Is(err, ErrCorruptSecret) {
		return err
	}
	return fmt.Errorf("accounts: %s: %w", op, err)
}
