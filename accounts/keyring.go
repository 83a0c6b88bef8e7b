package accounts

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// sealVersion is the first byte of every ciphertext, so the layout can change later.
const sealVersion = 1

var kidPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,32}$`)

// Keyring holds the AES-256 keys of ACCOUNTS_ENCRYPTION_KEYS: the first encrypts, every one
// decrypts, so a key can be rotated in (put first), secrets re-encrypted, and the old one
// removed.
type Keyring struct {
	order []string
	aeads map[string]cipher.AEAD
}

// KeyringError says which entry of ACCOUNTS_ENCRYPTION_KEYS is malformed and why; it never
// holds key material.
type KeyringError struct {
	// Entry is the 1-based position in the list.
	Entry  int
	KeyID  string
	Reason string
}

func (e *KeyringError) Error() string {
	if e.KeyID != "" {
		return fmt.Sprintf("ACCOUNTS_ENCRYPTION_KEYS: entry %d (key id %q): %s", e.Entry, e.KeyID, e.Reason)
	}
	return fmt.Sprintf("ACCOUNTS_ENCRYPTION_KEYS: entry %d: %s", e.Entry, e.Reason)
}

// UnknownKeyError is a secret sealed under a key id the keyring no longer holds.
type UnknownKeyError struct{ KeyID string }

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("accounts: secret is encrypted under key id %q, which ACCOUNTS_ENCRYPTION_KEYS does not hold (put that key back to read it)", e.KeyID)
}

// ErrCorruptSecret is a ciphertext that does not open: tampered with, truncated, or moved to
// another account (the account id is the associated data).
var ErrCorruptSecret = errors.New("accounts: secret does not decrypt (corrupt, or not this account's)")

// ParseKeyring reads "kid:base64key,…" where each key is 32 bytes in standard or URL base64.
func ParseKeyring(s string) (*Keyring, error) {
	if strings.TrimSpace(s) == "" {
		return nil, ErrNoKeys
	}
	kr := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, entry := range strings.Split(s, ",") {
		n := i + 1
		entry = strings.TrimSpace(entry)
		kid, b64, ok := strings.Cut(entry, ":")
		if !ok {
			return nil, &KeyringError{Entry: n, Reason: `not of the form "kid:base64key"`}
		}
		if !kidPattern.MatchString(kid) {
			return nil, &KeyringError{Entry: n, Reason: "key id must be 1 to 32 of A-Z, a-z, 0-9, '_', '.' and '-'"}
		}
		if _, dup := kr.aeads[kid]; dup {
			return nil, &KeyringError{Entry: n, KeyID: kid, Reason: "key id appears twice"}
		}
		key, err := decodeKey(b64)
		if err != nil {
			return nil, &KeyringError{Entry: n, KeyID: kid, Reason: "key is not valid base64"}
		}
		if len(key) != 32 {
			return nil, &KeyringError{Entry: n, KeyID: kid, Reason: fmt.Sprintf("key is %d bytes; AES-256 needs 32", len(key))}
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, &KeyringError{Entry: n, KeyID: kid, Reason: "key is not usable for AES-256"}
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, &KeyringError{Entry: n, KeyID: kid, Reason: "key is not usable for AES-256-GCM"}
		}
		kr.order = append(kr.order, kid)
		kr.aeads[kid] = aead
	}
	return kr, nil
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

// NewKeyString makes a fresh "kid:base64key" entry for ACCOUNTS_ENCRYPTION_KEYS.
func NewKeyString(kid string) (string, error) {
	if !kidPattern.MatchString(kid) {
		return "", fmt.Errorf("accounts: key id %q: must be 1 to 32 of A-Z, a-z, 0-9, '_', '.' and '-'", kid)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	return kid + ":" + base64.StdEncoding.EncodeToString(key), nil
}

// Primary is the key id new secrets are sealed under.
func (k *Keyring) Primary() string { return k.order[0] }

// KeyIDs lists the key ids, the primary first.
func (k *Keyring) KeyIDs() []string { return append([]string(nil), k.order...) }

// Seal encrypts a secret of account accountID under the primary key. Layout: version byte,
// key id length, key id, nonce, ciphertext+tag.
func (k *Keyring) Seal(accountID, plaintext string) ([]byte, error) {
	kid := k.order[0]
	aead := k.aeads[kid]
	out := make([]byte, 0, 2+len(kid)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(out, sealVersion, byte(len(kid)))
	out = append(out, kid...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("accounts: nonce: %w", err)
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, []byte(plaintext), []byte(accountID)), nil
}

// Open decrypts what Seal made for the same account id.
func (k *Keyring) Open(accountID string, sealed []byte) (string, error) {
	kid, body, err := splitSealed(sealed)
	if err != nil {
		return "", err
	}
	aead, ok := k.aeads[kid]
	if !ok {
		return "", &UnknownKeyError{KeyID: kid}
	}
	if len(body) < aead.NonceSize()+aead.Overhead() {
		return "", ErrCorruptSecret
	}
	pt, err := aead.Open(nil, body[:aead.NonceSize()], body[aead.NonceSize():], []byte(accountID))
	if err != nil {
		return "", ErrCorruptSecret
	}
	return string(pt), nil
}

// SealedKeyID names the key a ciphertext was sealed under.
func SealedKeyID(sealed []byte) (string, error) {
	kid, _, err := splitSealed(sealed)
	return kid, err
}

func splitSealed(sealed []byte) (kid string, body []byte, err error) {
	if len(sealed) < 2 || sealed[0] != sealVersion || len(sealed) < 2+int(sealed[1]) {
		return "", nil, ErrCorruptSecret
	}
	n := int(sealed[1])
	return string(sealed[2 : 2+n]), sealed[2+n:], nil
}
