package gqlhttp

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/apollofederatedtracingv1"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
)

// Config is what the GraphQL handler needs.
type Config struct {
	Gladly *gladly.Client
	// Loaders builds each request's loaders; nil when the edge already put the account's loaders
	// in the context (tenant.Middleware).
	Loaders *loaders.Factory
	Media   *media.Signer
	Log     zerolog.Logger
	// Introspection allows __schema/__type queries (_service stays reachable either way).
	Introspection bool
	// Limits bound each operation's complexity, depth and _entities representations.
	Limits Limits
	// APQ keeps automatic persisted queries in this cache (a store of their own, bounded in
	// bytes: APQ_MAX_BYTES); nil disables them. A document is stored only once it has parsed,
	// validated and passed the limits.
	APQ loaders.Cache
	// APQMaxQueryBytes is the largest document stored as a persisted query (default
	// DefaultAPQMaxQueryBytes); larger ones run but are not kept.
	APQMaxQueryBytes int
	// QueryCacheBytes bounds the cache of parsed documents (default DefaultQueryCacheBytes).
	QueryCacheBytes int
	// MaxResponseBytes bounds the JSON of one answer (MAX_RESPONSE_BYTES): a larger answer is
	// replaced by a RESPONSE_TOO_LARGE error. 0: no bound.
	MaxResponseBytes int
	// CSRFPrevention refuses GETs and simple-content-type POSTs without a preflight header.
	CSRFPrevention bool
	// Now is the clock for validation of dates (default time.Now).
	Now func() time.Time
	// Access enforces the schema's @requiresScopes for the caller the edge put in each
	// request's context; nil enforces nothing (tests of the resolvers alone).
	Access *graph.Access
	// Extensions are mounted after gladgraph's own, around the response (e.g. the operation
	// cache, which serves a repeated query before execution).
	Extensions []graphql.HandlerExtension
	// Events serves the Subscription fields over WebSocket and SSE (NewHandler only); nil
	// leaves both transports out and the fields refuse.
	Events graph.EventSource
	// Subscriptions configure those transports.
	Subscriptions Subscriptions
}

func (cfg Config) graph() graph.Config {
	return graph.Config{Gladly: cfg.Gladly, Media: cfg.Media, Log: cfg.Log, Now: cfg.Now, Access: cfg.Access}
}

// NewHandler returns the GraphQL-over-HTTP handler: POST, and GET for queries, with a fresh set of
// loaders per request.
func NewHandler(cfg Config) http.Handler {
	gc := cfg.graph()
	gc.Events = cfg.Events
	es := graph.NewExecutableSchema(gc)
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	if cfg.Events != nil {
		srv.AddTransport(cfg.Subscriptions.websocket())
		srv.AddTransport(transport.SSE{}) // before httpTransport, which takes every other POST
	}
	srv.AddTransport(httpTransport{}) // GET and POST as GraphQL over HTTP says (see transport.go)
	configure(srv, cfg, es.Schema())
	if cfg.Events != nil {
		var src graph.LoaderSource = cfg.Subscriptions.Loaders
		if src == nil {
			src = cfg.Loaders
		}
		srv.Use(graph.SubscriptionEvents{Loaders: src})
	}
	var inner http.Handler = srv
	if cfg.Loaders != nil {
		inner = cfg.Loaders.Middleware(srv)
	}
	var h http.Handler = edge.WithStats(cacheControl(inner))
	if cfg.CSRFPrevention {
		h = csrfPrevention(h)
	}
	return h
}

// Executor runs GraphQL operations in-process, without HTTP, under the same extensions, limits
// and error presentation as the HTTP handler: for surfaces that are not GraphQL over HTTP (MCP
// tools) and for tests of the resolvers.
type Executor struct {
	exec    *executor.Executor
	loaders *loaders.Factory
}

// NewExecutor returns an in-process executor (cfg.CSRFPrevention does not apply: no browser).
func NewExecutor(cfg Config) *Executor {
	es := graph.NewExecutableSchema(cfg.graph())
	exec := executor.New(es)
	configure(exec, cfg, es.Schema())
	return &Executor{exec: exec, loaders: cfg.Loaders}
}

// Execute runs one operation with a fresh set of loaders. A request error (the document does not
// parse or validate, the variables do not coerce) is a response with errors and no data.
func (e *Executor) Execute(ctx context.Context, params *graphql.RawParams) *graphql.Response {
	if loaders.StatsFrom(ctx) == nil {
		ctx, _ = loaders.WithStats(ctx)
	}
	if e.loaders != nil {
		ctx = e.loaders.WithLoaders(ctx)
	}
	ctx = graphql.StartOperationTrace(ctx)
	params.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}
	opCtx, errs := e.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		if opCtx == nil {
			opCtx = &graphql.OperationContext{}
		}
		return e.exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
	}
	responses, ctx := e.exec.DispatchOperation(ctx, opCtx)
	return responses(ctx)
}

