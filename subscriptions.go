package main

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/tenant"
	"github.com/gladgraph/gladgraph/webhooks/provision"
)

// withSubscriptions routes the requests that open a subscription transport on /graphql past
// REQUEST_TIMEOUT and the router's write deadline, which would cut every stream:
//   - a WebSocket upgrade is authenticated by its Authorization header when it has one, else
//     by its connection_init payload (auth.DeferWebSocketAuth; browsers cannot set headers on
//     an upgrade); the account's runtime is resolved at connection_init
//     (tenant.WebSocketInit, configured in buildLayers);
//   - a POST asking for text/event-stream (GraphQL over SSE) goes through the same
//     authentication and account as any request (onAccount).
//
// Everything else goes to plain.
func withSubscriptions(cfg *config.Config, acc *tenant.Accounts, graphql http.Handler,
	onAccount func(http.Handler, ...auth.MiddlewareOption) http.Handler, plain http.Handler) http.Handler {
	body := func(h http.Handler) http.Handler { return http.MaxBytesHandler(h, cfg.Limits.MaxBodyBytes) }
	ws := auth.MarkRouter(cfg.Auth.RouterSecret, acc.Authn.Middleware(graphql, auth.DeferWebSocketAuth()))
	sse := onAccount(body(graphql))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
			_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
			ws.ServeHTTP(w, r)
		case gqlhttp.IsSubscriptionRequest(r):
			_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
			sse.ServeHTTP(w, r)
		default:
			plain.ServeHTTP(w, r)
		}
	})
}

// provisionDemo registers each demo account's webhook in its fake, as provisioning does in a
// real Gladly, so that the demo's changes reach its subscriptions (delivered in process through
// demo.Loopback: the fakes, like Gladly, deliver to https URLs only).
func provisionDemo(logger zerolog.Logger, acc *tenant.Accounts) {
	log := logger.With().Str("component", "provision").Logger()
	p, err := provision.New(provision.Config{PublicURL: demo.WebhookBase, Log: log})
	if err != nil {
		log.Warn().Err(err).Msg("demo: webhooks not provisioned; subscriptions get no events")
		return
	}
	ctx := context.Background()
	for _, id := range []string{demo.Account, demo.SecondAccount} {
		a, err := acc.Store.Get(ctx, id)
		if err == nil {
			var rt *tenant.Runtime
			if rt, err = acc.Registry.Get(ctx, id); err == nil {
				_, err = p.Ensure(ctx, provision.Account{ID: id, Client: rt.Gladly,
					Credentials: gladly.WebhookCredentials{Username: a.WebhookUsername, Password: a.WebhookPassword}})
			}
		}
		if err != nil {
			log.Warn().Err(err).Str("account", id).Msg("demo: webhook not provisioned; subscriptions of this account get no events")
		}
	}
}
