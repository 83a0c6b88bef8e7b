package main

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
	"github.com/gladgraph/gladgraph/schema"
)

// Backend is what the server has built for the layers to use.
type Backend struct {
	Config *config.Config
	Logger zerolog.Logger
	// Gladly is the client (against the demo's fake in demo mode), with rate limit and observer.
	Gladly *gladly.Client
	// Redis is the configured Redis, or nil: the cache is then in-process.
	Redis redis.UniversalClient
	// Media signs the URLs ConversationItem.media.url hands out; /media/{itemId} checks them.
	Media *media.Signer
	// Metrics is the Prometheus registry /metrics serves, for the layers' own collectors.
	Metrics prometheus.Registerer
}

// Layers are the parts built elsewhere (gqlhttp/, graph/, loaders/) that the server mounts.
type Layers struct {
	// GraphQL serves /graphql (POST, and GET for queries). The server has already put a
	// loaders.Stats in the request context, applied MAX_BODY_BYTES and REQUEST_TIMEOUT, and
	// serves GraphiQL to browsers that GET /graphql asking for HTML.
	GraphQL http.Handler
	// Invalidator drops cache entries a Gladly webhook event made stale.
	Invalidator loaders.Invalidator
	// Close, when set, releases what the layers hold; called after the HTTP server has drained.
	Close func()
}

// memoryCacheBytes bounds the in-process response cache used when no Redis is configured.
const memoryCacheBytes = 128 << 20

// buildLayers builds the response cache (Redis behind a circuit breaker, or in-process), the
// loaders over it and the GraphQL handler.
func buildLayers(b *Backend) (Layers, error) {
	cfg := b.Config
	var (
		cache      loaders.Cache
		closeCache = func() {}
	)
	if b.Redis != nil {
		ns := loaders.Namespace(schema.Version(), b.Gladly.Tenant())
		r := loaders.NewResilient(loaders.NewRedisCache(b.Redis, ns), b.Logger)
		cache, closeCache = r, r.Close
	} else {
		cache = loaders.NewMemoryCache(memoryCacheBytes)
	}
	ttl := loaders.DefaultTTLs()
	ttl.Directory, ttl.Profile, ttl.Task = cfg.CacheTTL.Directory, cfg.CacheTTL.Profile, cfg.CacheTTL.Task
	ttl.Conversation, ttl.Item, ttl.Knowledge = cfg.CacheTTL.Conversation, cfg.CacheTTL.Item, cfg.CacheTTL.Answer
	ttl.NotFound = cfg.CacheTTL.NotFound
	store := loaders.NewStore(cache, loaders.WithTTLs(ttl))
	h := gqlhttp.NewHandler(gqlhttp.Config{
		Gladly:        b.Gladly,
		Loaders:       loaders.NewFactory(b.Gladly, store),
		Media:         b.Media,
		Log:           b.Logger,
		Introspection: cfg.Introspection,
		Limits: gqlhttp.Limits{
			MaxComplexity: cfg.Limits.MaxQueryComplexity,
			MaxDepth:      cfg.Limits.MaxQueryDepth,
			MaxEntities:   cfg.Limits.MaxEntityRepresentations,
			MaxAliases:    cfg.Limits.MaxQueryAliases,
			MaxTokens:     cfg.Limits.MaxQueryTokens,
		},
		APQ:            cache,
		CSRFPrevention: true,
	})
	return Layers{GraphQL: h, Invalidator: store, Close: closeCache}, nil
}