// extensible is what the HTTP server and the in-process executor share for configuration.
type extensible interface {
	SetQueryCache(graphql.Cache[*ast.QueryDocument])
	SetDisableSuggestion(bool)
	Use(graphql.HandlerExtension)
	SetErrorPresenter(graphql.ErrorPresenterFunc)
	SetRecoverFunc(graphql.RecoverFunc)
	AroundOperations(graphql.OperationMiddleware)
	AroundFields(graphql.FieldMiddleware)
	AroundResponses(graphql.ResponseMiddleware)
}

// configure installs gladgraph's extensions, in order: the document scan (before APQ: a refused
// document is never even looked up), APQ's lookup, then after parsing and validation the
// introspection switch, the limits, the Gladly-call budget, APQ's store (a document is kept
// only once it passed them all), federated tracing.
func configure(x extensible, cfg Config, schema *ast.Schema) {
	x.SetQueryCache(newQueryCache(cfg.QueryCacheBytes))
	if !cfg.Introspection {
		// No "Did you mean …?" naming the schema's fields to a client that cannot introspect.
		x.SetDisableSuggestion(true)
		setValidationRules(x, rulesWithoutSuggestions)
	}
	x.Use(documentScan{Limits: cfg.Limits})
	var apq persistedQueries
	if cfg.APQ != nil {
		apq = persistedQueries{cache: apqCache{cache: cfg.APQ}, maxBytes: cfg.APQMaxQueryBytes}
		if apq.maxBytes <= 0 {
			apq.maxBytes = DefaultAPQMaxQueryBytes
		}
		x.Use(apq)
	}
	x.Use(introspectionSwitch{enabled: cfg.Introspection, log: cfg.Log})
	x.Use(limitsExtension{Limits: cfg.Limits})
	if cfg.Limits.MaxUpstreamCalls > 0 {
		x.Use(graph.UpstreamBudget{Max: cfg.Limits.MaxUpstreamCalls})
	}
	if cfg.APQ != nil {
		x.Use(apqStore{apq})
	}
	// Apollo Router and Gateway ask for federated traces (ftv1) with a header; others get none.
	x.Use(&apollofederatedtracingv1.Tracer{})
	x.SetErrorPresenter(graph.ErrorPresenter(cfg.Log))
	x.SetRecoverFunc(graph.Recover(cfg.Log))
	x.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		loaders.StatsFrom(ctx).SetOperationName(graphql.GetOperationContext(ctx).OperationName)
		return next(ctx)
	})
	if cfg.Access != nil {
		x.AroundFields(cfg.Access.Middleware) // scopes first: a refused field fetches nothing
	}
	// Pagination arguments and entity representations are checked before the resolver fetches
	// anything.
	x.AroundFields(graph.CheckArguments(schema))
	x.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		decideCachePolicy(ctx, resp)
		return resp
	})
	for _, e := range cfg.Extensions {
		x.Use(e)
	}
	// Inside the extensions above: a refusal is an operation they count, and an answer from the
	// operation cache costs no share.
	x.Use(graph.CallerShare{})
	if cfg.MaxResponseBytes > 0 {
		// Innermost, so that the extensions above (the operation cache) see the error rather
		// than the oversized answer.
		x.AroundResponses(capResponse(cfg.MaxResponseBytes))
	}
}

// setValidationRules installs the validation rules: the HTTP server and the executor name the
// setter differently.
func setValidationRules(x extensible, f func() *rules.Rules) {
	switch s := x.(type) {
	case interface{ SetValidationRulesFn(func() *rules.Rules) }:
		s.SetValidationRulesFn(f)
	case interface{ SetDefaultRulesFn(func() *rules.Rules) }:
		s.SetDefaultRulesFn(f)
	}
}

// CodeResponseTooLarge is the error of an answer over MaxResponseBytes.
const CodeResponseTooLarge = "RESPONSE_TOO_LARGE"

// capResponse replaces an answer whose data exceeds limit bytes by an error: a client that asks
// for more than the server is willing to send gets told so, instead of a transfer of any size.
func capResponse(limit int) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil || len(resp.Data) <= limit {
			return resp
		}
		err := gqlerror.Errorf("the answer is larger than %d bytes; ask for fewer items (first/last) or fewer fields", limit)
		err.Extensions = map[string]any{"code": CodeResponseTooLarge, "maxResponseBytes": limit}
		return &graphql.Response{Errors: gqlerror.List{err}, Extensions: resp.Extensions}
	}
}
