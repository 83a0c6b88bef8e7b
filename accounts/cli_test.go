package accounts

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/accounts/pgtest"
	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

type cliRun struct {
	t      *testing.T
	env    map[string]string
	unlink []string
}

func (r *cliRun) run(stdin string, args ...string) (stdout, stderr string, err error) {
	var out, errb bytes.Buffer
	c := &CLI{
		Getenv: func(k string) string { return r.env[k] },
		Stdin:  strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		OnUnlink: func(_ context.Context, a Account) { r.unlink = append(r.unlink, a.ID) },
	}
	err = c.Run(r.t.Context(), args)
	return out.String(), errb.String(), err
}

func TestCLI(t *testing.T) {
	t.Parallel()
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	oldKey := keyString(t, "old")
	r := &cliRun{t: t, env: map[string]string{
		"DATABASE_URL":             pgtest.NewDatabase(t),
		"ACCOUNTS_ENCRYPTION_KEYS": oldKey,
		"GLADLY_API_TOKEN":         fake.Token,
	}}
	secrets := []string{fake.Token, "wrong-token-value"}
	check := func(step, stdout, stderr string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(stdout, s) || strings.Contains(stderr, s) {
				t.Fatalf("%s: output echoes a secret", step)
			}
		}
	}

	// A wrong token (from stdin) is refused by Gladly and nothing is stored.
	out, errOut, err := r.run("wrong-token-value\n", "accounts", "link", "--id", "acme", "--base-url", fake.URL, "--username", fake.Username, "--api-token-stdin")
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.StatusCode != 401 {
		t.Fatalf("link with a wrong token: %v", err)
	}
	check("refused link", out, errOut+err.Error())
	if out, _, _ := r.run("", "accounts", "list"); strings.Contains(out, "acme") {
		t.Fatalf("a refused link was stored: %s", out)
	}

	out, errOut, err = r.run("", "accounts", "link", "--id", "acme", "--base-url", fake.URL, "--username", fake.Username, "--rate-limit", "4")
	if err != nil || !strings.Contains(out, "linked acme") {
		t.Fatalf("link from GLADLY_API_TOKEN: %v %s %s", err, out, errOut)
	}
	check("link", out, errOut)
	if _, _, err := r.run("", "accounts", "link", "--id", "acme", "--base-url", fake.URL, "--username", fake.Username); !errors.Is(err, ErrExists) {
		t.Fatalf("second link: %v", err)
	}
	out, errOut, err = r.run("", "accounts", "show", "acme")
	if err != nil || !strings.Contains(out, "rateLimit        4") {
		t.Fatalf("show: %v %q", err, out)
	}
	check("show", out, errOut)

	r.env["NEW_TOKEN"] = "wrong-token-value"
	if _, _, err := r.run("", "accounts", "update", "acme", "--api-token-env", "NEW_TOKEN"); !errors.As(err, &rej) {
		t.Fatalf("update with a wrong token: %v", err)
	}
	out, _, err = r.run(fake.Token, "accounts", "update", "acme", "--disable", "--rate-limit", "3", "--api-token-stdin")
	if err != nil || !strings.Contains(out, "disabled         true") {
		t.Fatalf("update: %v %s", err, out)
	}

	out, errOut, err = r.run("", "api-keys", "create", "--account", "acme", "--scopes", "tickets:read,contacts:read", "--expires-in", "24h")
	key := strings.TrimSpace(out)
	keyID, _, ok := auth.ParseAPIKey(key)
	if err != nil || !ok || !strings.Contains(errOut, "shown this once") {
		t.Fatalf("create key: %v %q %q", err, out, errOut)
	}
	if _, _, err := r.run("", "api-keys", "create", "--account", "acme", "--scopes", "accounts:admin"); err == nil {
		t.Fatal("an API key with accounts:admin was issued")
	}
	out, _, err = r.run("", "api-keys", "list", "--account", "acme")
	if err != nil || !strings.Contains(out, keyID) || strings.Contains(out, key) {
		t.Fatalf("list keys: %v %s", err, out)
	}
	if _, _, err := r.run("", "api-keys", "revoke", "--account", "acme", keyID); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := r.run("", "api-keys", "list", "--account", "acme"); !strings.Contains(out, "true") {
		t.Fatalf("revoked key not shown revoked: %s", out)
	}

	// Rotation: a new key first, re-encrypt, then the old key can go.
	r.env["ACCOUNTS_ENCRYPTION_KEYS"] = keyString(t, "new") + "," + oldKey
	if out, _, err := r.run("", "accounts", "reencrypt"); err != nil || !strings.Contains(out, "re-encrypted 2 secret") {
		t.Fatalf("reencrypt: %v %s", err, out)
	}
	r.env["ACCOUNTS_ENCRYPTION_KEYS"] = strings.Split(r.env["ACCOUNTS_ENCRYPTION_KEYS"], ",")[0]
	if _, _, err := r.run(fake.Token, "accounts", "update", "acme", "--api-token-stdin"); err != nil {
		t.Fatalf("update under the new key only: %v", err)
	}

	if out, _, err := r.run("", "accounts", "unlink", "acme"); err != nil || !strings.Contains(out, "unlinked acme") || len(r.unlink) != 1 {
		t.Fatalf("unlink: %v %s %v", err, out, r.unlink)
	}
	if _, _, err := r.run("", "accounts", "show", "acme"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("show after unlink: %v", err)
	}
}

