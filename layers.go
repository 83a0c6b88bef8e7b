package main

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
	"github.com/gladgraph/gladgraph/schema"
	"github.com/gladgraph/gladgraph/tenant"
)

// Backend is what the server has built for the layers to use.
type Backend struct {
	Config *config.Config
	Logger zerolog.Logger
	// Gladly, Media and Invalidator are the default account's (the demo's first account, or
	// the one account of GLADLY_*), nil with DATABASE_URL; requests run on their caller's
	// account (tenant.Middleware).
	Gladly      *gladly.Client
	Media       *media.Signer
	Invalidator loaders.Invalidator
	// Redis is the configured Redis, or nil: the cache is then in-process.
	Redis redis.UniversalClient
	// Metrics is the Prometheus registry /metrics serves, for the layers' own collectors.
	Metrics prometheus.Registerer
	// Tenants are the linked accounts' runtimes.
	Tenants *tenant.Registry
	// Events carries Gladly's events to subscriptions; Authn authenticates WebSocket
	// connections from their connection_init payload.
	Events *eventbus.Bus
	Authn  *auth.Authenticator
}

// Layers are the parts built elsewhere (gqlhttp/, graph/, loaders/) that the server mounts.
type Layers struct {
	// GraphQL serves /graphql (POST, and GET for queries). The server has already authenticated
	// the caller, put its account's loaders in the request context, applied MAX_BODY_BYTES and
	// REQUEST_TIMEOUT, and serves GraphiQL to browsers that GET /graphql asking for HTML.
	GraphQL http.Handler
	// Invalidator drops cache entries a Gladly webhook event on /webhooks/gladly made stale.
	Invalidator loaders.Invalidator
	// Close, when set, releases what the layers hold; called after the HTTP server has drained.
	Close func()
}

// apqCacheBytes bounds the in-process store of persisted queries (no Redis configured).
const apqCacheBytes = 16 << 20

// buildLayers builds the GraphQL handler: scopes enforced, persisted queries kept apart from the
// response cache (in Redis when configured), each request on its caller's account's loaders.
func buildLayers(b *Backend) (Layers, error) {
	cfg := b.Config
	var apq loaders.Cache = loaders.NewMemoryCache(apqCacheBytes)
	closeAPQ := func() {}
	if b.Redis != nil {
		r := loaders.NewResilient(loaders.NewRedisCache(b.Redis, loaders.Namespace(schema.Version(), "persisted-queries")), b.Logger)
		apq, closeAPQ = r, r.Close
	}
	h := gqlhttp.NewHandler(gqlhttp.Config{
		Gladly:        b.Gladly,
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
		APQ:            apq,
		CSRFPrevention: true,
		Access:         graph.NewAccess(graph.AccessOptions{RouterSecretSet: cfg.Auth.RouterSecret != ""}),
		Events:         b.Events,
		Subscriptions:  gqlhttp.Subscriptions{Loaders: tenant.Loaders{}, Init: tenant.WebSocketInit(b.Authn, b.Tenants)},
	})
	return Layers{GraphQL: h, Invalidator: b.Invalidator, Close: closeAPQ}, nil
}
