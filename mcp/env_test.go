package mcp

import (
	"net/http"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/loaders"
)

// The one place tests build the /graphql handler the tools run through (it may move to package
// gqlhttp): the server's default limits, scopes enforced, over the fake Gladly's demo fixture.

// serverLimits are the limits a server runs with by default (config: MAX_QUERY_*).
var serverLimits = graph.Limits{MaxComplexity: 100000, MaxDepth: 15, MaxEntities: 500, MaxAliases: 50, MaxTokens: 2000}

// newGraphQLHandler is gladgraph's GraphQL handler over a fresh fake Gladly.
func newGraphQLHandler(tb testing.TB, fakeOpts ...gladlytest.Option) (http.Handler, *gladlytest.Server) {
	tb.Helper()
	fake := gladlytest.NewServer(tb, append([]gladlytest.Option{gladlytest.WithoutRateLimit()}, fakeOpts...)...)
	return graphQLHandlerFor(tb, fake), fake
}

// graphQLHandlerFor is the GraphQL handler over an existing fake (a throwaway logger: tests).
func graphQLHandlerFor(tb testing.TB, fake *gladlytest.Server) http.Handler {
	tb.Helper()
	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token),
		gladly.WithRateLimit(gladly.Unlimited{}),
		gladly.WithRetry(gladly.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		tb.Fatal(err)
	}
	cache := loaders.NewMemoryCache(64 << 20)
	return graph.NewHandler(graph.Config{
		Gladly:         client,
		Loaders:        loaders.NewFactory(client, loaders.NewStore(cache)),
		Media:          graph.NewMediaSigner([]byte("test-media-key-0123456789abcdef"), client.Tenant(), "http://gladgraph.test", 15*time.Minute),
		Log:            zerolog.Nop(),
		Limits:         serverLimits,
		APQ:            cache,
		CSRFPrevention: true,
		Access:         graph.NewAccess(graph.AccessOptions{}),
	})
}
