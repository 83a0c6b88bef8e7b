package gqlhttp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/graph"
)

// Subscriptions configure the transports of the Subscription fields (Config.Events): GraphQL
// over WebSocket (graphql-transport-ws, what Apollo Router and Hive Gateway speak to subgraphs)
// and GraphQL over SSE.
type Subscriptions struct {
	// Loaders gives each event a fresh set of loaders (graph.SubscriptionEvents); nil:
	// Config.Loaders.
	Loaders graph.LoaderSource
	// Init authenticates a WebSocket connection: given the upgrade request's context and the
	// connection_init payload, it answers the context the connection's operations run in (the
	// caller and its account's runtime), or an error that closes the connection. Browsers cannot
	// set headers on an upgrade, so the credentials may come in the payload (DESIGN.md §8). Nil
	// keeps the upgrade request's context.
	Init func(ctx context.Context, payload map[string]any) (context.Context, error)
	// KeepAlive is the interval of the server's pings (default 15 s): proxies keep an idle
	// connection open, and a peer that stops answering is cut after two intervals.
	KeepAlive time.Duration
}

// errSubscriptionOverHTTP refuses a subscription on the plain HTTP transport, which answers one
// response per request.
var errSubscriptionOverHTTP = errors.New("subscriptions are served over WebSocket (graphql-transport-ws) or Server-Sent Events (POST with Accept: text/event-stream)")

// websocket is the WebSocket transport: keep-alive pings, and each connection's context marked
// with its id (the per-connection subscription limit) and authenticated by s.Init.
func (s Subscriptions) websocket() transport.Websocket {
	keepAlive := s.KeepAlive
	if keepAlive <= 0 {
		keepAlive = 15 * time.Second
	}
	return transport.Websocket{
		KeepAlivePingInterval: keepAlive, // the legacy graphql-ws protocol's "ka"
		PingPongInterval:      keepAlive, // graphql-transport-ws
		InitTimeout:           10 * time.Second,
		InitFunc: func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			ctx = eventbus.WithConnection(ctx, connectionID())
			if s.Init == nil {
				return ctx, nil, nil
			}
			ctx, err := s.Init(ctx, payload)
			return ctx, nil, err
		},
	}
}

func connectionID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// IsSubscriptionRequest reports whether r opens a subscription transport (a WebSocket upgrade,
// or a POST asking for an event stream): such requests outlive REQUEST_TIMEOUT and the router's
// write deadline.
func IsSubscriptionRequest(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") ||
		(r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream"))
}
