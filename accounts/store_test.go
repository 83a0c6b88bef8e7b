package accounts

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/caller"
)

func TestStoreAccounts(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			s := st.open(t)

			in := sampleAccount("acme_1")
			in.GladlyBaseURL = "acme" // an org slug is accepted and normalized
			a, err := s.Create(ctx, in)
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if a.GladlyBaseURL != "https://acme.gladly.com" || a.RateLimit != DefaultRateLimit || a.WebhookPassword == "" || a.WebhookUsername == "" {
				t.Fatalf("Create made %+v", a)
			}
			if _, err := s.Create(ctx, sampleAccount("acme_1")); !errors.Is(err, ErrExists) {
				t.Fatalf("second Create: %v, want ErrExists", err)
			}
			got, err := s.Get(ctx, "acme_1")
			if err != nil || got.APIToken != in.APIToken || got.WebhookPassword != a.WebhookPassword || !got.CreatedAt.Equal(a.CreatedAt) {
				t.Fatalf("Get: %+v (token ok: %v), %v", got, got.APIToken == in.APIToken, err)
			}
			if _, err := s.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get unknown: %v", err)
			}

			if _, err := s.Create(ctx, sampleAccount("acme_2")); err != nil {
				t.Fatal(err)
			}
			list, err := s.List(ctx)
			if err != nil || len(list) != 2 || list[0].ID != "acme_1" || list[1].ID != "acme_2" {
				t.Fatalf("List: %v, %v", list, err)
			}
			for _, l := range list {
				if l.APIToken != "" || l.WebhookPassword != "" {
					t.Fatalf("List carries secrets")
				}
			}

			tok, rate, off := "new-token-value", 2.5, true
			up, err := s.Update(ctx, "acme_1", Update{APIToken: &tok, RateLimit: &rate, Disabled: &off})
			if err != nil || up.RateLimit != 2.5 || !up.Disabled || up.APIToken != "" {
				t.Fatalf("Update: %+v, %v", up, err)
			}
			got, _ = s.Get(ctx, "acme_1")
			if got.APIToken != tok || got.WebhookPassword != a.WebhookPassword {
				t.Fatalf("after Update, Get has the wrong secrets")
			}
			if st, err := s.AccountStatus(ctx, "acme_1"); err != nil || st != (Status{Exists: true, Disabled: true}) {
				t.Fatalf("AccountStatus: %+v, %v", st, err)
			}
			if st, err := s.AccountStatus(ctx, "nope"); err != nil || st.Exists {
				t.Fatalf("AccountStatus unknown: %+v, %v", st, err)
			}
			if _, err := s.Update(ctx, "nope", Update{Disabled: &off}); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Update unknown: %v", err)
			}

			if err := s.Delete(ctx, "acme_1"); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, "acme_1"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("second Delete: %v", err)
			}
			if st, _ := s.AccountStatus(ctx, "acme_1"); st.Exists {
				t.Fatal("deleted account still exists")
			}
		})
	}
}

