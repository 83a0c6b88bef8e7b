package gladlytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// userIdentityTTL is how long a user identity token lives (Gladly's is not documented).
const userIdentityTTL = time.Hour

// UserIdentityClaims are the claims of the fake's user identity tokens. Gladly documents none;
// these are the registered ones a chat widget would need.
type UserIdentityClaims struct {
	Subject      string `json:"sub"` // the identity: an email address or an E.164 number
	IdentityType string `json:"identityType"`
	IssuedAt     int64  `json:"iat"`
	ExpiresAt    int64  `json:"exp"`
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

func (s *Server) createUserIdentityJWT(w http.ResponseWriter, r *http.Request) {
	var in struct {
		IdentityType string `json:"identityType"`
		Identity     string `json:"identity"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	var errs []fieldError
	identity := strings.TrimSpace(in.Identity)
	switch in.IdentityType {
	case "":
		errs = append(errs, fieldError{Attr: "identityType", Code: "blank", Detail: "identityType cannot be blank"})
	case gladly.IdentityEmail:
		if addr, _, ok := normalizeEmail(identity); ok && addr == identity {
			break
		}
		if identity != "" {
			errs = append(errs, fieldError{Attr: "identity", Code: "invalid", Detail: "identity must be a valid email address"})
		}
	case gladly.IdentityMobilePhone:
		if identity != "" && !validE164(identity) {
			errs = append(errs, fieldError{Attr: "identity", Code: "invalid", Detail: "identity must be a phone number in E.164 format"})
		}
	default:
		errs = append(errs, fieldError{Attr: "identityType", Code: "invalid", Detail: "identityType must be EMAIL or MOBILE_PHONE_NUMBER"})
	}
	if identity == "" {
		errs = append(errs, fieldError{Attr: "identity", Code: "blank", Detail: "identity cannot be blank"})
	}
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	now := s.now()
	claims := UserIdentityClaims{Subject: identity, IdentityType: in.IdentityType, IssuedAt: now.Unix(), ExpiresAt: now.Add(userIdentityTTL).Unix()}
	s.mu.Lock()
	key := s.db.admin.jwtKey
	s.mu.Unlock()
	token, err := signJWT(key, claims)
	if err != nil {
		http.Error(w, "gladlytest: sign token: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": token})
}

func signJWT(key []byte, claims any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

// VerifyUserIdentityToken checks a token issued by this server (signature and expiry, at the
// server's clock) and returns its claims.
func (s *Server) VerifyUserIdentityToken(token string) (*UserIdentityClaims, error) {
	header, rest, ok1 := strings.Cut(token, ".")
	payload, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || header != jwtHeader {
		return nil, errors.New("gladlytest: not an HS256 JWT")
	}
	s.mu.Lock()
	key := s.db.admin.jwtKey
	s.mu.Unlock()
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(header + "." + payload))
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac.Sum(nil)) {
		return nil, errors.New("gladlytest: bad token signature")
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, errors.New("gladlytest: bad token payload")
	}
	var c UserIdentityClaims
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, errors.New("gladlytest: bad token claims")
	}
	if s.now().Unix() >= c.ExpiresAt {
		return nil, errors.New("gladlytest: token expired")
	}
	return &c, nil
}
