package accounts

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/accounts/pgtest"
)

// keyString makes a keyring entry per id ("kid:base64key,…").
func keyString(t testing.TB, kids ...string) string {
	t.Helper()
	var parts []string
	for _, k := range kids {
		s, err := NewKeyString(k)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

func mustKeyring(t testing.TB, s string) *Keyring {
	t.Helper()
	kr, err := ParseKeyring(s)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// openPG opens a store on dbURL and closes it at cleanup.
func openPG(t testing.TB, dbURL string, kr *Keyring, opts ...PGOption) *PGStore {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := OpenPostgres(ctx, dbURL, kr, opts...)
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// stores are the implementations every contract test runs against.
var stores = []struct {
	name string
	open func(t *testing.T) Store
}{
	{"memory", func(t *testing.T) Store {
		s, err := NewMemoryStore()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}},
	{"postgres", func(t *testing.T) Store {
		return openPG(t, pgtest.NewDatabase(t), mustKeyring(t, keyString(t, "k1")))
	}},
}

func sampleAccount(id string) NewAccount {
	return NewAccount{ID: id, GladlyBaseURL: "https://acme.gladly.com", Username: "api@acme.example", APIToken: "tok-" + id + "-secret-value"}
}
