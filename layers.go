package main

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/loaders"
)

// Backend is what the server has built for the layers to use.
type Backend struct {
	Config *Config
	Logger zerolog.Logger
	// Gladly is the client (against the demo's fake in demo mode), with rate limit and observer.
	Gladly *gladly.Client
	// Redis is the configured Redis, or nil: the cache is then in-process.
	Redis redis.UniversalClient
	// Media signs the URLs ConversationItem.media.url hands out; /media/{itemId} checks them.
	Media *graph.MediaSigner
	// Metrics is the Prometheus registry /metrics serves, for the layers' own collectors.
	Metrics prometheus.Registerer
}

// Layers are the parts built elsewhere (graph/, loaders/) that the server mounts. A nil field
// falls back to a placeholder: see withDefaults.
type Layers struct {
	// GraphQL serves /graphql (POST, and GET for queries). The server has already put a
	// loaders.Stats in the request context, applied MAX_BODY_BYTES and REQUEST_TIMEOUT, and
	// serves GraphiQL to browsers that GET /graphql asking for HTML.
	GraphQL http.Handler
	// Invalidator drops cache entries a Gladly webhook event made stale.
	Invalidator loaders.Invalidator
	// SeenEvents de-duplicates webhook deliveries by event id (default: in Redis when one is
	// configured, so that replicas share it; else in-process).
	SeenEvents SeenSet
	// Close releases what the layers hold; called after the HTTP server has drained.
	Close func()
}

// buildLayers is the seam where the lead wires in the GraphQL handler (graph/) and the response
// cache (loaders/). Until then every field is left to its placeholder.
func buildLayers(b *Backend) (Layers, error) {
	_ = b
	return Layers{}, nil
}

func (l Layers) withDefaults(b *Backend) Layers {
	if l.GraphQL == nil {
		l.GraphQL = http.HandlerFunc(graphqlPlaceholder)
	}
	if l.Invalidator == nil {
		l.Invalidator = nopInvalidator{}
	}
	switch {
	case l.SeenEvents != nil:
	case b.Redis != nil:
		l.SeenEvents = newRedisSeenSet(b.Redis, b.Gladly.Tenant(), seenTTL)
	default:
		l.SeenEvents = newMemorySeenSet(seenTTL, seenMax)
	}
	if l.Close == nil {
		l.Close = func() {}
	}
	return l
}

// graphqlPlaceholder stands in for the GraphQL layer until it is wired in: PLACEHOLDER, to be
// replaced through buildLayers.
func graphqlPlaceholder(w http.ResponseWriter, r *http.Request) {
	writeGraphQLError(w, r, http.StatusServiceUnavailable, "the GraphQL layer is not wired into this build yet", "INTERNAL_SERVER_ERROR")
}

// unavailableRecordings answers for a Gladly client that cannot fetch recordings.
type unavailableRecordings struct{}

func (unavailableRecordings) GetRecording(context.Context, string) (io.ReadCloser, *gladly.Response, error) {
	return nil, nil, errors.New("this build's Gladly client cannot fetch recordings")
}
