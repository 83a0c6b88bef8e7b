package graph

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph/generated"
	"github.com/gladgraph/gladgraph/loaders"
)

// Config is what the GraphQL handler needs.
type Config struct {
	Gladly  *gladly.Client
	Loaders *loaders.Factory
	Media   *MediaSigner
	Log     zerolog.Logger
	// Introspection allows __schema/__type queries (_service stays reachable either way).
	Introspection bool
	// Now is the clock for validation of dates (default time.Now).
	Now func() time.Time
}

// NewResolver returns the root resolver.
func NewResolver(cfg Config) *Resolver {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Resolver{Gladly: cfg.Gladly, Media: cfg.Media, Log: cfg.Log, now: now}
}

// NewHandler returns the GraphQL-over-HTTP handler: POST, and GET for queries, with a fresh set of
// loaders per request.
func NewHandler(cfg Config) http.Handler {
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: NewResolver(cfg)}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.SetErrorPresenter(ErrorPresenter(cfg.Log))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		cfg.Log.Error().Str("panic", fmt.Sprint(p)).Msg("graphql: resolver panic")
		return fmt.Errorf("resolver panic: %v", p)
	})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		loaders.StatsFrom(ctx).SetOperationName(graphql.GetOperationContext(ctx).OperationName)
		return next(ctx)
	})
	return cfg.Loaders.Middleware(srv)
}
