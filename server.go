// Command gladgraph serves the Gladly helpdesk as a GraphQL federation subgraph: `gladgraph`
// serves (the demo when nothing is configured), `gladgraph mcp` serves the MCP tools on stdio,
// `gladgraph accounts|api-keys …` manage linked accounts, `gladgraph -version` prints the build.
// Configuration comes from environment variables or the matching flags (gladgraph -help); the
// routes and every setting are in README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/buildinfo"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/guard"
	"github.com/gladgraph/gladgraph/health"
	"github.com/gladgraph/gladgraph/mcp/stdio"
	"github.com/gladgraph/gladgraph/metrics"
	"github.com/gladgraph/gladgraph/telemetry"
	"github.com/gladgraph/gladgraph/tenant"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args := os.Args[1:]; {
	case len(args) > 0 && (args[0] == "-version" || args[0] == "--version" || args[0] == "version"):
		fmt.Println(buildinfo.Read().String())
	case len(args) > 0 && (args[0] == "accounts" || args[0] == "api-keys"):
		err = tenant.RunAccountsCLI(ctx, args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	case len(args) > 0 && args[0] == "mcp": // the MCP tools on stdin/stdout, logs on stderr
		err = stdio.Run(ctx, args[1:], os.Getenv, os.Stderr, func(p stdio.Parts) (http.Handler, func(), error) {
			l, err := buildLayers(&Backend{Config: p.Config, Logger: p.Logger, Redis: p.Redis, Metrics: p.Metrics,
				Tenants: p.Tenants, Gladly: p.Gladly, Media: p.Media, Invalidator: p.Invalidator})
			return l.GraphQL, l.Close, err
		})
	default:
		err = run(ctx, args, os.Getenv, os.Stdout, func(h *runHooks) { h.environ, h.stderr = os.Environ(), os.Stderr })
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "gladgraph:", err)
		var ce *config.Error
		if errors.As(err, &ce) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run serves until ctx ends, then drains. Configuration comes from args and getenv; logs go to
// stdout. main adds the process's environment (unknown GLADLY_*/GLADGRAPH_* variables are refused)
// and stderr (the demo's banner).
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, with ...func(*runHooks)) error {
	hooks := runHooks{
		// go-redis logs through one process-wide logger; tests leave it alone.
		logger: func(l zerolog.Logger) { redisLoggerOnce.Do(func() { redis.SetLogger(edge.NewRedisLogger(l)) }) },
	}
	for _, f := range with {
		f(&hooks)
	}
	return runWith(ctx, args, getenv, stdout, buildLayers, hooks)
}

// runHooks tell the caller of runWith what it built.
type runHooks struct {
	logger    func(zerolog.Logger)
	listening func(addr string)
	// draining is called when readiness starts answering 503, before SHUTDOWN_DELAY; closing
	// delayOver ends the delay early (tests).
	draining  func()
	delayOver <-chan struct{}
	// environ is the process's environment, for config.WithEnviron; nil in most tests.
	environ []string
	// stderr receives the demo's banner; nil: none.
	stderr io.Writer
}

// runWith is run with the layers' builder and hooks (for tests).
func runWith(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer,
	build func(*Backend) (Layers, error), hooks runHooks) error {
	cfg, err := config.Load(args, getenv, stdout, config.WithEnviron(hooks.environ))
	if err != nil {
		return err
	}
	// Before the handlers are built: they ask telemetry whether tracing is on.
	stopTracing, err := telemetry.Setup(ctx, getenv)
	if err != nil {
		return &config.Error{Problems: []string{err.Error()}}
	}
	defer telemetry.Flush(stopTracing) // spans still buffered go out, after the drain
	logger := edge.NewLogger(stdout, cfg.LogFormat, cfg.LogLevel).Hook(telemetry.LogHook{})
	if hooks.logger != nil {
		hooks.logger(logger)
	}
	if cfg.Demo() && hooks.stderr != nil {
		demo.Banner(hooks.stderr)
	}

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (LISTEN_ADDR): %w", cfg.ListenAddr, err)
	}
	defer ln.Close()
	ln = guard.LimitListener(ln, cfg.Guards.MaxConnections) // over it: 503 and close, never a hang
	if cfg.PublicURL == "" {
		cfg.PublicURL = config.DefaultPublicURL(ln.Addr())
	}

	s, err := newServer(cfg, logger, build)
	if err != nil {
		return err
	}
	defer s.close()

	// The listener is open: say so before serving, so "listening" precedes any access line.
	logger.Info().Str("addr", ln.Addr().String()).Str("graphql", cfg.PublicURL+"/graphql").Msg("listening")
	if hooks.listening != nil {
		hooks.listening(ln.Addr().String())
	}
	return edge.Serve(ctx, ln, s.handler, cfg.Limits.RequestTimeout, logger, edge.Drain{
		Delay: cfg.Limits.ShutdownDelay, Timeout: cfg.Limits.ShutdownTimeout, DelayOver: hooks.delayOver,
		Started: func() {
			s.health.Drain()
			if hooks.draining != nil {
				hooks.draining()
			}
		},
	})
}

