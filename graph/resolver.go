// Package graph is gladgraph's GraphQL layer: gqlgen resolvers that map Gladly to the schema
// (schema/*.graphqls), reading through the per-request loaders and writing through the gladly
// client. The generated executor lives in graph/generated, the schema's Go types in graph/model.
package graph

import (
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
)

// Resolver holds what every resolver needs. Per-request state (the loaders) comes from the
// request's context: loaders.For(ctx).
type Resolver struct {
	Gladly *gladly.Client
	Media  *MediaSigner
	Log    zerolog.Logger
	now    func() time.Time
	events EventSource // see WithEvents
}
