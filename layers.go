package main

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql"
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
	"github.com/gladgraph/gladgraph/mcp/stdio"
	"github.com/gladgraph/gladgraph/media"
	"github.com/gladgraph/gladgraph/telemetry"
	"github.com/gladgraph/gladgraph/tenant"
)

// Backend is what the server has built for the layers to use.
type Backend struct {
	Config *config.Config
	Logger zerolog.Logger
	// Gladly, Media and Invalidator are the default account's (nil with DATABASE_URL); requests
	// run on their caller's account (tenant.Middleware).
	Gladly      *gladly.Client
	Media       *media.Signer
	Invalidator loaders.Invalidator
	Redis       redis.UniversalClient // nil: in-process caches
	Metrics     prometheus.Registerer // the registry /metrics serves
	Tenants     *tenant.Registry      // the linked accounts' runtimes
	// Operations counts GraphQL operations and their error codes (mounted on the GraphQL handler).
	Operations graphql.HandlerExtension
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

// buildLayers builds the GraphQL handler: scopes enforced, persisted queries kept apart from the
// response cache (in Redis when configured), each request on its caller's account's loaders.
func buildLayers(b *Backend) (Layers, error) {
	cfg := b.Config
	apq, closeAPQ := tenant.PersistedQueries(b.Redis, b.Logger, int(cfg.Limits.APQMaxBytes))
	// A span per operation (when tracing is on); operations and error codes in /metrics.
	exts := []graphql.HandlerExtension{telemetry.Operations()}
	if b.Operations != nil {
		exts = append(exts, b.Operations)
	}
	if cfg.OperationCache {
		exts = append(exts, tenant.OperationCache(b.Metrics))
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
			// Before any Gladly call: what one operation may cost of the organization's budget.
			MaxUpstreamCalls: cfg.Limits.MaxOperationUpstreamCalls,
		},
		APQ:              apq,
		QueryCacheBytes:  int(cfg.Limits.QueryCacheBytes),
		MaxResponseBytes: int(cfg.Limits.MaxResponseBytes),
		CSRFPrevention:   true,
		Access:           graph.NewAccess(graph.AccessOptions{RouterSecretSet: cfg.Auth.RouterSecret != ""}),
		Extensions:       exts,
		Events:           b.Events,
		Subscriptions:    gqlhttp.Subscriptions{Loaders: tenant.Loaders{}, Init: tenant.WebSocketInit(b.Authn, b.Tenants)},
	})
	return Layers{GraphQL: h, Invalidator: b.Invalidator, Close: closeAPQ}, nil
}

// stdioLayers is buildLayers for `gladgraph mcp`, which builds its parts without listening.
func stdioLayers(p stdio.Parts) (http.Handler, func(), error) {
	l, err := buildLayers(&Backend{Config: p.Config, Logger: p.Logger, Redis: p.Redis, Metrics: p.Metrics,
		Tenants: p.Tenants, Gladly: p.Gladly, Media: p.Media, Invalidator: p.Invalidator})
	return l.GraphQL, l.Close, err
}
