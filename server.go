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

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gqlhttp/ide"
	"github.com/gladgraph/gladgraph/health"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
	"github.com/gladgraph/gladgraph/metrics"
	"github.com/gladgraph/gladgraph/webhooks"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
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

	base, user, token := cfg.GladlyBaseURL, cfg.GladlyUsername, cfg.GladlyToken
	if cfg.Demo() {
		fake, err := demo.Start(cfg.DemoFaults, cfg.GladlyRateLimit)
		if err != nil {
			return nil, err
		}
		closers = append(closers, fake.Close)
		base, user, token = fake.URL, fake.Username, fake.Token
		demo.LogStarted(logger, cfg, fake)
	}
	cfg.LogCache(logger)
	if cfg.Demo() {
		demo.LogOpen(logger, cfg.PublicURL)
	}
	if cfg.MediaKeyGenerated {
		logger.Warn().Msg("MEDIA_SIGNING_KEY is not set: media URLs are signed with a random key of this process; they stop working at restart and on other replicas")
	}
	logger.Info().Object("config", cfg).Msg("configuration")

	rdb, err := cfg.RedisClient()
	if err != nil {
		return nil, err
	}
	if rdb != nil {
		closers = append(closers, func() { _ = rdb.Close() })
	}

	// Gladly's limit is per organization across all of its tokens: with Redis, every replica
	// draws from one shared window keyed by the organization's host.
	var limiter gladly.Limiter = gladly.NewWindowLimiter(cfg.GladlyRateLimit, time.Second)
	if rdb != nil {
		u, err := gladly.ParseBaseURL(base)
		if err != nil {
			return nil, fmt.Errorf("gladly client: %w", err)
		}
		limiter = loaders.NewSharedLimiter(rdb, "gg:", u.Host, cfg.GladlyRateLimit, time.Second, logger.With().Str("component", "ratelimit").Logger())
	}
	client, err := gladly.NewClient(base,
		gladly.WithBasicAuth(user, token),
		gladly.WithRateLimit(limiter),
		gladly.WithObserver(m.ObserveUpstream),
		gladly.WithLogger(logger.With().Str("component", "gladly").Logger()),
	)
	if err != nil {
		return nil, fmt.Errorf("gladly client: %w", err)
	}

	signer := media.NewSigner(cfg.MediaSigningKey, client.Tenant(), cfg.PublicURL, cfg.MediaURLTTL)
	b := &Backend{Config: cfg, Logger: logger, Gladly: client, Redis: rdb, Media: signer, Metrics: m.Registry()}
	layers, err := build(b)
	if err != nil {
		return nil, fmt.Errorf("build the GraphQL layer: %w", err)
	}
	if layers.Close != nil {
		closers = append(closers, layers.Close)
	}
	if layers.GraphQL == nil || layers.Invalidator == nil {
		return nil, errors.New("build the GraphQL layer: it gave no GraphQL handler or no invalidator")
	}

	h := health.New(rdb, client.Organization)
	rt := edge.NewRouter(m, cfg.Limits.RequestTimeout+5*time.Second)
	routes(rt, cfg, layers, h, m, media.NewHandler(signer, client.Items), webhooks.NewSeenSet(rdb, client.Tenant()))

	ok = true
	return &server{handler: rt.Handler(logger), health: h, close: closeAll}, nil
}

// routes mounts every route on the edge's router. New surfaces (/mcp, /admin/…, subscriptions)
// mount here the same way.
func routes(rt *edge.Router, cfg *config.Config, l Layers, h *health.Checker, m *metrics.Metrics, mediaHandler http.Handler, seen webhooks.SeenSet) {
	page := ide.GraphiQL(ide.GraphiQLOptions{Endpoint: "graphql", Title: "gladgraph"})
	gql := http.MaxBytesHandler(edge.WithTimeout(cfg.Limits.RequestTimeout, l.GraphQL), cfg.Limits.MaxBodyBytes)
	rt.Handle("/graphql", "/graphql", ide.GraphQLOrIDE(page, gql))
	rt.Handle("GET /{$}", "/", page)
	rt.Handle("GET /graphiql/", "/graphiql/", page)
	rt.Handle("GET /healthz", "/healthz", http.HandlerFunc(h.Liveness))
	rt.Handle("GET /readyz", "/readyz", http.HandlerFunc(h.Readiness))
	rt.Handle("GET /metrics", "/metrics", m.Handler())
	if cfg.WebhooksEnabled() {
		rt.Handle("POST /webhooks/gladly", "/webhooks/gladly", webhooks.NewReceiver(cfg, seen, l.Invalidator, m))
	} else {
		// No credentials configured: the receiver does not exist rather than accept anyone.
		rt.Handle("/webhooks/gladly", "/webhooks/gladly", http.NotFoundHandler())
	}
	rt.HandleStream("GET /media/{itemId}", "/media/{itemId}", mediaHandler) // sets a deadline per write
	rt.Handle("/", "unmatched", http.NotFoundHandler())
}
