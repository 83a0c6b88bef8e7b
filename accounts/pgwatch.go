package accounts

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// seen is the newest version of each account and key this replica has reported (or read), so
// that a change arriving by NOTIFY, by the re-check and from this replica's own write is
// reported once.
type seen struct {
	mu       sync.Mutex
	accounts map[string]int64
	gone     map[string]int64 // deleted accounts' last versions
	keys     map[string]int64 // keys changed above keyMax
	keyMax   int64            // every key change up to here has been reported
}

func (s *seen) note(id string, v int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v > s.accounts[id] {
		s.accounts[id] = v
	}
}

// loadSeen records the current state without reporting it: a replica starting has no runtime
// to drop.
func (s *PGStore) loadSeen(ctx context.Context) error {
	s.seen.accounts, s.seen.gone, s.seen.keys = map[string]int64{}, map[string]int64{}, map[string]int64{}
	rows, err := s.pool.Query(ctx, "SELECT id, version FROM accounts")
	if err != nil {
		return wrapDB("load versions", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
		ID      string
		Version int64
	}])
	if err != nil {
		return wrapDB("load versions", err)
	}
	for _, r := range ids {
		s.seen.accounts[r.ID] = r.Version
	}
	err = s.pool.QueryRow(ctx, "SELECT COALESCE(max(version), 0) FROM api_keys").Scan(&s.seen.keyMax)
	return wrapDB("load versions", err)
}

// observe reports a change unless it was reported already.
func (s *PGStore) observe(c Change) {
	s.seen.mu.Lock()
	defer s.seen.mu.Unlock()
	if !s.fresh(c) {
		return
	}
	// Emitting under the lock keeps the order of changes for every watcher.
	s.w.emit(c)
}

// fresh is called with seen.mu held; it records c.
func (s *PGStore) fresh(c Change) bool {
	sn := &s.seen
	switch c.Kind {
	case AccountChanged:
		if c.Version <= sn.accounts[c.AccountID] || c.Version <= sn.gone[c.AccountID] {
			return false
		}
		sn.accounts[c.AccountID] = c.Version
		delete(sn.gone, c.AccountID)
	case AccountDeleted:
		known, isKnown := sn.accounts[c.AccountID]
		if c.Version == 0 { // from the re-check: reported only for an account known to exist
			if !isKnown {
				return false
			}
		} else if c.Version <= known || c.Version <= sn.gone[c.AccountID] {
			return false
		}
		g := max(c.Version, known)
		delete(sn.accounts, c.AccountID)
		sn.gone[c.AccountID] = g
	case KeyChanged:
		if c.Version <= sn.keyMax || c.Version <= sn.keys[c.KeyID] {
			return false
		}
		sn.keys[c.KeyID] = c.Version
	default:
		return false
	}
	return true
}

// listen follows NOTIFY on a dedicated connection and reconnects when it drops, re-checking
// after each (re)connection for whatever was sent while it was away.
func (s *PGStore) listen(ctx context.Context) {
	defer s.wg.Done()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, func() { backoff = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		s.log.Warn().Err(err).Dur("retry_in", backoff).Msg("accounts: change listener disconnected")
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (s *PGStore) listenOnce(ctx context.Context, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.connCfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	connected()
	if err := s.recheckOnce(ctx); err != nil {
		s.log.Warn().Err(err).Msg("accounts: re-check after (re)connecting failed")
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var c Change
		if err := json.Unmarshal([]byte(n.Payload), &c); err != nil {
			s.log.Warn().Err(err).Msg("accounts: unreadable change notification")
			continue
		}
		s.observe(c)
	}
}

func (s *PGStore) recheckLoop(ctx context.Context) {
	defer s.wg.Done()
	t := time.NewTicker(s.recheck)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.recheckOnce(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn().Err(err).Msg("accounts: change re-check failed")
			}
		}
	}
}

// recheckOnce compares the database with what this replica has seen: the fallback that bounds
// how late a missed NOTIFY is noticed. It reads one row per account and the keys changed since
// the last re-check.
func (s *PGStore) recheckOnce(ctx context.Context) error {
	// An account this replica heard of after seqBefore may be missing from the snapshot below
	// only because the snapshot is older than it: such an absence is no deletion.
	var seqBefore int64
	if err := s.pool.QueryRow(ctx, "SELECT last_value FROM accounts_change_seq").Scan(&seqBefore); err != nil {
		return err
	}
	rows, err := s.pool.Query(ctx, "SELECT id, version FROM accounts")
	if err != nil {
		return err
	}
	current := map[string]int64{}
	for rows.Next() {
		var id string
		var v int64
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return err
		}
		current[id] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	s.seen.mu.Lock()
	keyMax := s.seen.keyMax
	s.seen.mu.Unlock()
	krows, err := s.pool.Query(ctx, "SELECT id, account_id, version FROM api_keys WHERE version > $1 ORDER BY version", keyMax)
	if err != nil {
		return err
	}
	var keys []Change
	for krows.Next() {
		c := Change{Kind: KeyChanged}
		if err := krows.Scan(&c.KeyID, &c.AccountID, &c.Version); err != nil {
			krows.Close()
			return err
		}
		keys = append(keys, c)
	}
	krows.Close()
	if err := krows.Err(); err != nil {
		return err
	}

	s.seen.mu.Lock()
	defer s.seen.mu.Unlock()
	for id, v := range current {
		if c := (Change{Kind: AccountChanged, AccountID: id, Version: v}); s.fresh(c) {
			s.w.emit(c)
		}
	}
	for id, v := range s.seen.accounts {
		if _, ok := current[id]; !ok && v <= seqBefore {
			// The deletion's own version is unknown here; 0 reports it once.
			if c := (Change{Kind: AccountDeleted, AccountID: id}); s.fresh(c) {
				s.w.emit(c)
			}
		}
	}
	for _, c := range keys {
		if s.fresh(c) {
			s.w.emit(c)
		}
		s.seen.keyMax = max(s.seen.keyMax, c.Version)
	}
	for id, v := range s.seen.keys {
		if v <= s.seen.keyMax {
			delete(s.seen.keys, id)
		}
	}
	return nil
}
