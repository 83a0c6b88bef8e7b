package accounts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gladgraph/gladgraph/accounts/pgtest"
)

func withoutListen() PGOption { return func(s *PGStore) { s.noListen = true } }

func TestPGCiphertextHoldsNoPlaintext(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := pgtest.NewDatabase(t)
	s := openPG(t, db, mustKeyring(t, keyString(t, "k1")))
	a, err := s.Create(ctx, sampleAccount("acct"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tok, pw []byte
	var dump string
	if err := conn.QueryRow(ctx, "SELECT api_token, webhook_password, accounts::text FROM accounts WHERE id = 'acct'").Scan(&tok, &pw, &dump); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{a.APIToken, a.WebhookPassword} {
		if bytes.Contains(tok, []byte(secret)) || bytes.Contains(pw, []byte(secret)) || strings.Contains(dump, secret) {
			t.Fatal("a secret is stored in plaintext")
		}
	}
	if kid, err := SealedKeyID(tok); err != nil || kid != "k1" {
		t.Fatalf("stored token sealed under %q, %v", kid, err)
	}

	// The account id is the associated data: a token copied onto another row does not open.
	if _, err := s.Create(ctx, sampleAccount("other")); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "UPDATE accounts SET api_token = $1 WHERE id = 'other'", tok); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "other"); !errors.Is(err, ErrCorruptSecret) {
		t.Fatalf("Get with a ciphertext moved from another account: %v", err)
	}
}

func TestPGRemovedKeyAndReEncrypt(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := pgtest.NewDatabase(t)
	oldKey, newKey := keyString(t, "old-2025"), keyString(t, "new-2026")

	s1 := openPG(t, db, mustKeyring(t, oldKey))
	for _, id := range []string{"a", "b"} {
		if _, err := s1.Create(ctx, sampleAccount(id)); err != nil {
			t.Fatal(err)
		}
	}

	// The old key removed before re-encrypting: reads fail naming it, and so does ReEncrypt
	// (without changing anything).
	gone := openPG(t, db, mustKeyring(t, newKey))
	_, err := gone.Get(ctx, "a")
	var uk *UnknownKeyError
	if !errors.As(err, &uk) || uk.KeyID != "old-2025" || !strings.Contains(err.Error(), "old-2025") {
		t.Fatalf("Get with the key removed: %v, want an error naming old-2025", err)
	}
	if _, err := gone.ReEncrypt(ctx); !errors.As(err, &uk) {
		t.Fatalf("ReEncrypt with the key removed: %v", err)
	}
	if list, err := gone.List(ctx); err != nil || len(list) != 2 {
		t.Fatalf("List must not need the key: %v, %v", list, err)
	}

	// Rotation: new key first, old still there; re-encrypt; then the old key can go.
	both := openPG(t, db, mustKeyring(t, newKey+","+oldKey))
	n, err := both.ReEncrypt(ctx)
	if err != nil || n != 4 {
		t.Fatalf("ReEncrypt: %d, %v; want 4 secrets moved", n, err)
	}
	if n, err := both.ReEncrypt(ctx); err != nil || n != 0 {
		t.Fatalf("second ReEncrypt: %d, %v; want nothing to do", n, err)
	}
	a, err := gone.Get(ctx, "a")
	if err != nil || a.APIToken != sampleAccount("a").APIToken {
		t.Fatalf("Get under the new key only: %v", err)
	}
}

