package tenant

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/webhooks/provision"
)

// WithSubscriptions routes the requests that open a subscription transport on /graphql past
// REQUEST_TIMEOUT and the router's write deadline, which would cut every stream:
//   - a WebSocket upgrade is authenticated by its Authorization header when it has one, else
//     by its connection_init payload (auth.DeferWebSocketAuth; browsers cannot set headers on
//     an upgrade); the account's runtime is resolved at connection_init
//     (WebSocketInit, configured in buildLayers);
//   - a POST asking for text/event-stream (GraphQL over SSE) goes through the same
//     authentication and account as any request (onAccount).
//
// Everything else goes to plain.
func WithSubscriptions(cfg *config.Config, acc *Accounts, graphql http.Handler,
	onAccount func(http.Handler, ...auth.MiddlewareOption) http.Handler, plain http.Handler) http.Handler {
	body := func(h http.Handler) http.Handler { return http.MaxBytesHandler(h, cfg.Limits.MaxBodyBytes) }
	ws := auth.MarkRouter(cfg.Auth.RouterSecret, acc.Authn.Middleware(graphql, auth.DeferWebSocketAuth()))
	sse := onAccount(body(graphql))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
			_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
			ws.ServeHTTP(w, r)
		case gqlhttp.IsSubscriptionRequest(r):
			_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
			sse.ServeHTTP(w, r)
		default:
			plain.ServeHTTP(w, r)
		}
	})
}

// ProvisionDemo registers each demo account's webhook in its fake, as provisioning does in a
// real Gladly, so that the demo's changes reach its subscriptions (delivered in process through
// demo.Loopback: the fakes, like Gladly, deliver to https URLs only).
func ProvisionDemo(logger zerolog.Logger, acc *Accounts) {
	log := logger.With().Str("component", "provision").Logger()
	p, err := provision.New(provision.Config{PublicURL: demo.WebhookBase, Log: log})
	if err != nil {
		log.Warn().Err(err).Msg("demo: webhooks not provisioned; subscriptions get no events")
		return
	}
	ctx := context.Background()
	for _, id := range []string{demo.Account, demo.SecondAccount} {
		a, err := acc.Store.Get(ctx, id)
		if err == nil {
			var rt *Runtime
			if rt, err = acc.Registry.Get(ctx, id); err == nil {
				_, err = p.Ensure(ctx, provision.Account{ID: id, Client: rt.Gladly,
					Credentials: gladly.WebhookCredentials{Username: a.WebhookUsername, Password: a.WebhookPassword}})
			}
		}
		if err != nil {
			log.Warn().Err(err).Str("account", id).Msg("demo: webhook not provisioned; subscriptions of this account get no events")
		}
	}
}

// provisionEvery is how often every linked account's webhook is checked: Gladly disables a
// webhook after its retries fail, and Ensure enables it again and backfills the gap.
const provisionEvery = 5 * time.Minute

// NewProvisioner keeps one gladgraph webhook per linked account in Gladly, or answers nil when
// PUBLIC_URL is not https (Gladly delivers to https only) or in the demo (ProvisionDemo).
func NewProvisioner(cfg *config.Config, logger zerolog.Logger, acc *Accounts) *provision.Provisioner {
	if cfg.Demo() || !strings.HasPrefix(cfg.PublicURL, "https://") {
		return nil
	}
	p, err := provision.New(provision.Config{PublicURL: cfg.PublicURL, Sink: tenantSink{acc.Registry},
		Log: logger.With().Str("component", "provision").Logger()})
	if err != nil {
		logger.Warn().Err(err).Msg("webhook provisioning off")
		return nil
	}
	return p
}

// ProvisionAccounts runs Ensure for every enabled account now and every provisionEvery until
// ctx ends. Call it once the server listens: Gladly PINGs the route when it creates or enables
// the webhook.
func ProvisionAccounts(ctx context.Context, p *provision.Provisioner, logger zerolog.Logger, acc *Accounts) {
	log := logger.With().Str("component", "provision").Logger()
	round := func() {
		list, err := acc.Store.List(ctx)
		if err != nil {
			log.Warn().Err(err).Msg("webhook provisioning: accounts could not be listed")
			return
		}
		for _, a := range list {
			if a.Disabled {
				continue
			}
			// List leaves the secrets out; the webhook's password is one.
			full, err := acc.Store.Get(ctx, a.ID)
			var rt *Runtime
			if err == nil {
				rt, err = acc.Registry.Get(ctx, a.ID)
			}
			if err == nil {
				var res provision.Result
				res, err = p.Ensure(ctx, provisionAccount(full, rt.Gladly))
				if err == nil && (res.Created || res.Enabled || res.Updated || len(res.Removed) > 0) {
					log.Info().Str("account", a.ID).Bool("created", res.Created).Bool("re_enabled", res.Enabled).
						Int("backfilled", res.Backfilled).Msg("webhook provisioning: the account's webhook is in place")
				}
			}
			if err != nil && ctx.Err() == nil {
				log.Warn().Err(err).Str("account", a.ID).Msg("webhook provisioning failed; retried at the next round")
			}
		}
	}
	round()
	t := time.NewTicker(provisionEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			round()
		}
	}
}

// Unprovision frees an unlinked account's webhook slot in Gladly, with the account's own
// credentials (its runtime is being dropped).
func Unprovision(ctx context.Context, p *provision.Provisioner, logger zerolog.Logger, a accounts.Account) {
	if p == nil {
		return
	}
	c, err := gladly.NewClient(a.GladlyBaseURL, gladly.WithBasicAuth(a.Username, a.APIToken))
	if err == nil {
		err = p.Remove(ctx, provisionAccount(a, c))
	}
	if err != nil {
		logger.Warn().Err(err).Str("account", a.ID).Msg("webhook provisioning: the unlinked account's webhook could not be removed")
	}
}

func provisionAccount(a accounts.Account, c *gladly.Client) provision.Account {
	return provision.Account{ID: a.ID, Client: c,
		Credentials: gladly.WebhookCredentials{Username: a.WebhookUsername, Password: a.WebhookPassword}}
}

// tenantSink delivers backfilled events down the account's webhook path (provision.Sink).
type tenantSink struct{ reg *Registry }

func (s tenantSink) Deliver(ctx context.Context, accountID string, ev *gladly.Event) error {
	rt, err := s.reg.Get(ctx, accountID)
	if err != nil {
		return err
	}
	return rt.Receiver.Deliver(ctx, accountID, ev)
}
