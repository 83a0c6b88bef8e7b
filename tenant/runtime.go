package tenant

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
	"github.com/gladgraph/gladgraph/metrics"
	"github.com/gladgraph/gladgraph/schema"
	"github.com/gladgraph/gladgraph/telemetry"
	"github.com/gladgraph/gladgraph/webhooks"
)

// gladlyClientTimeout is the gladly client's own default bound on one HTTP exchange.
const gladlyClientTimeout = 60 * time.Second

// memoryCacheBytes bounds each account's in-process response cache (no Redis configured).
const memoryCacheBytes = 128 << 20

// Runtime is one linked account's live parts.
type Runtime struct {
	ID     string
	Gladly *gladly.Client
	// Cache is the account's namespace of the response cache.
	Cache loaders.Cache
	// Store reads through Cache and invalidates in it (webhooks, writes).
	Store   *loaders.Store
	Loaders *loaders.Factory
	// Callers is each caller's share of the account's calls (nil: CALLER_UPSTREAM_RATE off).
	Callers *loaders.CallerLimiter
	// Media signs media URLs that open this account's recordings only.
	Media *media.Signer
	// Seen de-duplicates the account's webhook deliveries (shared by replicas through Redis).
	Seen webhooks.SeenSet
	// Webhooks receives Gladly's deliveries on /webhooks/gladly/{accountId}.
	Webhooks http.Handler
	// Receiver is Webhooks, for events found outside a delivery (backfills: Deliver).
	Receiver *webhooks.Receiver
	// MediaHandler serves /media/{itemId} for URLs Media signed.
	MediaHandler http.Handler
	close        func()
}

// Close releases the account's cache connections; requests still holding the runtime finish.
func (r *Runtime) Close() {
	if r.close != nil {
		r.close()
	}
}

// Deps are what every account's runtime shares.
type Deps struct {
	Config  *config.Config
	Logger  zerolog.Logger
	Redis   redis.UniversalClient // nil: in-process cache and limiter
	Metrics *metrics.Metrics
	// Events receives each account's new webhook events for its subscribers; nil: none.
	Events webhooks.Publisher
}

// Builder builds runtimes (accounts.Builder); limiters are shared by organization host, as
// Gladly counts its limit per organization whatever the token.
type Builder struct {
	deps     Deps
	mu       sync.Mutex
	limiters map[string]gladly.Limiter
	callers  map[string]*loaders.CallerLimiter
}

// NewBuilder returns a builder over deps.
func NewBuilder(d Deps) *Builder {
	return &Builder{deps: d, limiters: map[string]gladly.Limiter{}, callers: map[string]*loaders.CallerLimiter{}}
}

// Namespace is the response-cache namespace of an account: the schema version, the account id
// and its Gladly tenant (host and API user), so that no two accounts, nor one account before
// and after a change of credentials, ever read each other's entries.
func Namespace(accountID string, c *gladly.Client) string {
	return loaders.Namespace(schema.Version(), accountID+"|"+c.Tenant())
}