func TestPGConcurrentMigrations(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	kr := mustKeyring(t, keyString(t, "k1"))
	const replicas = 8
	var wg sync.WaitGroup
	errs := make(chan error, replicas)
	start := make(chan struct{})
	for range replicas {
		wg.Go(func() {
			<-start
			s, err := OpenPostgres(t.Context(), db, kr)
			if err != nil {
				errs <- err
				return
			}
			s.Close()
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("replica failed to start: %v", err)
	}
	conn, err := pgx.Connect(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var n int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM accounts_schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	ms, _ := migrations()
	if n != len(ms) {
		t.Fatalf("%d migrations recorded, want %d", n, len(ms))
	}
}

func TestPGBadURLHidesPassword(t *testing.T) {
	t.Parallel()
	_, err := OpenPostgres(t.Context(), "postgres://u:hunter2@[::1", mustKeyring(t, keyString(t, "k")))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("OpenPostgres with a malformed URL: %v", err)
	}
}

// watch collects a store's changes.
func watch(t testing.TB, s Store) <-chan Change {
	ch := make(chan Change, 1024)
	stop := s.Watch(func(c Change) { ch <- c })
	t.Cleanup(stop)
	return ch
}

// await waits for a change to the account of the given kind and returns how long it took.
func await(t testing.TB, ch <-chan Change, kind ChangeKind, id string, since time.Time) time.Duration {
	t.Helper()
	timeout := time.After(30 * time.Second) // a hang guard, not a bound on propagation
	for {
		select {
		case c := <-ch:
			if c.Kind == kind && c.AccountID == id {
				return time.Since(since)
			}
		case <-timeout:
			t.Fatalf("no %s change of %s arrived", kind, id)
		}
	}
}

func TestPGChangesReachOtherReplicas(t *testing.T) {
	t.Parallel()
	paths := []struct {
		name string
		opts []PGOption
	}{
		{"notify", []PGOption{WithRecheckInterval(time.Hour)}},
		{"recheck only", []PGOption{withoutListen(), WithRecheckInterval(200 * time.Millisecond)}},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := pgtest.NewDatabase(t)
			kr := mustKeyring(t, keyString(t, "k1"))
			writer := openPG(t, db, kr)
			reader := openPG(t, db, kr, p.opts...)
			ch := watch(t, reader)
			own := watch(t, writer)

			start := time.Now()
			if _, err := writer.Create(ctx, sampleAccount("x")); err != nil {
				t.Fatal(err)
			}
			t.Logf("link reached the other replica in %v", await(t, ch, AccountChanged, "x", start))
			await(t, own, AccountChanged, "x", start)

			k, err := writer.IssueAPIKey(ctx, "x", []string{"tickets:read"}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			start = time.Now()
			if err := writer.RevokeAPIKey(ctx, "x", k.ID); err != nil {
				t.Fatal(err)
			}
			for c := range ch {
				if c.Kind == KeyChanged && c.KeyID == k.ID {
					if sk, _ := reader.LookupAPIKey(ctx, k.ID); sk.Revoked {
						break
					}
				}
			}
			t.Logf("revocation reached the other replica in %v", time.Since(start))

			off := true
			start = time.Now()
			if _, err := writer.Update(ctx, "x", Update{Disabled: &off}); err != nil {
				t.Fatal(err)
			}
			t.Logf("update reached the other replica in %v", await(t, ch, AccountChanged, "x", start))

			start = time.Now()
			if err := writer.Delete(ctx, "x"); err != nil {
				t.Fatal(err)
			}
			t.Logf("unlink reached the other replica in %v", await(t, ch, AccountDeleted, "x", start))
		})
	}
}

// TestPGListenerReconnects kills the LISTEN connection; with the re-check out of the way, the
// change made while it was down must still arrive once it reconnects.
func TestPGListenerReconnects(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := pgtest.NewDatabase(t)
	kr := mustKeyring(t, keyString(t, "k1"))
	writer := openPG(t, db, kr)
	reader := openPG(t, db, kr, WithRecheckInterval(time.Hour))
	ch := watch(t, reader)
	if _, err := writer.Create(ctx, sampleAccount("x")); err != nil {
		t.Fatal(err)
	}
	await(t, ch, AccountChanged, "x", time.Now())

	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var killed int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'gladgraph-accounts-listener'`).Scan(&killed)
	if err != nil || killed != 2 {
		t.Fatalf("terminated %d listeners, %v; want 2", killed, err)
	}
	if err := writer.Delete(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	await(t, ch, AccountDeleted, "x", time.Now())
}

// BenchmarkPGPropagation measures how long a change made on one replica takes to reach
// another's Watch, through NOTIFY and through the re-check alone (DefaultRecheckInterval).
//
//	go test -run '^$' -bench PGPropagation -benchtime 50x ./accounts/
func BenchmarkPGPropagation(b *testing.B) {
	for _, p := range []struct {
		name string
		opts []PGOption
	}{
		{"notify", nil},
		{"recheck-only", []PGOption{withoutListen()}},
	} {
		b.Run(p.name, func(b *testing.B) {
			ctx := context.Background()
			db := pgtest.NewDatabase(b)
			kr := mustKeyring(b, keyString(b, "k1"))
			writer := openPG(b, db, kr)
			reader := openPG(b, db, kr, p.opts...)
			ch := watch(b, reader)
			if _, err := writer.Create(ctx, sampleAccount("x")); err != nil {
				b.Fatal(err)
			}
			await(b, ch, AccountChanged, "x", time.Now())
			var lat []time.Duration
			b.ResetTimer()
			for i := range b.N {
				flag := i%2 == 0
				start := time.Now()
				if _, err := writer.Update(ctx, "x", Update{Disabled: &flag}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, await(b, ch, AccountChanged, "x", start))
			}
			b.StopTimer()
			reportLatencies(b, lat)
		})
	}
}

func reportLatencies(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sorted := append([]time.Duration(nil), lat...)
	for i := 1; i < len(sorted); i++ { // insertion sort: a few hundred values at most
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	q := func(p float64) float64 { return float64(sorted[int(p*float64(len(sorted)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
	b.Log(fmt.Sprintf("n=%d p50=%.1fms p99=%.1fms max=%.1fms", len(sorted), q(0.5), q(0.99), q(1)))
}
