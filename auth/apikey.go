package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"time"
)

// API keys are "ggk_<keyId>_<secret>" (DESIGN.md §8): the key id finds the stored record, the
// secret is checked against its hash. Both parts are unpadded base64url; the secret carries 32
// random bytes.
const (
	apiKeyPrefix  = "ggk_"
	keyIDBytes    = 9
	keySecretSize = 32
)

// ErrKeyNotFound is what a KeyStore answers for a key id it does not hold.
var ErrKeyNotFound = errors.New("api key not found")

// StoredKey is an API key as a KeyStore keeps it: never the secret, only its hash.
type StoredKey struct {
	ID        string
	AccountID string
	// Hash is HashAPIKeySecret of the secret.
	Hash   []byte
	Scopes []string
	// ExpiresAt is zero for a key that does not expire.
	ExpiresAt time.Time
	Revoked   bool
}

// KeyStore finds API keys by id and records their use.
type KeyStore interface {
	// LookupAPIKey answers ErrKeyNotFound for an unknown id.
	LookupAPIKey(ctx context.Context, keyID string) (StoredKey, error)
	// TouchAPIKey records that the key was used at the given time (best effort).
	TouchAPIKey(ctx context.Context, keyID string, at time.Time)
}

// NewAPIKey makes a fresh API key. key is shown to the operator once; keyID and hash are what
// a KeyStore keeps.
func NewAPIKey() (key, keyID string, hash []byte, err error) {
	id := make([]byte, keyIDBytes)
	secret := make([]byte, keySecretSize)
	if _, err := rand.Read(id); err != nil {
		return "", "", nil, err
	}
	if _, err := rand.Read(secret); err != nil {
		return "", "", nil, err
	}
	keyID = base64.RawURLEncoding.EncodeToString(id)
	s := base64.RawURLEncoding.EncodeToString(secret)
	return apiKeyPrefix + keyID + "_" + s, keyID, HashAPIKeySecret(s), nil
}

// ParseAPIKey splits "ggk_<keyId>_<secret>"; ok is false for anything else.
func ParseAPIKey(s string) (keyID, secret string, ok bool) {
	rest, found := strings.CutPrefix(s, apiKeyPrefix)
	if !found {
		return "", "", false
	}
	// base64url's alphabet holds '_', so the key id's fixed length finds the separator.
	idLen := base64.RawURLEncoding.EncodedLen(keyIDBytes)
	if len(rest) != idLen+1+base64.RawURLEncoding.EncodedLen(keySecretSize) || rest[idLen] != '_' {
		return "", "", false
	}
	keyID, secret = rest[:idLen], rest[idLen+1:]
	if _, err := base64.RawURLEncoding.DecodeString(keyID); err != nil {
		return "", "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret); err != nil {
		return "", "", false
	}
	return keyID, secret, true
}

// HashAPIKeySecret is the stored form of a key's secret. The secret is 32 random bytes, so a
// plain SHA-256 cannot be reversed by search; no salt or stretching is needed.
func HashAPIKeySecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// SecretMatches compares a presented secret with a stored hash in constant time.
func SecretMatches(secret string, hash []byte) bool {
	return subtle.ConstantTimeCompare(HashAPIKeySecret(secret), hash) == 1
}
