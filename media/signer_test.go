package media

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func parts(t testing.TB, raw string) (id, exp, sig string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	id, err = url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), "/media/"))
	if err != nil {
		t.Fatal(err)
	}
	return id, u.Query().Get("exp"), u.Query().Get("sig")
}

func TestMediaSigner(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	s := NewSigner(testKey, "acme.gladly.com|api@acme.com", "https://graph.example.com/", 15*time.Minute).WithClock(clock)

	raw := s.Sign("item/1 a")
	if !strings.HasPrefix(raw, "https://graph.example.com/media/item%2F1%20a?") {
		t.Fatalf("Sign() = %q: wrong base or unescaped id", raw)
	}
	id, exp, sig := parts(t, raw)
	if id != "item/1 a" {
		t.Fatalf("id from URL = %q", id)
	}
	if err := s.Verify(id, exp, sig); err != nil {
		t.Fatalf("Verify(fresh URL) = %v", err)
	}
	if s.Sign("item/1 a") != raw {
		t.Error("two Sign calls in the same minute gave different URLs")
	}
	if got := s.Expiry(exp).Sub(now); got < 15*time.Minute || got > 16*time.Minute {
		t.Errorf("URL valid for %s, want 15–16 min", got)
	}

	other := NewSigner(testKey, "other.gladly.com|api@other.com", "https://graph.example.com", 15*time.Minute).WithClock(clock)
	otherKey := NewSigner([]byte("another-key-another-key-another-k"), "acme.gladly.com|api@acme.com", "https://graph.example.com", 15*time.Minute).WithClock(clock)
	later := s.WithClock(func() time.Time { return now.Add(17 * time.Minute) })
	flipped := []byte(sig)
	flipped[3] ^= 1
	if flipped[3] == '-' || flipped[3] == '_' {
		flipped[3] = 'A'
	}

	tests := []struct {
		name         string
		s            *Signer
		id, exp, sig string
		want         error
	}{
		{"expired", later, id, exp, sig, ErrURLExpired},
		{"other item", s, "item2", exp, sig, ErrURLForged},
		{"later exp", s, id, "99999999999", sig, ErrURLForged},
		{"changed signature", s, id, exp, string(flipped), ErrURLForged},
		{"other tenant", other, id, exp, sig, ErrURLForged},
		{"other key", otherKey, id, exp, sig, ErrURLForged},
		{"no signature", s, id, exp, "", ErrURLMalformed},
		{"no exp", s, id, "", sig, ErrURLMalformed},
		{"exp not a number", s, id, "soon", sig, ErrURLMalformed},
		{"exp not canonical", s, id, "0" + exp, sig, ErrURLMalformed},
		{"signature not base64url", s, id, exp, "!!!", ErrURLMalformed},
		{"signature too short", s, id, exp, sig[:10], ErrURLMalformed},
		{"empty item", s, "", exp, sig, ErrURLMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.s.Verify(tt.id, tt.exp, tt.sig); !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestMediaSignerForgedBeatsExpired(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := NewSigner(testKey, "t", "http://x", time.Minute)
	past := s.WithClock(func() time.Time { return now.Add(-time.Hour) })
	_, exp, _ := parts(t, past.Sign("i"))
	// A forged signature on an expired URL is reported as forged.
	if err := s.Verify("i", exp, strings.Repeat("A", 43)); !errors.Is(err, ErrURLForged) {
		t.Errorf("Verify = %v, want %v", err, ErrURLForged)
	}
}
