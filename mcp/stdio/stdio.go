// Package stdio is `gladgraph mcp`: the MCP tools over stdin and stdout, for a desktop client that
// starts gladgraph itself. It opens what the server opens (the configuration, the demo's fake
// Gladly organizations, Redis, the accounts store and their runtimes) but listens on nothing,
// authenticates the credentials of GLADGRAPH_API_KEY as /mcp authenticates a bearer token, and
// runs every tool call on that caller's account as tenant.Middleware runs an HTTP request.
//
// Stdout carries the protocol and nothing else: logs go to stderr, which desktop clients keep.
package stdio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/buildinfo"
	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/mcp"
	"github.com/gladgraph/gladgraph/media"
	"github.com/gladgraph/gladgraph/metrics"
	"github.com/gladgraph/gladgraph/tenant"
)

// EnvAPIKey holds the caller's credentials: a gladgraph API key (ggk_…) or a JWT, what a remote
// client sends as Authorization: Bearer. Unset, the caller is anonymous, which only the demo and
// AUTH_MODE=none accept.
const EnvAPIKey = "GLADGRAPH_API_KEY"

// Parts are what Run opened, for the GraphQL layer to be built over (the server's buildLayers,
// which the root package owns).
type Parts struct {
	Config  *config.Config
	Logger  zerolog.Logger
	Redis   redis.UniversalClient // nil: the cache is in-process
	Metrics prometheus.Registerer
	Tenants *tenant.Registry
	// Gladly, Media and Invalidator are the default account's (the demo's first, or the one of
	// GLADLY_*); nil with DATABASE_URL.
	Gladly      *gladly.Client
	Media       *media.Signer
	Invalidator loaders.Invalidator
}

// BuildFunc builds the GraphQL handler over p exactly as the server builds /graphql's; closeFn,
// when not nil, releases what it holds.
type BuildFunc func(p Parts) (h http.Handler, closeFn func(), err error)

// Run serves the tools on stdin and stdout until ctx ends or the client closes stdin. args are
// the server's flags (`gladgraph mcp -help` lists them on stderr); logs go to stderr.
func Run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, build BuildFunc) error {
	return Serve(ctx, &sdk.StdioTransport{}, args, getenv, stderr, build)
}

// Serve is Run over t: the same path with another transport (tests use pipes).
func Serve(ctx context.Context, t sdk.Transport, args []string, getenv func(string) string, stderr io.Writer, build BuildFunc) error {
	cfg, err := config.Load(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := edge.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if cfg.PublicURL == "" {
		// Nothing listens here: media links name where gladgraph's HTTP server usually does. They
		// open there only if it shares MEDIA_SIGNING_KEY (and PUBLIC_URL says where it is).
		cfg.PublicURL = config.DefaultPublicURL(nil)
	}
	var initial []accounts.NewAccount
	if cfg.Demo() {
		fakes, demoAccounts, err := demo.StartAccounts(cfg.DemoFaults, cfg.GladlyRateLimit)
		if err != nil {
			return err
		}
		defer fakes.Close()
		demo.LogStarted(logger, cfg, fakes.First)
		initial = demoAccounts
	}
	rdb, err := cfg.RedisClient()
	if err != nil {
		return err
	}
	if rdb != nil {
		defer func() { _ = rdb.Close() }()
	}
	m := metrics.New() // not served (no /metrics here), but the runtimes and layers count into it
	acc, err := tenant.Open(cfg, logger, rdb, m, initial)
	if acc != nil {
		defer acc.Close()
	}
	if err != nil {
		return err
	}
	p := Parts{Config: cfg, Logger: logger, Redis: rdb, Metrics: m.Registry(), Tenants: acc.Registry}
	if def := acc.Default; def != nil {
		p.Gladly, p.Media, p.Invalidator = def.Gladly, def.Media, def.Store
	}
	h, closeLayers, err := build(p)
	if closeLayers != nil {
		defer closeLayers()
	}
	if err != nil {
		return fmt.Errorf("build the GraphQL layer: %w", err)
	}
	if h == nil {
		return errors.New("build the GraphQL layer: it gave no GraphQL handler")
	}

	ex := &executor{
		next:  mcp.HandlerExecutor(edge.WithTimeout(cfg.Limits.RequestTimeout, h)),
		authn: acc.Authn, reg: acc.Registry, log: logger,
	}
	if key := strings.TrimSpace(getenv(EnvAPIKey)); key != "" {
		ex.authorization = "Bearer " + key
	}
	// The credentials and their account are checked now: a desktop client shows a process that
	// exits with the reason, not a session whose every call fails.
	_, c, err := ex.enter(ctx)
	switch {
	case err != nil && ex.authorization == "" && cfg.Auth.Mode == auth.ModeRequired:
		return fmt.Errorf("%s is not set: AUTH_MODE=required needs an API key (or a JWT) naming the caller and its account", EnvAPIKey)
	case err != nil:
		return fmt.Errorf("%s: %w", EnvAPIKey, err)
	}
	srv, err := mcp.NewServer(mcp.Options{
		Executor:                 ex,
		AllowArbitraryOperations: cfg.MCPAllowArbitraryOperations,
		Version:                  buildinfo.Read().Version,
	})
	if err != nil {
		return err
	}
	logger.Info().Str("account", c.AccountID).Str("caller", string(c.Kind)).Int("scopes", len(c.Scopes)).
		Msg("mcp: serving the tools on stdin and stdout")
	err = srv.Run(logger.WithContext(ctx), t, c)
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		err = nil // stopped by a signal: a normal end
	}
	logger.Info().Err(err).Msg("mcp: session ended")
	return err
}