func TestCLIRefuses(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	keys := keyString(t, "k")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no command", nil, []string{"accounts"}, "usage"},
		{"unknown command", nil, []string{"accounts", "frobnicate"}, "usage"},
		{"no database", map[string]string{"ACCOUNTS_ENCRYPTION_KEYS": keys}, []string{"accounts", "list"}, "DATABASE_URL is not set"},
		{"no keys", map[string]string{"DATABASE_URL": db}, []string{"accounts", "list"}, "ACCOUNTS_ENCRYPTION_KEYS is empty"},
		{"malformed key", map[string]string{"DATABASE_URL": db, "ACCOUNTS_ENCRYPTION_KEYS": "k:c2hvcnQ="}, []string{"accounts", "list"}, `entry 1 (key id "k")`},
		{"extra argument", map[string]string{"DATABASE_URL": db, "ACCOUNTS_ENCRYPTION_KEYS": keys}, []string{"accounts", "list", "x"}, "usage"},
		{"unknown flag", map[string]string{"DATABASE_URL": db, "ACCOUNTS_ENCRYPTION_KEYS": keys}, []string{"accounts", "link", "--api-token", "x"}, "usage"},
		{"both token sources", map[string]string{"DATABASE_URL": db, "ACCOUNTS_ENCRYPTION_KEYS": keys}, []string{"accounts", "update", "a", "--api-token-stdin", "--api-token-env", "X"}, "usage"},
		{"empty token env", map[string]string{"DATABASE_URL": db, "ACCOUNTS_ENCRYPTION_KEYS": keys}, []string{"accounts", "update", "a", "--api-token-env", "X"}, "X is empty"},
		{"nothing to update", map[string]string{"DATABASE_URL": db, "ACCOUNTS_ENCRYPTION_KEYS": keys}, []string{"accounts", "update", "a"}, "changes nothing"},
		{"bad expiry", map[string]string{"DATABASE_URL": db, "ACCOUNTS_ENCRYPTION_KEYS": keys}, []string{"api-keys", "create", "--account", "a", "--scopes", "tickets:read", "--expires", "soon"}, "RFC 3339"},
		{"revoke unknown", map[string]string{"DATABASE_URL": db, "ACCOUNTS_ENCRYPTION_KEYS": keys}, []string{"api-keys", "revoke", "--account", "a", "k"}, "api key not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &cliRun{t: t, env: tt.env}
			_, errOut, err := r.run("", tt.args...)
			if err == nil || !strings.Contains(err.Error()+errOut, tt.want) {
				t.Fatalf("got %v (stderr %q), want %q", err, errOut, tt.want)
			}
		})
	}
}
