package gladly_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["identity"] = contractIdentity }

func contractIdentity(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()
	for typ, identity := range map[string]string{gladly.IdentityEmail: "test@example.com", gladly.IdentityMobilePhone: "+14155550100"} {
		token, resp, err := cl.UserIdentity.CreateToken(ctx, typ, identity)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s token: %v", typ, err)
		}
		claims, err := srv.VerifyUserIdentityToken(token)
		if err != nil || claims.Subject != identity || claims.IdentityType != typ {
			t.Errorf("%s token claims %+v, %v", typ, claims, err)
		}
	}
	_, _, err := cl.UserIdentity.CreateToken(ctx, gladly.IdentityEmail, "not an email")
	assertFieldError(t, err, http.StatusBadRequest, "identity", gladly.CodeInvalid)
	_, _, err = cl.UserIdentity.CreateToken(ctx, gladly.IdentityMobilePhone, "(415) 555-0100")
	assertFieldError(t, err, http.StatusBadRequest, "identity", gladly.CodeInvalid)
}

func TestUserIdentityToken(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)}
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithClock(clk.now))
	cl := newClient(t, srv)
	ctx := t.Context()
	token, _, err := cl.UserIdentity.CreateToken(ctx, gladly.IdentityEmail, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWT", token)
	}
	var header map[string]string
	var claims map[string]any
	for i, v := range []any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(b, v) != nil {
			t.Fatalf("token part %d: %q", i, parts[i])
		}
	}
	if header["alg"] != "HS256" || header["typ"] != "JWT" {
		t.Errorf("header %v", header)
	}
	if claims["sub"] != "ada@example.com" || claims["identityType"] != "EMAIL" ||
		claims["iat"] != float64(clk.now().Unix()) || claims["exp"].(float64) <= claims["iat"].(float64) {
		t.Errorf("claims %v", claims)
	}

	// The signature is the server's own: tampering or another server's key fails it.
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"eve@example.com","identityType":"EMAIL","iat":1,"exp":9999999999}`)) + "." + parts[2]
	if _, err := srv.VerifyUserIdentityToken(forged); err == nil {
		t.Errorf("a forged token verified")
	}
	other := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithClock(clk.now))
	if _, err := other.VerifyUserIdentityToken(token); err == nil {
		t.Errorf("another server's token verified")
	}
	clk.advance(2 * time.Hour)
	if _, err := srv.VerifyUserIdentityToken(token); err == nil {
		t.Errorf("an expired token verified")
	}

	for name, tc := range map[string]struct{ typ, identity, attr, code string }{
		"no type":        {"", "ada@example.com", "identityType", gladly.CodeBlank},
		"unknown type":   {"USERNAME", "ada", "identityType", gladly.CodeInvalid},
		"no identity":    {gladly.IdentityEmail, "", "identity", gladly.CodeBlank},
		"display name":   {gladly.IdentityEmail, "Ada <ada@example.com>", "identity", gladly.CodeInvalid},
		"national phone": {gladly.IdentityMobilePhone, "4155550100", "identity", gladly.CodeInvalid},
	} {
		_, _, err := cl.UserIdentity.CreateToken(ctx, tc.typ, tc.identity)
		if err == nil {
			t.Errorf("%s: issued", name)
			continue
		}
		assertFieldError(t, err, http.StatusBadRequest, tc.attr, tc.code)
	}
}
