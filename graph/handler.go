package graph

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/apollofederatedtracingv1"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph/generated"
	"github.com/gladgraph/gladgraph/graph/model"
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
	// Limits bound each operation's complexity, depth and _entities representations.
	Limits Limits
	// APQ keeps automatic persisted queries in this cache (usually the response cache); nil
	// disables them.
	APQ loaders.Cache
	// CSRFPrevention refuses GETs and simple-content-type POSTs without a preflight header.
	CSRFPrevention bool
	// Now is the clock for validation of dates (default time.Now).
	Now func() time.Time
	// Access enforces the schema's @requiresScopes for the caller in each request's context
	// (see NewAccess); nil enforces nothing (tests of the resolvers alone).
	Access *Access
}

// NewResolver returns the root resolver.
func NewResolver(cfg Config) *Resolver {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Resolver{Gladly: cfg.Gladly, Media: cfg.Media, Log: cfg.Log, access: cfg.Access, now: now}
}

// NewHandler returns the GraphQL-over-HTTP handler: POST, and GET for queries, with a fresh set of
// loaders per request.
func NewHandler(cfg Config) http.Handler {
	schema := publicSchema()
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Schema: schema, Resolvers: NewResolver(cfg)}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(httpTransport{}) // GET and POST as GraphQL over HTTP says (see transport.go)
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(introspectionSwitch{enabled: cfg.Introspection})
	srv.Use(documentScan{Limits: cfg.Limits}) // before APQ: a refused document is never stored
	if cfg.APQ != nil {
		srv.Use(extension.AutomaticPersistedQuery{Cache: apqCache{cache: cfg.APQ}})
	}
	srv.Use(limitsExtension{Limits: cfg.Limits})
	// Apollo Router and Gateway ask for federated traces (ftv1) with a header; others get none.
	srv.Use(&apollofederatedtracingv1.Tracer{})
	srv.SetErrorPresenter(ErrorPresenter(cfg.Log))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		cfg.Log.Error().Str("panic", fmt.Sprint(p)).Str("stack", string(debug.Stack())).Msg("graphql: resolver panic")
		return &internalError{cause: fmt.Sprint(p)}
	})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		loaders.StatsFrom(ctx).SetOperationName(graphql.GetOperationContext(ctx).OperationName)
		return next(ctx)
	})
	if cfg.Access != nil {
		srv.AroundFields(cfg.Access.Middleware) // scopes first: a refused field fetches nothing
	}
	// Pagination arguments and entity representations are checked before the resolver fetches
	// anything.
	srv.AroundFields(func(ctx context.Context, next graphql.Resolver) (any, error) {
		if fc := graphql.GetFieldContext(ctx); fc != nil && len(fc.Args) > 0 {
			if err := model.CheckPageArgs(fc.Args); err != nil {
				return nil, err
			}
			if fc.Field.Name == "_entities" && fc.Object == "Query" {
				if err := checkRepresentations(schema, fc.Args["representations"]); err != nil {
					return nil, err
				}
			}
		}
		return next(ctx)
	})
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		decideCachePolicy(ctx, resp)
		return resp
	})
	var h http.Handler = withStats(cacheControl(cfg.Loaders.Middleware(srv)))
	if cfg.CSRFPrevention {
		h = csrfPrevention(h)
	}
	return h
}

// withStats gives the request a loaders.Stats unless the server already did.
func withStats(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if loaders.StatsFrom(r.Context()) == nil {
			ctx, _ := loaders.WithStats(r.Context())
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}
