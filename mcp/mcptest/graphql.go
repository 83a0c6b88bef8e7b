package mcptest

import (
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
)

// The one place the MCP tests build the /graphql handler the tools run through: the server's
// default limits, CSRF prevention and scopes enforced, a memory response cache, over a fake
// Gladly. (The e2e suite and `gladgraph mcp`'s tests run the server's own layers.)

// ServerLimits are the limits a server runs with by default (MAX_QUERY_* unset).
var ServerLimits = gqlhttp.Limits{MaxComplexity: 100000, MaxDepth: 15, MaxEntities: 500, MaxAliases: 50, MaxTokens: 2000}

// GraphQLHandler is gladgraph's GraphQL handler over fake. Requests must carry a caller
// (caller.With), as behind the edge.
func GraphQLHandler(fake *gladlytest.Server, log zerolog.Logger) (http.Handler, error) {
	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token),
		gladly.WithRateLimit(gladly.Unlimited{}),
		gladly.WithRetry(gladly.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		return nil, err
	}
	cache := loaders.NewMemoryCache(64 << 20)
	return gqlhttp.NewHandler(gqlhttp.Config{
		Gladly:         client,
		Loaders:        loaders.NewFactory(client, loaders.NewStore(cache)),
		Media:          media.NewSigner([]byte("mcptest-media-key-0123456789abcdef"), client.Tenant(), "http://gladgraph.test", 15*time.Minute),
		Log:            log,
		Limits:         ServerLimits,
		APQ:            cache,
		CSRFPrevention: true,
		Access:         graph.NewAccess(graph.AccessOptions{}),
	}), nil
}
