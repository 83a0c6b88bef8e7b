package gqlhttp

import (
	"context"
	"strconv"
	"time"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/loaders"
)

// apqCache keeps automatic persisted queries in the response cache, so every replica knows a
// query once any replica has seen it.
type apqCache struct{ cache loaders.Cache }

// apqTTL is how long a persisted query is kept after its registration.
const apqTTL = 24 * time.Hour

// apqKey is the hash's key within the caller's account: a query one account persisted is
// never served to another.
func apqKey(ctx context.Context, hash string) string {
	account := ""
	if c := caller.From(ctx); c != nil {
		account = c.AccountID
	}
	return "apq:" + strconv.Itoa(len(account)) + ":" + account + ":" + hash
}

func (c apqCache) Get(ctx context.Context, hash string) (string, bool) {
	vals, _, err := c.cache.Get(ctx, []string{apqKey(ctx, hash)})
	if err != nil || len(vals) == 0 || vals[0] == nil {
		return "", false
	}
	return string(vals[0]), true
}

func (c apqCache) Add(ctx context.Context, hash, query string) {
	_, at, err := c.cache.Get(ctx, nil) // a stamp for the write-back rule
	if err != nil {
		return
	}
	_ = c.cache.Set(ctx, at, []loaders.Entry{{Key: apqKey(ctx, hash), Value: []byte(query), TTL: apqTTL, Tags: []string{"apq"}}})
}
