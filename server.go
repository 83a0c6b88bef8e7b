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
	stdlog "log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/loaders"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "gladgraph:", err)
		var ce *ConfigError
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
		logger: func(l zerolog.Logger) { redisLoggerOnce.Do(func() { redis.SetLogger(newRedisLogger(l)) }) },
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
	cfg, err := loadConfig(args, getenv, stdout)
	if err != nil {
		return err
	}
	logger := newLogger(stdout, cfg.LogFormat, cfg.LogLevel)
	if hooks.logger != nil {
		hooks.logger(logger)
	}

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (LISTEN_ADDR): %w", cfg.ListenAddr, err)
	}
	defer ln.Close()
	if cfg.PublicURL == "" {
		cfg.PublicURL = defaultPublicURL(ln.Addr())
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
		// sets its own write deadline instead (see deadlines and mediaHandler).
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       stdlog.New(logWriter{logger}, "", 0),
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
	s.health.draining.Store(true)
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
	health  *health
	close   func()
}

func newServer(cfg *Config, logger zerolog.Logger, build func(*Backend) (Layers, error)) (*server, error) {
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
	metrics := newMetrics()

	base, user, token := cfg.GladlyBaseURL, cfg.GladlyUsername, cfg.GladlyToken
	if cfg.Demo() {
		fake, err := startDemo(cfg.DemoFaults, cfg.GladlyRateLimit)
		if err != nil {
			return nil, err
		}
		closers = append(closers, fake.Close)
		base, user, token = fake.URL, fake.Username, fake.Token
		logDemo(logger, cfg, fake)
	}
	logCache(logger, cfg)
	if cfg.Demo() {
		logger.Info().Str("url", cfg.PublicURL+"/").Msg("demo: open this URL in a browser (GraphiQL); GraphQL is at " + cfg.PublicURL + "/graphql")
	}
	if cfg.MediaKeyGenerated {
		logger.Warn().Msg("MEDIA_SIGNING_KEY is not set: media URLs are signed with a random key of this process; they stop working at restart and on other replicas")
	}
	logger.Info().Object("config", cfg).Msg("configuration")

	var rdb redis.UniversalClient
	if cfg.RedisURL != "" {
		t, err := redisOptions(cfg.RedisURL)
		if err != nil { // validated at load; kept for safety
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		rdb = t.client()
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
		gladly.WithObserver(metrics.ObserveUpstream),
		gladly.WithLogger(logger.With().Str("component", "gladly").Logger()),
	)
	if err != nil {
		return nil, fmt.Errorf("gladly client: %w", err)
	}

	signer := graph.NewMediaSigner(cfg.MediaSigningKey, client.Tenant(), cfg.PublicURL, cfg.MediaURLTTL)
	b := &Backend{Config: cfg, Logger: logger, Gladly: client, Redis: rdb, Media: signer, Metrics: metrics.reg}
	layers, err := build(b)
	if err != nil {
		return nil, fmt.Errorf("build the GraphQL layer: %w", err)
	}
	layers = layers.withDefaults(b)
	closers = append(closers, layers.Close)

	var recordings recordingGetter = unavailableRecordings{}
	if g, ok := any(client.Items).(recordingGetter); ok {
		recordings = g
	}
	h := &health{redis: rdb, org: client.Organization, now: time.Now}
	mux := routes(cfg, metrics, h, layers, &mediaHandler{signer: signer, recordings: recordings, now: time.Now})

	ok = true
	return &server{handler: observe(logger, mux), health: h, close: closeAll}, nil
}

// routes mounts every route, each counted under its pattern and guarded by recoverer.
func routes(cfg *Config, m *Metrics, h *health, l Layers, media http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	handle := func(pattern, route string, hd http.Handler) {
		mux.Handle(pattern, m.instrument(route, recoverer(hd)))
	}
	ide := graph.GraphiQL(graph.GraphiQLOptions{Endpoint: "graphql", Title: "gladgraph"})
	short := cfg.Limits.RequestTimeout + 5*time.Second

	gql := http.MaxBytesHandler(withTimeout(cfg.Limits.RequestTimeout, l.GraphQL), cfg.Limits.MaxBodyBytes)
	handle("/graphql", "/graphql", deadlines(short, graphqlOrIDE(ide, gql)))
	handle("GET /{$}", "/", deadlines(short, ide))
	handle("GET /graphiql/", "/graphiql/", deadlines(short, ide))
	handle("GET /healthz", "/healthz", deadlines(short, http.HandlerFunc(h.liveness)))
	handle("GET /readyz", "/readyz", deadlines(short, http.HandlerFunc(h.readiness)))
	handle("GET /metrics", "/metrics", deadlines(short, m.Handler()))
	if cfg.WebhooksEnabled() {
		handle("POST /webhooks/gladly", "/webhooks/gladly", deadlines(short, newWebhookReceiver(cfg, l.SeenEvents, l.Invalidator, m)))
	} else {
		// No credentials configured: the receiver does not exist rather than accept anyone.
		handle("/webhooks/gladly", "/webhooks/gladly", http.NotFoundHandler())
	}
	handle("GET /media/{itemId}", "/media/{itemId}", media)
	handle("/", "unmatched", http.NotFoundHandler())
	return mux
}

func logDemo(logger zerolog.Logger, cfg *Config, fake *gladlytest.Server) {
	logger.Info().Msg("demo mode: GLADLY_BASE_URL is not set, so gladgraph serves an in-memory Gladly")
	ev := logger.Info().Str("fake", "gladly/gladlytest").Str("fake_url", fake.URL).
		Str("fixture", "Ada Lovelace <"+gladlytest.DemoCustomerEmail+">").Int("rate_limit_per_second", cfg.GladlyRateLimit)
	if cfg.DemoFaults.Any() {
		ev = ev.Str("faults", cfg.DemoFaults.String())
	}
	ev.Msg(fmt.Sprintf("demo: the fake Gladly (seeded demo organization, limited to %d requests per second like a real one) answers every upstream call", cfg.GladlyRateLimit))
}

func logCache(logger zerolog.Logger, cfg *Config) {
	if cfg.RedisURL == "" {
		logger.Info().Str("cache", "in-process").Msg("cache: in-process (set REDIS_URL to share it between replicas)")
		return
	}
	t, _ := redisOptions(cfg.RedisURL)
	mode := ""
	if t != nil {
		mode = t.mode()
	}
	logger.Info().Str("cache", "redis").Str("redis", redisDisplay(cfg.RedisURL)).Str("redis_mode", mode).Msg("cache: Redis")
}

// logWriter sends net/http's own error lines (TLS handshakes, bad requests) to the logger.
type logWriter struct{ l zerolog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.l.Warn().Str("component", "http").Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}
