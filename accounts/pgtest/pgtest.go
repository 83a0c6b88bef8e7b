// Package pgtest gives each test its own fresh PostgreSQL database on the server named by
// DATABASE_URL (default: the machine's server at 127.0.0.1:5432, user postgres, trust auth),
// dropped when the test ends, so parallel tests and packages never share state.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultURL is used when DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL is the server tests use: DATABASE_URL or DefaultURL.
func ServerURL() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// NewDatabase creates an empty database named gladgraph_test_<random> and returns its URL. The
// test fails with a clear message when PostgreSQL cannot be reached.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	server := ServerURL()
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("pgtest: DATABASE_URL is not a URL (postgres://user@host:port/db)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		tb.Fatalf("pgtest: PostgreSQL is not reachable at %s (set DATABASE_URL to a server this test may create databases on): %v", u.Redacted(), err)
	}
	defer admin.Close(context.Background())

	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "gladgraph_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, server)
		if err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		// FORCE ends sessions a test left open (a listener, a pool not yet closed).
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	du := *u
	du.Path = "/" + name
	return du.String()
}
