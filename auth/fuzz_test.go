package auth

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/caller"
)

// FuzzAuthorization: whatever the Authorization header, Authenticate answers a caller on the
// key's or token's account or an *Error of 401, 403 or 503, and never panics. (That messages
// never quote credentials is checked by the table tests: a fuzzer can always build a header
// that is a piece of some fixed message.)
func FuzzAuthorization(f *testing.F) {
	rs := newRSASigner(f, "k", "RS256")
	is := newIssuer(f, rs)
	keys := newMemKeys()
	key := keys.issue(f, "acme", []string{caller.ContactsRead}, nil)
	a := newTestAuthenticator(f, ModeRequired, is, newMemAccounts("acme"), keys, nil)
	token := rs.token(f, nil, claims("acme", nil))
	for _, s := range []string{
		"Bearer " + token, "Bearer " + key, "bearer " + key, "Bearer", "Bearer ", "Basic dTpw",
		"Bearer " + token[:len(token)-3], "Bearer ggk_", "Bearer a.b.c", "Bearer ..", "Bearer e30.e30.",
		"Bearer " + strings.Repeat("A", 100) + "==", "Bearer eyJhbGciOiJub25lIn0.e30.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		c, err := a.Authenticate(t.Context(), h)
		if err == nil {
			if c == nil || c.AccountID != "acme" {
				t.Fatalf("caller %+v for %q", c, h)
			}
			return
		}
		e, ok := err.(*Error)
		if !ok {
			t.Fatalf("error %T %v", err, err)
		}
		switch e.Status {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusServiceUnavailable:
		default:
			t.Fatalf("status %d for %q", e.Status, h)
		}
	})
}
