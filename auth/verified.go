package auth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// A client keeps its JWT for the token's lifetime and sends it on every request, and the
// signature check (RSA or ECDSA, tens of microseconds at best) is most of what verifying costs.
// So a token that verified is remembered, under the SHA-256 of its exact bytes, until its exp
// (plus leeway) passes or the key that signed it leaves the JWKS. Only the exact bytes of a
// token that passed every check hit; refusals are never remembered.
const maxVerifiedTokens = 10_000

type verifiedToken struct {
	claims jwtCaller
	kid    string
	key    *verificationKey // the key that verified it, as held then
	// validFrom and validUntil are nbf−leeway and exp+leeway.
	validFrom, validUntil time.Time
}

type verifiedTokens struct {
	mu sync.Mutex
	m  map[[32]byte]*verifiedToken
}

func newVerifiedTokens() *verifiedTokens {
	return &verifiedTokens{m: make(map[[32]byte]*verifiedToken)}
}

func tokenDigest(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// get answers the remembered verification of a token, if it still holds at now.
func (v *verifiedTokens) get(d [32]byte, now time.Time) (*verifiedToken, bool) {
	v.mu.Lock()
	e, ok := v.m[d]
	if ok && !now.Before(e.validUntil) {
		delete(v.m, d)
		ok = false
	}
	v.mu.Unlock()
	if !ok || now.Before(e.validFrom) {
		return nil, false
	}
	return e, true
}

func (v *verifiedTokens) put(d [32]byte, e *verifiedToken, now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.m) >= maxVerifiedTokens {
		v.evict(now)
	}
	v.m[d] = e
}

// evict drops expired entries and, if that is not enough, arbitrary ones down to 90 %, so a
// full cache costs one scan per tenth of its size, not one per insert. Called with mu held.
func (v *verifiedTokens) evict(now time.Time) {
	for d, e := range v.m {
		if !now.Before(e.validUntil) {
			delete(v.m, d)
		}
	}
	for d := range v.m {
		if len(v.m) < maxVerifiedTokens*9/10 {
			break
		}
		delete(v.m, d)
	}
}

func (v *verifiedTokens) remove(d [32]byte) {
	v.mu.Lock()
	delete(v.m, d)
	v.mu.Unlock()
}
