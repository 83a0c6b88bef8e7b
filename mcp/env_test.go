package mcp

import (
	"net/http"
	"testing"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/mcp/mcptest"
)

// newGraphQLHandler is gladgraph's GraphQL handler (built by mcptest.GraphQLHandler, the one
// place that knows its construction) over a fresh fake Gladly with the demo fixture.
func newGraphQLHandler(tb testing.TB, fakeOpts ...gladlytest.Option) (http.Handler, *gladlytest.Server) {
	tb.Helper()
	fake := gladlytest.NewServer(tb, append([]gladlytest.Option{gladlytest.WithoutRateLimit()}, fakeOpts...)...)
	h, err := mcptest.GraphQLHandler(fake, zerolog.Nop())
	if err != nil {
		tb.Fatal(err)
	}
	return h, fake
}
