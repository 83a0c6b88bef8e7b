package main

import (
	"net/http"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/tenant"
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
