package accounts

import (
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/accounts/pgtest"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	keys := keyString(t, "k1")
	def := []NewAccount{sampleAccount("default")}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		pg      bool
	}{
		{"memory with the fallback", map[string]string{}, "", false},
		{"postgres", map[string]string{"DATABASE_URL": db, "ACCOUNTS_ENCRYPTION_KEYS": keys}, "", true},
		{"postgres without keys", map[string]string{"DATABASE_URL": db}, "ACCOUNTS_ENCRYPTION_KEYS must be set", false},
		{"malformed keys without a database", map[string]string{"ACCOUNTS_ENCRYPTION_KEYS": "nokey"}, "entry 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Open(t.Context(), func(k string) string { return tt.env[k] }, def)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open: %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, isPG := s.(*PGStore); isPG != tt.pg {
				t.Fatalf("Open returned %T", s)
			}
			if !tt.pg {
				if st, _ := s.AccountStatus(t.Context(), "default"); !st.Exists {
					t.Fatal("the fallback account is missing")
				}
			}
		})
	}
}