var redisLoggerOnce sync.Once

// server is everything run builds besides the listener.
type server struct {
	handler http.Handler
	health  *health.Checker
	close   func()
}

func newServer(cfg *config.Config, logger zerolog.Logger, build func(*Backend) (Layers, error)) (*server, error) {
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	ok := false
	defer func() {
		if !ok {
			closeAll()
		}
	}()
	m := metrics.New()
	m.Registry().MustRegister(buildinfo.Read().Collector()) // gladgraph_build_info
	var initial []accounts.NewAccount                       // the accounts of a deployment without DATABASE_URL
	if cfg.Demo() {
		fakes, demoAccounts, err := demo.StartAccounts(cfg.DemoFaults, cfg.GladlyRateLimit)
		if err != nil {
			return nil, err
		}
		closers = append(closers, fakes.Close)
		demo.LogStarted(logger, cfg, fakes.First)
		initial = demoAccounts
	}
	cfg.LogCache(logger)
	if cfg.Demo() {
		demo.LogOpen(logger, cfg.PublicURL)
	}
	if cfg.MediaKeyGenerated {
		logger.Warn().Msg("MEDIA_SIGNING_KEY is not set: media URLs are signed with a random key of this process; they stop working at restart and on other replicas")
	}
	if cfg.Auth.Mode == auth.ModeNone {
		logger.Warn().Msg("AUTH_MODE=none: every caller acts on the one account with every scope; only run this behind a gateway that authenticates")
	}
	logger.Info().Object("config", cfg).Msg("configuration")

	rdb, err := cfg.RedisClient()
	if err != nil {
		return nil, err
	}
	if rdb != nil {
		closers = append(closers, func() { _ = rdb.Close() })
	}
	acc, err := tenant.Open(cfg, logger, rdb, m, initial)
	if acc != nil {
		closers = append(closers, acc.Close)
	}
	if err != nil {
		return nil, err
	}

	b := &Backend{Config: cfg, Logger: logger, Redis: rdb, Metrics: m.Registry(), Operations: m.Operations(), Tenants: acc.Registry}
	if def := acc.Default; def != nil {
		b.Gladly, b.Media, b.Invalidator = def.Gladly, def.Media, def.Store
	}
	layers, err := build(b)
	if err != nil {
		return nil, fmt.Errorf("build the GraphQL layer: %w", err)
	}
	if layers.Close != nil {
		closers = append(closers, layers.Close)
	}
	if layers.GraphQL == nil || layers.Invalidator == nil && b.Invalidator != nil {
		return nil, errors.New("build the GraphQL layer: it gave no GraphQL handler or no invalidator")
	}

	var org health.OrganizationGetter
	if def := acc.Default; def != nil {
		org = def.Gladly.Organization
	}
	var hopts []health.Option
	if pg, isPG := acc.Store.(*accounts.PGStore); isPG {
		hopts = append(hopts, health.WithAccountsStore(pg.Pool().Ping))
	}
	h := health.New(rdb, org, hopts...)
	rt := edge.NewRouter(m, cfg.Limits.RequestTimeout+5*time.Second)
	if err := routes(rt, cfg, logger, layers, h, m, acc); err != nil {
		return nil, err
	}

	ok = true
	// Outermost: the guards (Host, CORS, in-flight), then the request's span, which covers the
	// access line that logs its trace id.
	return &server{handler: guard.Chain(guard.Settings{Hosts: cfg.HostsAllowed(), CORSOrigins: cfg.Guards.CORSOrigins, MaxInFlight: cfg.Guards.MaxInFlight}, telemetry.Middleware(rt.Handler(logger))), health: h, close: closeAll}, nil
}
