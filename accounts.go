package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/accounts/admin"
	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/gqlhttp/ide"
	"github.com/gladgraph/gladgraph/health"
	"github.com/gladgraph/gladgraph/mcp"
	"github.com/gladgraph/gladgraph/metrics"
	"github.com/gladgraph/gladgraph/tenant"
	"github.com/gladgraph/gladgraph/webhooks"
)

// linked is the accounts side of the server: the store, the per-account runtimes and who
// authenticates callers against them.
type linked struct {
	store          accounts.Store
	registry       *tenant.Registry
	authn          *auth.Authenticator
	defaultRuntime *tenant.Runtime // the account anonymous callers and legacy routes use, if any
	close          func()
}

// openAccounts opens the accounts store (PostgreSQL with DATABASE_URL; else the one account of
// GLADLY_* or the demo's two over their fakes), the registry of runtimes and the authenticator.
func openAccounts(cfg *config.Config, logger zerolog.Logger, rdb redis.UniversalClient, m *metrics.Metrics, initial []accounts.NewAccount) (*linked, error) {
	ctx := context.Background()
	l := &linked{}
	var closers []func()
	l.close = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	if !cfg.Demo() && cfg.DatabaseURL == "" {
		initial = []accounts.NewAccount{{ID: cfg.DefaultAccount(), GladlyBaseURL: cfg.GladlyBaseURL,
			Username: cfg.GladlyUsername, APIToken: cfg.GladlyToken, RateLimit: float64(cfg.GladlyRateLimit)}}
	}
	var err error
	if cfg.DatabaseURL != "" {
		kr, kerr := accounts.ParseKeyring(cfg.AccountsKeys)
		if kerr != nil {
			return l, kerr
		}
		l.store, err = accounts.OpenPostgres(ctx, cfg.DatabaseURL, kr, accounts.WithLogger(logger.With().Str("component", "accounts").Logger()))
	} else {
		l.store, err = accounts.NewMemoryStore(initial...)
	}
	if err != nil {
		return l, fmt.Errorf("accounts store: %w", err)
	}
	closers = append(closers, l.store.Close)
	l.registry = tenant.NewRegistry(l.store, tenant.NewBuilder(tenant.Deps{Config: cfg, Logger: logger, Redis: rdb, Metrics: m}))
	closers = append(closers, l.registry.Close)

	list, err := l.store.List(ctx)
	if err != nil {
		return l, fmt.Errorf("accounts store: %w", err)
	}
	ac := cfg.Auth
	ac.DefaultAccount = cfg.DefaultAccount()
	ac = ac.WithDefaults()
	if err := ac.ValidateAccounts(len(list)); err != nil {
		return l, &config.Error{Problems: []string{err.Error()}}
	}
	if l.authn, err = auth.New(ac, tenant.AuthAccounts{Store: l.store}, l.store,
		auth.WithLogger(logger.With().Str("component", "auth").Logger())); err != nil {
		return l, err
	}
	closers = append(closers, l.authn.Wait)
	if ac.JWTEnabled() {
		if err := l.authn.Prefetch(ctx); err != nil {
			logger.Warn().Err(err).Msg("auth: the JWKS could not be fetched yet; JWTs are refused until it can")
		}
	}
	if ac.DefaultAccount != "" {
		if l.defaultRuntime, err = l.registry.Get(ctx, ac.DefaultAccount); err != nil {
			return l, fmt.Errorf("account %s: %w", ac.DefaultAccount, err)
		}
	}
	if cfg.Demo() {
		keys := map[string]string{}
		for _, id := range []string{demo.Account, demo.SecondAccount} {
			k, err := l.store.IssueAPIKey(ctx, id, caller.GladlyScopes, time.Time{})
			if err != nil {
				return l, fmt.Errorf("demo API key: %w", err)
			}
			keys[id] = k.Key
		}
		demo.LogAPIKeys(logger, keys)
	}
	return l, nil
}

// routes mounts every route on the edge's router.
func routes(rt *edge.Router, cfg *config.Config, logger zerolog.Logger, l Layers, h *health.Checker, m *metrics.Metrics, acc *linked) error {
	page := ide.GraphiQL(ide.GraphiQLOptions{Endpoint: "graphql", Title: "gladgraph"})
	// Who calls, then on which account: a refused caller costs nothing upstream.
	onAccount := func(next http.Handler, opts ...auth.MiddlewareOption) http.Handler {
		return fromRouter(cfg.Auth.RouterSecret, acc.authn.Middleware(tenant.Middleware(acc.registry, next), opts...))
	}
	gql := http.MaxBytesHandler(edge.WithTimeout(cfg.Limits.RequestTimeout, l.GraphQL), cfg.Limits.MaxBodyBytes)
	rt.Handle("/graphql", "/graphql", ide.GraphQLOrIDE(page, onAccount(gql)))
	rt.Handle("GET /{$}", "/", page)
	rt.Handle("GET /graphiql/", "/graphiql/", page)
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

	adminAPI := acc.authn.AdminMiddleware(admin.New(admin.Config{Store: acc.store, Logger: logger.With().Str("component", "admin").Logger(),
		OnUnlink: func(_ context.Context, a accounts.Account) { acc.registry.Drop(a.ID) }}))
	rt.Handle("/admin/accounts", "/admin/accounts", adminAPI)
	rt.Handle("/admin/accounts/", "/admin/accounts/", adminAPI)

	if def := acc.defaultRuntime; def != nil && cfg.WebhooksEnabled() {
		// The route of the single account configured by WEBHOOK_* (before accounts existed).
		rt.Handle("POST /webhooks/gladly", "/webhooks/gladly", webhooks.NewReceiver(cfg, def.Seen, l.Invalidator, m))
	} else {
		// No credentials configured: the receiver does not exist rather than accept anyone.
		rt.Handle("/webhooks/gladly", "/webhooks/gladly", http.NotFoundHandler())
	}
	rt.Handle("POST /webhooks/gladly/{accountId}", "/webhooks/gladly/{accountId}", tenant.WebhookRoute(acc.registry))
	rt.HandleStream("GET /media/{itemId}", "/media/{itemId}", tenant.MediaRoute(acc.registry, cfg.DefaultAccount())) // sets a deadline per write
	rt.Handle("/", "unmatched", http.NotFoundHandler())
	return nil
}

// fromRouter marks requests carrying ROUTER_SECRET in Router-Authorization, for _service and
// _entities (graph.Access).
func fromRouter(secret string, next http.Handler) http.Handler {
	if secret == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.RouterAuthorized(r, secret) {
			r = r.WithContext(caller.WithRouter(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}
