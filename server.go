// Command gladgraph serves the Gladly helpdesk as a GraphQL federation subgraph.
//
// With no Gladly configured it runs the demo: an in-memory Gladly (gladly/gladlytest) with the
// demo fixture, an in-process cache, and GraphiQL at http://localhost:4001/. Configuration comes
// from environment variables or the matching flags (gladgraph -help lists them).
//
// Routes: /graphql (GraphQL; GraphiQL for browsers asking for HTML), / (GraphiQL, assets
// embedded), /healthz, /readyz (Redis and Gladly reachable), /metrics (Prometheus),
// /webhooks/gladly (Gladly's event deliveries: cache invalidation), /media/{itemId} (call
// recordings behind signed, expiring URLs).
//
// Choices worth knowing:
//   - GRAPHQL_INTROSPECTION defaults to true in the demo and false against a real Gladly;
//     federation's _service stays reachable either way.
//   - Without WEBHOOK_USERNAME/WEBHOOK_PASSWORD or WEBHOOK_HEADER_NAME/WEBHOOK_HEADER_VALUE the
//     webhook route answers 404: an unauthenticated receiver would let anyone flush the cache.
//   - A webhook event whose invalidation fails is still answered 200: Gladly disables a
//     webhook after four failed retries, and stale entries expire with their TTL anyway.
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
	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/health"
	"github.com/gladgraph/gladgraph/metrics"
	"github.com/gladgraph/gladgraph/tenant"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args := os.Args[1:]; {
	case len(args) > 0 && (args[0] == "-version" || args[0] == "--version" || args[0] == "version"):
		fmt.Println(buildinfo.Read().String())
		return
	case len(args) > 0 && (args[0] == "accounts" || args[0] == "api-keys"):
		err = accounts.RunCLI(ctx, args, os.Getenv, os.Stdout, os.Stderr)
	default:
		err = run(ctx, args, os.Getenv, os.Stdout)
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
// stdout.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return runWith(ctx, args, getenv, stdout, buildLayers, runHooks{
		// go-redis logs through one process-wide logger; tests leave it alone.
		logger: func(l zerolog.Logger) { redisLoggerOnce.Do(func() { redis.SetLogger(edge.NewRedisLogger(l)) }) },
	})
}

// runHooks tell the caller of runWith what it built.
type runHooks struct {
	logger    func(zerolog.Logger)
	listening func(addr string)
}

// runWith is run with the layers' builder and hooks (for tests).
func runWith(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer,
	build func(*Backend) (Layers, error), hooks runHooks) error {
	cfg, err := config.Load(args, getenv, stdout)
	if err != nil {
		return err
	}
	logger := edge.NewLogger(stdout, cfg.LogFormat, cfg.LogLevel)
	if hooks.logger != nil {
		hooks.logger(logger)
	}

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (LISTEN_ADDR): %w", cfg.ListenAddr, err)
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

	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       max(cfg.Limits.RequestTimeout, 30*time.Second),
		// No server-wide WriteTimeout: media streams may outlast any fixed bound. Each route
		// gets its own write deadline instead (see edge.Router).
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       edge.ErrorLog(logger),
		// Requests keep running when ctx ends: Shutdown drains them.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	logger.Info().Str("addr", ln.Addr().String()).Str("graphql", cfg.PublicURL+"/graphql").Msg("listening")
	if s.listening != nil {
		go s.listening(ctx)
	}
	if hooks.listening != nil {
		hooks.listening(ln.Addr().String())
	}

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info().Dur("timeout", cfg.Limits.ShutdownTimeout).Msg("shutting down: draining requests")
	s.health.Drain()
	if s.events != nil {
		s.events.Close()
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.Limits.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		logger.Warn().Err(err).Msg("shutdown: requests still running at the deadline were cut off")
		_ = hs.Close()
	}
	logger.Info().Msg("stopped")
	return nil
}

var redisLoggerOnce sync.Once

// server is everything run builds besides the listener.
type server struct {
	handler http.Handler
	health  *health.Checker
	close   func()
	// events are ended before the HTTP server drains: subscriptions would hold it to the
	// deadline, and their clients are told to resubscribe elsewhere (SHUTTING_DOWN).
	events *eventbus.Bus
	// listening runs once the server accepts connections, until ctx ends (webhook provisioning).
	listening func(ctx context.Context)
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
		fakes, demoAccounts, err := demo.StartAccounts(cfg.DemoFaults, cfg.GladlyRateLimit, gladlytest.WithWebhookClient(loopback.Client()))
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

	b := &Backend{Config: cfg, Logger: logger, Redis: rdb, Metrics: m.Registry(), Tenants: acc.Registry,
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

	var org health.OrganizationGetter
	if def := acc.Default; def != nil {
		org = def.Gladly.Organization
	}
	h := health.New(rdb, org)
	rt := edge.NewRouter(m, cfg.Limits.RequestTimeout+5*time.Second)
	if err := routes(rt, cfg, logger, layers, h, m, acc); err != nil {
		return nil, err
	}

	handler := rt.Handler(logger)
	if cfg.Demo() {
		loopback.Serve(handler)
		provisionDemo(logger, acc)
	}
	var listening func(context.Context)
	if p := newProvisioner(cfg, logger, acc); p != nil {
		listening = func(ctx context.Context) { provisionAccounts(ctx, p, logger, acc) }
	}
	ok = true
	return &server{handler: handler, health: h, close: closeAll, events: acc.Events, listening: listening}, nil
}