// Build makes the runtime of a.
func (b *Builder) Build(_ context.Context, a accounts.Account) (*Runtime, error) {
	cfg, log := b.deps.Config, b.deps.Logger.With().Str("account", a.ID).Logger()
	u, err := gladly.ParseBaseURL(a.GladlyBaseURL)
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", a.ID, err)
	}
	rate := max(int(a.RateLimit), 1)
	callers := b.callerShare(u.Host, log)
	limit := b.limiter(u.Host, rate, log)
	if callers != nil {
		// A caller over its share is refused at once, before it takes a place in the
		// organization's window that other callers need.
		limit = gladly.Chain(callers, limit)
	}
	client, err := gladly.NewClient(a.GladlyBaseURL,
		gladly.WithBasicAuth(a.Username, a.APIToken),
		gladly.WithRateLimit(b.deps.Metrics.Limiter(limit)), // queue length in /metrics
		gladly.WithMaxRetryAfter(cfg.GladlyMaxRetryAfter),
		gladly.WithMaxResponseBytes(cfg.GladlyMaxResponseBytes),
		gladly.WithObserver(b.deps.Metrics.ObserveUpstream),
		gladly.WithLogger(log.With().Str("component", "gladly").Logger()),
		// A client span per attempt (when tracing is on), on the client's usual pooled transport.
		gladly.WithHTTPClient(&http.Client{Timeout: gladlyClientTimeout,
			Transport: telemetry.Transport(gladly.NewTransport(gladly.DefaultIdleConnsPerHost))}),
	)
	if err != nil {
		return nil, fmt.Errorf("account %s: gladly client: %w", a.ID, err)
	}
	rt := &Runtime{ID: a.ID, Gladly: client, Callers: callers}
	ns := Namespace(a.ID, client)
	if b.deps.Redis != nil {
		// Reads coalesce into few round trips under load; the breaker counts only Redis's own
		// failures.
		hook, unhook := b.deps.Metrics.BreakerHook() // gladgraph_cache_breaker_open
		r := loaders.NewResilient(loaders.NewCoalesced(loaders.NewRedisCache(b.deps.Redis, ns), 0), log, loaders.WithStateHook(hook))
		rt.Cache, rt.close = r, func() { r.Close(); unhook() }
	} else {
		rt.Cache = loaders.NewMemoryCache(memoryCacheBytes)
	}
	ttl := loaders.DefaultTTLs()
	ttl.Directory, ttl.Profile, ttl.Task = cfg.CacheTTL.Directory, cfg.CacheTTL.Profile, cfg.CacheTTL.Task
	ttl.Conversation, ttl.Item, ttl.Knowledge = cfg.CacheTTL.Conversation, cfg.CacheTTL.Item, cfg.CacheTTL.Answer
	ttl.NotFound = cfg.CacheTTL.NotFound
	rt.Store = loaders.NewStore(rt.Cache, loaders.WithTTLs(ttl))
	rt.Loaders = loaders.NewFactory(client, rt.Store)
	rt.Media = media.NewSigner(cfg.MediaSigningKey, a.ID+"|"+client.Tenant(), cfg.PublicURL, cfg.MediaURLTTL).WithAccount(a.ID)
	rt.Seen = webhooks.NewSeenSet(b.deps.Redis, a.ID+"|"+client.Tenant())
	var opts []webhooks.Option
	if b.deps.Events != nil {
		opts = append(opts, webhooks.WithPublisher(a.ID, b.deps.Events))
	}
	rt.Receiver = webhooks.NewAccountReceiver(webhooks.Credentials{Username: a.WebhookUsername, Password: a.WebhookPassword},
		rt.Seen, rt.Store, b.deps.Metrics, opts...)
	rt.Webhooks = rt.Receiver
	rt.MediaHandler = media.NewHandler(rt.Media, client.Items)
	return rt, nil
}

// limiter is the organization's: through Redis every replica draws from one window keyed by
// the host; without Redis one window per host in this process.
func (b *Builder) limiter(host string, perSecond int, log zerolog.Logger) gladly.Limiter {
	if b.deps.Redis != nil {
		return loaders.NewSharedLimiter(b.deps.Redis, "gg:", host, perSecond, time.Second, log.With().Str("component", "ratelimit").Logger())
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	l, ok := b.limiters[host]
	if !ok {
		l = gladly.NewWindowLimiter(perSecond, time.Second)
		b.limiters[host] = l
	}
	return l
}

// callerShare is each caller's share of the organization's calls (CALLER_UPSTREAM_RATE,
// CALLER_UPSTREAM_BURST), nil when off. The buckets are the host's, like the organization's limit
// (through Redis, every replica's).
func (b *Builder) callerShare(host string, log zerolog.Logger) *loaders.CallerLimiter {
	cfg := b.deps.Config
	if cfg.CallerUpstreamRate <= 0 {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	l, ok := b.callers[host]
	if !ok {
		l = loaders.NewCallerLimiter(b.deps.Redis, "gg:", host, cfg.CallerUpstreamRate, cfg.CallerUpstreamBurst,
			log.With().Str("component", "callerrate").Logger())
		b.callers[host] = l
	}
	return l
}

// Registry is the accounts registry over runtimes.
type Registry = accounts.Registry[*Runtime]

// NewRegistry builds runtimes of store's accounts with b on first use.
func NewRegistry(store accounts.Store, b *Builder) *Registry {
	return accounts.NewRegistry(store, b.Build)
}

type ctxKey struct{}

// With returns ctx running on rt.
func With(ctx context.Context, rt *Runtime) context.Context {
	return context.WithValue(ctx, ctxKey{}, rt)
}

// From returns the runtime of the request's account, or nil.
func From(ctx context.Context) *Runtime {
	rt, _ := ctx.Value(ctxKey{}).(*Runtime)
	return rt
}
