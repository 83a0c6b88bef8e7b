package tenant

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/health"
	"github.com/gladgraph/gladgraph/metrics"
)

// Accounts is the accounts side of the server: the store, the per-account runtimes and who
// authenticates callers against them.
type Accounts struct {
	Store    accounts.Store
	Registry *Registry
	Authn    *auth.Authenticator
	Default  *Runtime // the account anonymous callers and legacy routes use, if any
	Close    func()

	redis  redis.UniversalClient // the shared cache Unlinked purges; nil without Redis
	logger zerolog.Logger
	// Events carries Gladly's events from the webhook receivers to subscriptions (DESIGN.md §10).
	Events *eventbus.Bus
}

// Open opens the accounts store (PostgreSQL with DATABASE_URL; else the one account of
// GLADLY_* or the demo's two over their fakes), the registry of runtimes and the authenticator.
func Open(cfg *config.Config, logger zerolog.Logger, rdb redis.UniversalClient, m *metrics.Metrics, initial []accounts.NewAccount) (*Accounts, error) {
	ctx := context.Background()
	l := &Accounts{redis: rdb, logger: logger}
	var closers []func()
	l.Close = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	if !cfg.Demo() && cfg.DatabaseURL == "" {
		initial = []accounts.NewAccount{{ID: cfg.DefaultAccount(), GladlyBaseURL: cfg.GladlyBaseURL,
			Username: cfg.GladlyUsername, APIToken: cfg.GladlyToken, RateLimit: float64(cfg.GladlyRateLimit)}}
	}
	var err error
	if cfg.DatabaseURL != "" {
		kr, kerr := accounts.ParseKeyring(cfg.AccountsKeys)
		if kerr != nil {
			return l, kerr
		}
		l.Store, err = accounts.OpenPostgres(ctx, cfg.DatabaseURL, kr, accounts.WithLogger(logger.With().Str("component", "accounts").Logger()))
	} else {
		l.Store, err = accounts.NewMemoryStore(initial...)
	}
	if err != nil {
		return l, fmt.Errorf("accounts store: %w", err)
	}
	closers = append(closers, l.Store.Close)
	events, closeEvents, err := openEvents(cfg, logger, func() *Registry { return l.Registry })
	if err != nil {
		return l, fmt.Errorf("events: %w", err)
	}
	l.Events = events
	closers = append(closers, closeEvents)
	l.Registry = NewRegistry(l.Store, NewBuilder(Deps{Config: cfg, Logger: logger, Redis: rdb, Metrics: m, Events: events}))
	closers = append(closers, l.Registry.Close)

	list, err := l.Store.List(ctx)
	if err != nil {
		return l, fmt.Errorf("accounts store: %w", err)
	}
	ac := cfg.Auth
	ac.DefaultAccount = cfg.DefaultAccount()
	ac = ac.WithDefaults()
	if err := ac.ValidateAccounts(len(list)); err != nil {
		return l, &config.Error{Problems: []string{err.Error()}}
	}
	if l.Authn, err = auth.New(ac, AuthAccounts{Store: l.Store}, l.Store,
		auth.WithLogger(logger.With().Str("component", "auth").Logger())); err != nil {
		return l, err
	}
	closers = append(closers, l.Authn.Wait)
	if ac.JWTEnabled() {
		if err := l.Authn.Prefetch(ctx); err != nil {
			logger.Warn().Err(err).Msg("auth: the JWKS could not be fetched yet; JWTs are refused until it can")
		}
	}
	if ac.DefaultAccount != "" {
		if l.Default, err = l.Registry.Get(ctx, ac.DefaultAccount); err != nil {
			return l, fmt.Errorf("account %s: %w", ac.DefaultAccount, err)
		}
	}
	if cfg.Demo() {
		keys := map[string]string{}
		for _, id := range []string{demo.Account, demo.SecondAccount} {
			k, err := l.Store.IssueAPIKey(ctx, id, caller.GladlyScopes, time.Time{})
			if err != nil {
				return l, fmt.Errorf("demo API key: %w", err)
			}
			keys[id] = k.Key
		}
		demo.LogAPIKeys(logger, keys)
	}
	return l, nil
}

// Health is the readiness checker of this replica: the accounts store when it is PostgreSQL
// (failing it), Redis and the default account's Gladly (reported, not failing it).
func (l *Accounts) Health(rdb redis.UniversalClient) *health.Checker {
	var org health.OrganizationGetter
	if l.Default != nil {
		org = l.Default.Gladly.Organization
	}
	var opts []health.Option
	if pg, ok := l.Store.(*accounts.PGStore); ok {
		opts = append(opts, health.WithAccountsStore(pg.Pool().Ping))
	}
	return health.New(rdb, org, opts...)
}
