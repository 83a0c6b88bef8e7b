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
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/buildinfo"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/eventbus"
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
		err = stdio.Run(ctx, args[1:], os.Getenv, os.Stderr, stdioLayers)
	default:
		err = run(ctx, args, os.Getenv, os.Stdout, func(h *runHooks) { h.environ, h.stderr = os.Environ(), os.Stderr })
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "gladgraph:", err)
		os.Exit(config.ExitCode(err))
	}
}

// run serves until ctx ends, then drains; logs go to stdout. main adds the process's environment
// (unknown GLADLY_*/GLADGRAPH_* variables are refused) and stderr (the demo's banner).
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, with ...func(*runHooks)) error {
	hooks := runHooks{
		logger: edge.SetRedisLogger, // go-redis logs through one process-wide logger; tests leave it alone
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

	ln, err := edge.Listen(cfg.ListenAddr, cfg.Guards.MaxConnections)
	if err != nil {
		return err
	}
	defer ln.Close()
	if cfg.PublicURL == "" {
		cfg.PublicURL = config.DefaultPublicURL(ln.Addr())
	}

	s, err := newServer(cfg, logger, build)
	if err != nil {
		return err
	}
	defer s.close()

	logger.Info().Str("addr", ln.Addr().String()).Str("graphql", cfg.PublicURL+"/graphql").Msg("listening")
	if s.listening != nil {
		go s.listening(ctx)
	}
	if hooks.listening != nil {
		hooks.listening(ln.Addr().String())
	}
	return edge.Serve(ctx, ln, s.handler, cfg.Limits.RequestTimeout, logger, edge.Drain{
		Delay: cfg.Limits.ShutdownDelay, Timeout: cfg.Limits.ShutdownTimeout, DelayOver: hooks.delayOver,
		Started: func() {
			s.health.Drain()
			if s.events != nil {
				s.events.Close() // subscribers told to reconnect (SHUTTING_DOWN) while others still serve
			}
			if hooks.draining != nil {
				hooks.draining()
			}
		},
	})
}

// server is everything run builds besides the listener.
type server struct {
	handler   http.Handler
	health    *health.Checker
	close     func()
	events    *eventbus.Bus             // ended before the drain: clients resubscribe elsewhere
	listening func(ctx context.Context) // runs once the server accepts connections (provisioning)
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
	loopback := &demo.Loopback{}                            // the demo's webhooks, delivered in process
	var initial []accounts.NewAccount                       // the accounts of a deployment without DATABASE_URL
	if cfg.Demo() {
		fakes, demoAccounts, err := demo.Boot(cfg, logger, loopback)
		if err != nil {
			return nil, err
		}
		closers, initial = append(closers, fakes.Close), demoAccounts
	}
	cfg.LogStart(logger)

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

	b := &Backend{Config: cfg, Logger: logger, Redis: rdb, Metrics: m.Registry(), Operations: m.Operations(), Tenants: acc.Registry,
		Events: acc.Events, Authn: acc.Authn}
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

	h := acc.Health(rdb)
	rt := edge.NewRouter(m, cfg.Limits.RequestTimeout+5*time.Second)
	if err := routes(rt, cfg, logger, layers, h, m, acc); err != nil {
		return nil, err
	}

	handler := rt.Handler(logger)
	if cfg.Demo() {
		loopback.Serve(handler)
		tenant.ProvisionDemo(logger, acc)
	}
	var listening func(context.Context)
	if p := tenant.NewProvisioner(cfg, logger, acc); p != nil {
		listening = func(ctx context.Context) { tenant.ProvisionAccounts(ctx, p, logger, acc) }
	}
	ok = true
	// Outermost: the guards (Host, CORS, in-flight), then the request's span, which covers the
	// access line that logs its trace id.
	guarded := guard.Chain(guard.Settings{Hosts: cfg.HostsAllowed(), CORSOrigins: cfg.Guards.CORSOrigins, MaxInFlight: cfg.Guards.MaxInFlight}, telemetry.Middleware(handler))
	return &server{handler: guarded, health: h, close: closeAll, events: acc.Events, listening: listening}, nil
}
