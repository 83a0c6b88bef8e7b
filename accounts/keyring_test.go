package accounts

import (
	"errors"
	"strings"
	"testing"
)

func TestParseKeyringErrors(t *testing.T) {
	t.Parallel()
	good := keyString(t, "good")
	goodKey := strings.SplitN(good, ":", 2)[1]
	short := "c2hvcnQta2V5" // "short-key"
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "ACCOUNTS_ENCRYPTION_KEYS is empty"},
		{"no colon", good + "," + goodKey, "entry 2: not of the form"},
		{"bad kid", "bad kid:" + goodKey, "entry 1: key id must be"},
		{"duplicate", good + ",good:" + goodKey, `entry 2 (key id "good"): key id appears twice`},
		{"not base64", "k1:%%%notbase64%%%", `entry 1 (key id "k1"): key is not valid base64`},
		{"short", "k1:" + short, `entry 1 (key id "k1"): key is 9 bytes; AES-256 needs 32`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseKeyring(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseKeyring: got %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), goodKey) || strings.Contains(err.Error(), short) || strings.Contains(err.Error(), "notbase64") {
				t.Fatalf("error echoes key material: %v", err)
			}
		})
	}
}

func TestKeyringRotation(t *testing.T) {
	t.Parallel()
	old := keyString(t, "old")
	nw := keyString(t, "new")
	before := mustKeyring(t, old)
	sealed, err := before.Seal("acct", "s3cret")
	if err != nil {
		t.Fatal(err)
	}

	both := mustKeyring(t, nw+","+old)
	if got, err := both.Open("acct", sealed); err != nil || got != "s3cret" {
		t.Fatalf("Open with the old key second: %q, %v", got, err)
	}
	resealed, _ := both.Seal("acct", "s3cret")
	if kid, _ := SealedKeyID(resealed); kid != "new" {
		t.Fatalf("sealed under %q, want the first key", kid)
	}

	_, err = mustKeyring(t, nw).Open("acct", sealed)
	var uk *UnknownKeyError
	if !errors.As(err, &uk) || uk.KeyID != "old" || !strings.Contains(err.Error(), `"old"`) {
		t.Fatalf("Open without the key: %v, want UnknownKeyError naming \"old\"", err)
	}
}

func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	kr := mustKeyring(t, keyString(t, "k"))
	sealed, _ := kr.Seal("acct-a", "s3cret")
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	tests := []struct {
		name    string
		account string
		sealed  []byte
	}{
		{"other account's ciphertext", "acct-b", sealed},
		{"tampered", "acct-a", tampered},
		{"truncated", "acct-a", sealed[:5]},
		{"empty", "acct-a", nil},
		{"wrong version", "acct-a", append([]byte{9}, sealed[1:]...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := kr.Open(tt.account, tt.sealed); !errors.Is(err, ErrCorruptSecret) {
				t.Fatalf("Open: %v, want ErrCorruptSecret", err)
			}
		})
	}
}
