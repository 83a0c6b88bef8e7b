package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/accounts/admin"
	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/health"
	"github.com/gladgraph/gladgraph/ide"
	"github.com/gladgraph/gladgraph/mcp"
	"github.com/gladgraph/gladgraph/metrics"
	"github.com/gladgraph/gladgraph/tenant"
	"github.com/gladgraph/gladgraph/webhooks"
)

// routes mounts every route on the edge's router.
func routes(rt *edge.Router, cfg *config.Config, logger zerolog.Logger, l Layers, h *health.Checker, m *metrics.Metrics, acc *tenant.Accounts) error {
	// The IDE: its endpoint is relative to the page, so that it works behind a path prefix.
	page := ide.Handler(ide.Options{Endpoint: "graphql", Title: "gladgraph"})
	// Who calls, then on which account: a refused caller costs nothing upstream.
	onAccount := func(next http.Handler, opts ...auth.MiddlewareOption) http.Handler {
		return auth.WithClientAddress(auth.MarkRouter(cfg.Auth.RouterSecret, acc.Authn.Middleware(tenant.Middleware(acc.Registry, next), opts...)))
	}
	gql := http.MaxBytesHandler(edge.WithTimeout(cfg.Limits.RequestTimeout, l.GraphQL), cfg.Limits.MaxBodyBytes)
	rt.Handle("/graphql", "/graphql", ide.GraphQLOrIDE(page, tenant.WithSubscriptions(cfg, acc, l.GraphQL, onAccount, onAccount(gql))))
	rt.Handle("GET /{$}", "/", page)
	rt.Handle("GET /ide/", "/ide/", page) // the page's scripts and styles
	rt.Handle("GET /graphiql/", "/graphiql/", ide.Handler(ide.Options{Endpoint: "../graphql", Title: "gladgraph"}))
	rt.Handle("GET /healthz", "/healthz", http.HandlerFunc(h.Liveness))
	rt.Handle("GET /readyz", "/readyz", http.HandlerFunc(h.Readiness))
	rt.Handle("GET /metrics", "/metrics", m.Handler())

	mcpServer, err := mcp.NewServer(mcp.Options{
		Executor:                 mcp.HandlerExecutor(l.GraphQL),
		AllowArbitraryOperations: cfg.MCPAllowArbitraryOperations,
		AllowedOrigins:           cfg.MCPAllowedOrigins,
		AllowLoopbackOrigins:     cfg.Demo(),
	})
	if err != nil {
		return fmt.Errorf("mcp: %w", err)
	}
	mcpHandler := http.MaxBytesHandler(edge.WithTimeout(cfg.Limits.RequestTimeout, mcpServer.HTTPHandler()), cfg.Limits.MaxBodyBytes)
	rt.Handle("/mcp", "/mcp", onAccount(mcpHandler, auth.WithResourceMetadata(cfg.PublicURL+mcp.ResourceMetadataPath)))
	meta := mcp.ResourceMetadataHandler(mcp.NewResourceMetadata(cfg.PublicURL, cfg.Auth.Issuer))
	rt.Handle("GET "+mcp.ResourceMetadataPath, mcp.ResourceMetadataPath, meta)
	rt.Handle("GET "+mcp.WellKnownResourcePath, mcp.WellKnownResourcePath, meta)

	adminAPI := acc.Authn.AdminMiddleware(admin.New(admin.Config{Store: acc.Store, Logger: logger.With().Str("component", "admin").Logger(),
		OnUnlink: func(ctx context.Context, a accounts.Account) {
			tenant.Unprovision(ctx, tenant.NewProvisioner(cfg, logger, acc), logger, a)
			acc.Unlinked(ctx, a)
		}}))
	rt.Handle("/admin/accounts", "/admin/accounts", adminAPI)
	rt.Handle("/admin/accounts/", "/admin/accounts/", adminAPI)

	if def := acc.Default; def != nil && cfg.WebhooksEnabled() {
		// The route of the single account configured by WEBHOOK_* (before accounts existed).
		rt.Handle("POST /webhooks/gladly", "/webhooks/gladly", webhooks.NewReceiver(cfg, def.Seen, l.Invalidator, m, webhooks.WithPublisher(def.ID, acc.Events)))
	} else {
		// No credentials configured: the receiver does not exist rather than accept anyone.
		rt.Handle("/webhooks/gladly", "/webhooks/gladly", http.NotFoundHandler())
	}
	rt.Handle("POST /webhooks/gladly/{accountId}", "/webhooks/gladly/{accountId}", tenant.WebhookRoute(acc.Registry))
	rt.HandleStream("GET /media/{itemId}", "/media/{itemId}", tenant.MediaRoute(acc.Registry, cfg.DefaultAccount())) // sets a deadline per write
	rt.Handle("/", "unmatched", http.NotFoundHandler())
	return nil
}
