package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/gladgraph/gladgraph/caller"
)

// The added cost per request of authentication, with a warm JWKS and stores in memory (the
// accounts store answers AccountStatus from memory too). Target: under 50 µs per request.
//
// JWT: "verify" is a token's first use (signature and claims checked; the remembered
// verification is dropped before each iteration), "repeat" its later uses (what a client
// holding one token for its lifetime costs per request).

func BenchmarkAuthenticateJWT(b *testing.B) {
	rs := newRSASigner(b, "rsa", "RS256")
	ec := newECSigner(b, "ec")
	is := newIssuer(b, rs, ec)
	a := newTestAuthenticator(b, ModeRequired, is, newMemAccounts("acme"), nil, nil)
	if err := a.Prefetch(b.Context()); err != nil {
		b.Fatal(err)
	}
	for _, s := range []*signer{rs, ec} {
		token := s.token(b, nil, claims("acme", nil))
		h, d := "Bearer "+token, tokenDigest(token)
		b.Run(s.alg+"/verify", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.jwt.verified.remove(d)
				if _, err := a.Authenticate(b.Context(), h); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.alg+"/repeat", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Authenticate(b.Context(), h); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAuthenticateAPIKey(b *testing.B) {
	keys := newMemKeys()
	key := keys.issue(b, "acme", []string{caller.ContactsRead, caller.TicketsRead}, nil)
	a := newTestAuthenticator(b, ModeRequired, nil, newMemAccounts("acme"), keys, nil)
	h := "Bearer " + key
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Authenticate(b.Context(), h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignatureOnly is the standard library's verification of the same signatures, run
// alongside the benchmarks above: the floor a JWT's first use cannot go under, whatever the
// library, on the machine of the run.
func BenchmarkSignatureOnly(b *testing.B) {
	for _, s := range []*signer{newRSASigner(b, "rsa", "RS256"), newECSigner(b, "ec")} {
		input := []byte("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ")
		sig := s.sign(b, s.alg, input)
		digest := sha256.Sum256(input)
		b.Run(s.alg, func(b *testing.B) {
			for b.Loop() {
				var ok bool
				switch k := s.priv.Public().(type) {
				case *rsa.PublicKey:
					ok = rsa.VerifyPKCS1v15(k, crypto.SHA256, digest[:], sig) == nil
				case *ecdsa.PublicKey:
					ok = ecdsa.Verify(k, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
				}
				if !ok {
					b.Fatal("signature did not verify")
				}
			}
		})
	}
}
