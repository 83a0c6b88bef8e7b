package gqlhttp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/loaders"
)

// apqCache keeps automatic persisted queries in their own cache (apart from the response cache,
// whose Gladly data they would otherwise evict), so every replica knows a query once any replica
// has seen it when that cache is Redis.
type apqCache struct{ cache loaders.Cache }

// apqTTL is how long a persisted query is kept after its registration.
const apqTTL = 24 * time.Hour

// DefaultAPQMaxQueryBytes is the largest document kept as a persisted query: far above any
// operation a client sends (the token limit keeps documents small), far below the body limit, so
// registrations cannot fill the store with a few huge documents.
const DefaultAPQMaxQueryBytes = 64 << 10

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

// persistedQueries is automatic persisted queries (Apollo's protocol, as gqlgen's extension
// speaks it) in two steps: lookup reads a hash-only request's document before parsing; store
// registers a document sent with its hash only once it has parsed, validated and passed every
// limit (it is mounted after them). gqlgen's own extension stores the document before parsing:
// unparseable megabyte documents were kept for 24 hours.
type persistedQueries struct {
	cache    apqCache
	maxBytes int
}

// apqStore is persistedQueries' second step.
type apqStore struct{ persistedQueries }

var (
	_ interface {
		graphql.HandlerExtension
		graphql.OperationParameterMutator
	} = persistedQueries{}
	_ interface {
		graphql.HandlerExtension
		graphql.OperationContextMutator
	} = apqStore{}
)

// apqStatsKey is where gqlgen's extension keeps its stats: extension.GetApqStats reads ours.
const apqStatsKey = "APQ"

func (persistedQueries) ExtensionName() string                   { return "GladgraphPersistedQueries" }
func (persistedQueries) Validate(graphql.ExecutableSchema) error { return nil }
func (apqStore) ExtensionName() string                           { return "GladgraphPersistedQueriesStore" }
func (apqStore) Validate(graphql.ExecutableSchema) error         { return nil }

func (a persistedQueries) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Extensions["persistedQuery"] == nil {
		return nil
	}
	ext, ok := p.Extensions["persistedQuery"].(map[string]any)
	if !ok {
		return gqlerror.Errorf("invalid APQ extension data")
	}
	hash, _ := ext["sha256Hash"].(string)
	if !isVersion1(ext["version"]) {
		return gqlerror.Errorf("unsupported APQ version")
	}
	sent := p.Query != ""
	if !sent {
		var ok bool
		if p.Query, ok = a.cache.Get(ctx, hash); !ok {
			err := gqlerror.Errorf("PersistedQueryNotFound")
			errcode.Set(err, "PERSISTED_QUERY_NOT_FOUND")
			return err
		}
	} else if sum := sha256.Sum256([]byte(p.Query)); hex.EncodeToString(sum[:]) != hash {
		return gqlerror.Errorf("provided APQ hash does not match query")
	}
	graphql.GetOperationContext(ctx).Stats.SetExtension(apqStatsKey, &extension.ApqStats{Hash: hash, SentQuery: sent})
	return nil
}

// MutateOperationContext stores the document of a registration that got this far: parsed,
// validated, within the limits. A document over maxBytes runs but is not kept.
func (a apqStore) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	s, _ := op.Stats.GetExtension(apqStatsKey).(*extension.ApqStats)
	if s == nil || !s.SentQuery || len(op.RawQuery) > a.maxBytes {
		return nil
	}
	a.cache.Add(ctx, s.Hash, op.RawQuery)
	return nil
}

// isVersion1 reports whether an APQ version, as JSON decoding left it, is 1.
func isVersion1(v any) bool {
	switch n := v.(type) {
	case float64:
		return n == 1
	case int:
		return n == 1
	case int64:
		return n == 1
	case json.Number:
		return n.String() == "1"
	}
	return false
}