func TestStoreRefusesInvalid(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			s := st.open(t)
			if _, err := s.Create(ctx, sampleAccount("ok")); err != nil {
				t.Fatal(err)
			}
			zero, neg, blank := 0.0, -1.0, " "
			tests := []struct {
				name  string
				do    func() error
				field string
			}{
				{"empty id", func() error { _, err := s.Create(ctx, sampleAccount("")); return err }, "id"},
				{"id too long", func() error { _, err := s.Create(ctx, sampleAccount(strings.Repeat("a", 65))); return err }, "id"},
				{"id with slash", func() error { _, err := s.Create(ctx, sampleAccount("a/b")); return err }, "id"},
				{"http to a remote host", func() error {
					n := sampleAccount("x")
					n.GladlyBaseURL = "http://acme.gladly.com"
					_, err := s.Create(ctx, n)
					return err
				}, "gladlyBaseUrl"},
				{"ftp", func() error {
					n := sampleAccount("x")
					n.GladlyBaseURL = "ftp://acme.gladly.com"
					_, err := s.Create(ctx, n)
					return err
				}, "gladlyBaseUrl"},
				{"no username", func() error {
					n := sampleAccount("x")
					n.Username = ""
					_, err := s.Create(ctx, n)
					return err
				}, "username"},
				{"no token", func() error {
					n := sampleAccount("x")
					n.APIToken = ""
					_, err := s.Create(ctx, n)
					return err
				}, "apiToken"},
				{"rate limit too high", func() error {
					n := sampleAccount("x")
					n.RateLimit = MaxRateLimit + 1
					_, err := s.Create(ctx, n)
					return err
				}, "rateLimit"},
				{"update rate limit zero", func() error { _, err := s.Update(ctx, "ok", Update{RateLimit: &zero}); return err }, "rateLimit"},
				{"update rate limit negative", func() error { _, err := s.Update(ctx, "ok", Update{RateLimit: &neg}); return err }, "rateLimit"},
				{"update blank token", func() error { _, err := s.Update(ctx, "ok", Update{APIToken: &blank}); return err }, "apiToken"},
				{"empty update", func() error { _, err := s.Update(ctx, "ok", Update{}); return err }, "update"},
				{"no scopes", func() error { _, err := s.IssueAPIKey(ctx, "ok", nil, time.Time{}); return err }, "scopes"},
				{"unknown scope", func() error { _, err := s.IssueAPIKey(ctx, "ok", []string{"contacts:rule"}, time.Time{}); return err }, "scopes"},
				{"admin scope", func() error {
					_, err := s.IssueAPIKey(ctx, "ok", []string{caller.AccountsAdmin}, time.Time{})
					return err
				}, "scopes"},
				{"scope twice", func() error {
					_, err := s.IssueAPIKey(ctx, "ok", []string{caller.TicketsRead, caller.TicketsRead}, time.Time{})
					return err
				}, "scopes"},
				{"expiry in the past", func() error {
					_, err := s.IssueAPIKey(ctx, "ok", []string{caller.TicketsRead}, time.Now().Add(-time.Minute))
					return err
				}, "expiresAt"},
			}
			for _, tt := range tests {
				var ve *ValidationError
				if err := tt.do(); !errors.As(err, &ve) || ve.Field != tt.field {
					t.Errorf("%s: %v, want a ValidationError on %q", tt.name, err, tt.field)
				}
			}
			if list, _ := s.List(ctx); len(list) != 1 {
				t.Fatalf("invalid input stored something: %v", list)
			}
			if keys, _ := s.ListAPIKeys(ctx, "ok"); len(keys) != 0 {
				t.Fatalf("invalid input stored keys: %v", keys)
			}
		})
	}
}

func TestStoreAPIKeys(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			s := st.open(t)
			for _, id := range []string{"a", "b"} {
				if _, err := s.Create(ctx, sampleAccount(id)); err != nil {
					t.Fatal(err)
				}
			}
			exp := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
			k, err := s.IssueAPIKey(ctx, "a", []string{caller.TicketsRead, caller.ContactsRead}, exp)
			if err != nil {
				t.Fatal(err)
			}
			keyID, secret, ok := auth.ParseAPIKey(k.Key)
			if !ok || keyID != k.ID {
				t.Fatalf("issued key %q does not parse to its id", k.ID)
			}
			if _, err := s.IssueAPIKey(ctx, "nope", []string{caller.TicketsRead}, time.Time{}); !errors.Is(err, ErrNotFound) {
				t.Fatalf("IssueAPIKey for an unknown account: %v", err)
			}
			sk, err := s.LookupAPIKey(ctx, keyID)
			if err != nil || sk.AccountID != "a" || !auth.SecretMatches(secret, sk.Hash) || !sk.ExpiresAt.Equal(exp) || sk.Revoked ||
				!slices.Equal(sk.Scopes, []string{caller.ContactsRead, caller.TicketsRead}) {
				t.Fatalf("LookupAPIKey: %+v, %v", sk, err)
			}
			if _, err := s.LookupAPIKey(ctx, "unknown"); !errors.Is(err, auth.ErrKeyNotFound) {
				t.Fatalf("LookupAPIKey unknown: %v", err)
			}

			used := time.Now().UTC().Truncate(time.Microsecond)
			s.TouchAPIKey(ctx, keyID, used)
			keys, err := s.ListAPIKeys(ctx, "a")
			if err != nil || len(keys) != 1 || !keys[0].LastUsedAt.Equal(used) {
				t.Fatalf("ListAPIKeys after touch: %+v, %v", keys, err)
			}
			if keys, err := s.ListAPIKeys(ctx, "b"); err != nil || len(keys) != 0 {
				t.Fatalf("account b lists a's key: %+v, %v", keys, err)
			}
			if _, err := s.ListAPIKeys(ctx, "nope"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("ListAPIKeys unknown: %v", err)
			}

			if err := s.RevokeAPIKey(ctx, "b", keyID); !errors.Is(err, ErrKeyNotFound) {
				t.Fatalf("revoking a's key through b: %v", err)
			}
			if err := s.RevokeAPIKey(ctx, "a", keyID); err != nil {
				t.Fatal(err)
			}
			if sk, _ := s.LookupAPIKey(ctx, keyID); !sk.Revoked {
				t.Fatal("revoked key not marked revoked")
			}

			if err := s.Delete(ctx, "a"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.LookupAPIKey(ctx, keyID); !errors.Is(err, auth.ErrKeyNotFound) {
				t.Fatalf("key of a deleted account: %v", err)
			}
		})
	}
}
