package loaders

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Cache is the shared response cache under the loaders: raw Gladly answers by key, each entry
// carrying tags (the objects it contains) so that a write can drop every entry it made stale.
//
// Reads and write-backs race with invalidations: a loader reads (a miss), fetches from Gladly,
// and writes the answer back, while another request writes to Gladly and invalidates. A
// write-back must not resurrect what an invalidation removed, so Get returns a Stamp (the
// cache's clock at the read) and Set skips every entry one of whose tags was invalidated at or
// after that stamp.
type Cache interface {
	// Get returns the values of keys (nil for a miss) in one round trip, and the stamp of the read.
	Get(ctx context.Context, keys []string) (vals [][]byte, at Stamp, err error)
	// Set writes entries in one round trip, skipping those invalidated since at.
	Set(ctx context.Context, at Stamp, entries []Entry) error
	// Invalidate deletes every entry carrying one of tags and marks the tags invalidated now.
	Invalidate(ctx context.Context, tags []string) error
	// Ping checks that the cache answers.
	Ping(ctx context.Context) error
}

// Stamp is a point on a cache's own clock.
type Stamp int64

// Entry is one value to write back.
type Entry struct {
	Key   string
	Value []byte
	TTL   time.Duration
	// Tags name the objects the value holds; an entry is always tagged with its own identity.
	Tags []string
}

// invalidationMemory is how long an invalidation is remembered against slow write-backs: longer
// than any Gladly fetch can take (the client's own deadline is shorter).
const invalidationMemory = 2 * time.Minute

// Namespace returns the key prefix for one schema version and one tenant (Gladly host + API user).
// The tenant is hashed so that the API user's address is not spelled out in the cache, and put in
// a Redis Cluster hash tag so that a tenant's keys share a slot: a batch is one MGET and an
// invalidation one script even on a cluster.
func Namespace(schemaVersion, tenant string) string {
	sum := sha256.Sum256([]byte(tenant))
	return "gg:" + schemaVersion + ":{" + hex.EncodeToString(sum[:8]) + "}:"
}
