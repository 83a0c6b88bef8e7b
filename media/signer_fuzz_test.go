package media

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzMediaURL checks the media URL verifier against arbitrary item ids, exp and sig values
// (issue 8): it never panics, answers one of its three errors or nil, and accepts only what Sign
// could have produced for that very item — the canonical signature of the canonical exp, for this
// tenant — before that exp.
func FuzzMediaURL(f *testing.F) {
	now := time.Unix(1_700_000_000, 0)
	s := NewSigner(testKey, "tenant", "http://gladgraph.test", 15*time.Minute).WithClock(func() time.Time { return now })
	id, exp, sig := parts(f, s.Sign("item-1"))
	f.Add(id, exp, sig)
	f.Add("item-2", exp, sig)
	f.Add(id, "0"+exp, sig)
	f.Add(id, exp, sig[:20]+"\n"+sig[20:])
	f.Add(id, exp, sig[:len(sig)-1]+"B")
	f.Add("", "", "")
	f.Add(id, "99999999999999999999", sig)
	f.Fuzz(func(t *testing.T, item, exp, sig string) {
		err := s.Verify(item, exp, sig)
		if err != nil {
			if !errors.Is(err, ErrURLMalformed) && !errors.Is(err, ErrURLForged) && !errors.Is(err, ErrURLExpired) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		want := base64.RawURLEncoding.EncodeToString(s.mac(item, exp))
		if sig != want {
			t.Fatalf("accepted signature %q for %q/%q; the one Sign makes is %q", sig, item, exp, want)
		}
		if !s.Expiry(exp).After(now) || strings.TrimLeft(exp, "0123456789") != "" {
			t.Fatalf("accepted exp %q at %v", exp, now)
		}
	})
}
