package gladly

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
)

// NewID returns a fresh id in Gladly's own shape: 16 random bytes as 22 base64url characters
// (URL safe and under Gladly's 50-character limit).
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,49}$`)

// ValidID reports whether id is acceptable as a client-supplied id: URL safe, under 50 characters.
func ValidID(id string) bool { return idPattern.MatchString(id) }