// executor runs each tool call through the GraphQL handler as the credentials' caller on its
// account, both looked up again for every call as /mcp does for every request: a key revoked or
// an account disabled during a long session stops working at once, and each call has fresh
// loaders (their memoization is per request; over a session it would serve stale reads).
type executor struct {
	next          mcp.Executor
	authn         *auth.Authenticator
	authorization string // "" when anonymous
	reg           *tenant.Registry
	log           zerolog.Logger
}

func (e *executor) Execute(ctx context.Context, query, operationName string, variables map[string]any) (json.RawMessage, []mcp.GraphQLError, error) {
	start := time.Now()
	ctx, c, err := e.enter(e.log.WithContext(ctx))
	if err != nil {
		r, ev := refusal(err), e.log.Info()
		if r.Code() == auth.CodeUnavailable {
			ev = e.log.Warn().Err(err) // ours, not the caller's: worth a look
		}
		ev.Str("operation", operationName).Str("refused", r.Code()).Msg("mcp: tool call refused")
		return nil, []mcp.GraphQLError{r}, nil
	}
	data, errs, err := e.next.Execute(ctx, query, operationName, variables)
	ev := e.log.Info()
	if err != nil {
		ev = e.log.Warn().Err(err)
	}
	ev.Str("operation", operationName).Str("account", c.AccountID).Int("errors", len(errs)).
		Dur("duration", time.Since(start)).Msg("mcp: tool call")
	return data, errs, err
}

// enter authenticates the credentials and returns ctx as their caller on its account.
func (e *executor) enter(ctx context.Context) (context.Context, *caller.Caller, error) {
	c, err := e.authn.Authenticate(ctx, e.authorization)
	if err != nil {
		return ctx, nil, err
	}
	ctx, err = tenant.Enter(caller.With(ctx, c), e.reg)
	if err != nil {
		return ctx, nil, err
	}
	return ctx, c, nil
}

// refusal is the error /graphql answers (with 401, 403 or 503) for credentials or an account it
// refuses; messages never quote the credentials.
func refusal(err error) mcp.GraphQLError {
	var ae *auth.Error
	switch {
	case errors.As(err, &ae):
		return graphQLError(ae.Code, ae.Message)
	case errors.Is(err, tenant.ErrNoAccount):
		return graphQLError(auth.CodeForbidden, "the credentials name no account")
	case errors.Is(err, accounts.ErrNotFound), errors.Is(err, accounts.ErrDisabled):
		return graphQLError(auth.CodeForbidden, "the credentials name an account that does not exist or is disabled")
	}
	return graphQLError(auth.CodeUnavailable, "the account is not available; retry later")
}

func graphQLError(code, msg string) mcp.GraphQLError {
	return mcp.GraphQLError{Message: msg, Extensions: map[string]any{"code": code}}
}
