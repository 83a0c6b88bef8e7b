package auth

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/gladgraph/gladgraph/caller"
)

// acceptedAlgorithms are the JWS algorithms a token may name: asymmetric ones only, so "none"
// and HMAC (where a public key would become the secret) are refused before any key is looked up.
var acceptedAlgorithms = map[string]jwa.SignatureAlgorithm{
	"RS256": jwa.RS256(), "RS384": jwa.RS384(), "RS512": jwa.RS512(),
	"PS256": jwa.PS256(), "PS384": jwa.PS384(), "PS512": jwa.PS512(),
	"ES256": jwa.ES256(), "ES384": jwa.ES384(), "ES512": jwa.ES512(),
	"EdDSA": jwa.EdDSA(), "Ed25519": jwa.EdDSAEd25519(),
}

// jwtVerifier checks JWTs against the issuer's JWKS, issuer, audience and lifetime.
type jwtVerifier struct {
	keys         *jwksCache
	issuer       string
	audience     string
	accountClaim string
	leeway       time.Duration
	verified     *verifiedTokens
	now          func() time.Time // the tokens' clock (jwx validates against time.Now too)
}

// jwtCaller is what a verified token says.
type jwtCaller struct {
	subject string
	// account is "" when the token names none (hasAccount false).
	account    string
	hasAccount bool
	scopes     caller.Scopes
}

// verify checks token and reads its caller. The account is not checked here (see
// Authenticator), only that the claim, when present, is a string. A token that verified before
// is answered from memory while it is within its lifetime and its key is still published.
func (v *jwtVerifier) verify(ctx context.Context, token string) (jwtCaller, *Error) {
	digest := tokenDigest(token)
	now := v.now()
	if e, ok := v.verified.get(digest, now); ok {
		if v.keys.stillPublished(e.kid, e.key) {
			return e.claims.clone(), nil
		}
		v.verified.remove(digest)
	}
	e, err := v.verifyFully(ctx, token)
	if err != nil {
		return jwtCaller{}, err
	}
	v.verified.put(digest, e, now)
	return e.claims.clone(), nil
}

// verifyFully checks every part of the token: header, algorithm, key, signature, claims.
func (v *jwtVerifier) verifyFully(ctx context.Context, token string) (*verifiedToken, *Error) {
	hdr, _, _, err := jwsbb.SplitCompactString(token)
	if err != nil {
		return nil, unauthenticated("the bearer token is neither a JWT nor a gladgraph API key")
	}
	h := jwsbb.HeaderParseCompact(hdr)
	algName, err := jwsbb.HeaderGetString(h, "alg")
	if err != nil {
		return nil, unauthenticated("the token's header is malformed or names no algorithm")
	}
	alg, ok := acceptedAlgorithms[algName]
	if !ok {
		return nil, unauthenticated("the token's algorithm is not accepted (RS*, PS*, ES* and EdDSA only)")
	}
	kid, err := jwsbb.HeaderGetString(h, "kid")
	if err != nil && jwsbb.HeaderHas(h, "kid") {
		return nil, unauthenticated("the token's key id is not a string")
	}
	key, err := v.keys.lookup(ctx, kid, alg)
	switch {
	case errors.Is(err, errUnknownKey):
		return nil, unauthenticated("the token was not signed by a key of the configured issuer")
	case err != nil:
		return nil, unavailable("the issuer's signing keys are unavailable; try again shortly")
	}
	if !key.allows(alg) {
		return nil, unauthenticated("the token's algorithm does not match its signing key")
	}
	tok, err := jwt.ParseString(token,
		jwt.WithKey(alg, key.raw),
		jwt.WithIssuer(v.issuer),
		jwt.WithAudience(v.audience),
		jwt.WithAcceptableSkew(v.leeway),
		jwt.WithRequiredClaim(jwt.ExpirationKey),
		jwt.WithClock(jwt.ClockFunc(v.now)),
	)
	if err != nil {
		return nil, parseFailure(err)
	}
	c := jwtCaller{}
	c.subject, _ = tok.Subject()
	if c.scopes, err = scopesOf(tok); err != nil {
		return nil, unauthenticated(err.Error())
	}
	var account any
	if tok.Get(v.accountClaim, &account) == nil {
		s, ok := account.(string)
		if !ok {
			return nil, unauthenticated(fmt.Sprintf("the token's %q claim is not a string", v.accountClaim))
		}
		c.account, c.hasAccount = s, true
	}
	e := &verifiedToken{claims: c, kid: kid, key: key}
	exp, _ := tok.Expiration() // required above
	e.validUntil = exp.Add(v.leeway)
	if nbf, ok := tok.NotBefore(); ok {
		e.validFrom = nbf.Add(-v.leeway)
	}
	return e, nil
}

// clone gives each caller its own scope set, so one request cannot change another's.
func (c jwtCaller) clone() jwtCaller {
	c.scopes = maps.Clone(c.scopes)
	return c
}

// parseFailure says which check a token failed, from jwx's error kinds; jwx's own text is not
// passed on (it is not written for clients).
func parseFailure(err error) *Error {
	switch {
	case errors.Is(err, jwt.TokenExpiredError()):
		return unauthenticated("the token has expired")
	case errors.Is(err, jwt.TokenNotYetValidError()):
		return unauthenticated("the token is not valid yet (nbf)")
	case errors.Is(err, jwt.InvalidIssuedAtError()):
		return unauthenticated("the token is issued in the future (iat)")
	case errors.Is(err, jwt.InvalidIssuerError()):
		return unauthenticated("the token's issuer is not the configured one")
	case errors.Is(err, jwt.InvalidAudienceError()):
		return unauthenticated("the token's audience does not include this service")
	case errors.Is(err, jwt.MissingRequiredClaimError()):
		return unauthenticated("the token has no expiry (exp)")
	case errors.Is(err, jwt.ValidateError()):
		return unauthenticated("the token's claims are not valid")
	default:
		return unauthenticated("the token's signature or encoding is invalid")
	}
}

// scopesOf reads "scope" (a space-separated string, RFC 8693) and "scp" (an array of strings;
// a space-separated string is taken too, as Microsoft Entra ID sends it). Both may be present;
// their union counts. Any other type refuses the token: a scope list that cannot be read must
// not be read as "no scopes" and then be trusted.
func scopesOf(tok jwt.Token) (caller.Scopes, error) {
	out := caller.Scopes{}
	var raw any
	if tok.Get("scope", &raw) == nil {
		s, ok := raw.(string)
		if !ok {
			return nil, errors.New(`the token's "scope" claim is not a space-separated string`)
		}
		for _, n := range strings.Fields(s) {
			out[n] = struct{}{}
		}
	}
	raw = nil
	if tok.Get("scp", &raw) == nil {
		switch v := raw.(type) {
		case string:
			for _, n := range strings.Fields(v) {
				out[n] = struct{}{}
			}
		case []any:
			for _, e := range v {
				s, ok := e.(string)
				if !ok || strings.TrimSpace(s) == "" {
					return nil, errors.New(`the token's "scp" claim is not an array of strings`)
				}
				out[s] = struct{}{}
			}
		case []string:
			for _, s := range v {
				out[s] = struct{}{}
			}
		default:
			return nil, errors.New(`the token's "scp" claim is not an array of strings`)
		}
	}
	return out, nil
}
