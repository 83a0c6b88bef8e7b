package tenant

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/media"
)

// eventsPrefix names the accounts' event streams in Redis: gg:events:<streamName>.
const eventsPrefix = "gg:events:"

// streamName is an account's event stream: a hash of the account id and the Gladly organization
// and user it is linked to (as the cache namespace is), so that deployments sharing a Redis with
// an account id in common, or an account id linked again elsewhere, never read each other's
// events. An account that cannot be found (unlinked) gets a name no linked account has.
func streamName(reg func() *Registry) func(account string) string {
	return func(account string) string {
		id := account + "|"
		if rt, err := reg().Get(context.Background(), account); err == nil {
			id += rt.Gladly.Tenant()
		}
		sum := sha256.Sum256([]byte(id))
		return hex.EncodeToString(sum[:12])
	}
}

// eventsTTL keeps an account's stream a little longer than Gladly's Events API remembers:
// a resume within that window never needs Gladly.
const eventsTTL = 25 * time.Hour

// openEvents builds the bus subscriptions read and the webhook receivers publish to: through
// Redis Streams when Redis is configured (every replica's subscribers get every replica's
// webhooks), in process otherwise. Its Redis client is its own: each account a replica has
// subscribers of holds one connection in a blocking read, which must not starve the cache's pool.
// Resumes the log no longer holds are read from the account's Gladly (reg).
func openEvents(cfg *config.Config, logger zerolog.Logger, reg func() *Registry) (*eventbus.Bus, func(), error) {
	var log eventbus.Log = eventbus.NewMemoryLog(cfg.Subscriptions.EventLogMaxLen)
	closeLog := func() {}
	rdb, err := cfg.RedisClient()
	if err != nil {
		return nil, nil, err
	}
	if rdb != nil {
		log = eventbus.NewRedisLog(rdb, eventsPrefix, cfg.Subscriptions.EventLogMaxLen, eventsTTL).WithKeys(streamName(reg))
		closeLog = func() { _ = rdb.Close() }
	}
	bus := eventbus.New(log, eventbus.Options{
		History: eventbus.GladlyHistory{Client: func(ctx context.Context, account string) (*gladly.Client, error) {
			rt, err := reg().Get(ctx, account)
			if err != nil {
				return nil, err
			}
			return rt.Gladly, nil
		}},
		ReadBlock:   2 * time.Second, // the most Close waits for the readers at shutdown
		IdleTimeout: cfg.Subscriptions.IdleTimeout,
		MaxLifetime: cfg.Subscriptions.MaxLifetime,
		Limits:      eventbus.Limits{PerCaller: cfg.Subscriptions.PerCaller, PerConnection: cfg.Subscriptions.PerConnection},
		Log:         logger.With().Str("component", "eventbus").Logger(),
	})
	return bus, func() { bus.Close(); closeLog() }, nil
}

// Loaders gives each subscription event fresh loaders of the subscriber's account (the runtime
// Middleware or WebSocketInit put in the context): graph.LoaderSource.
type Loaders struct{}

// WithLoaders implements graph.LoaderSource.
func (Loaders) WithLoaders(ctx context.Context) context.Context {
	if rt := From(ctx); rt != nil {
		return rt.Loaders.WithLoaders(ctx)
	}
	return ctx
}

// WebSocketInit authenticates a GraphQL-over-WebSocket connection (gqlhttp.Subscriptions.Init):
// the caller of the upgrade request's Authorization header when it had one (auth.Middleware put
// it in ctx), else the credentials of the connection_init payload ({"token": "Bearer …"} or
// {"Authorization": "Bearer …"}; anonymous in the demo); then, as Middleware does, the caller's
// account's runtime, loaders and media signer go into the connection's context.
func WebSocketInit(authn *auth.Authenticator, reg *Registry) func(ctx context.Context, payload map[string]any) (context.Context, error) {
	return func(ctx context.Context, payload map[string]any) (context.Context, error) {
		c := caller.From(ctx)
		if c == nil {
			var err error
			if c, err = authn.Authenticate(ctx, auth.FromConnectionInit(payload)); err != nil {
				return ctx, err
			}
			ctx = caller.With(ctx, c)
		}
		if c.AccountID == "" {
			return ctx, errors.New("forbidden: the credentials name no account")
		}
		rt, err := reg.Get(ctx, c.AccountID)
		if err != nil {
			return ctx, fmt.Errorf("forbidden: the account %s is not available", c.AccountID)
		}
		ctx = rt.Loaders.WithLoaders(With(ctx, rt))
		return media.WithSigner(ctx, rt.Media), nil
	}
}
