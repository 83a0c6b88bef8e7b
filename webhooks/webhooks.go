package webhooks

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/metrics"
)

const (
	// maxWebhookBody bounds a delivery: Gladly's payloads carry ids only, a few hundred bytes.
	maxWebhookBody = 64 << 10
	// invalidateTimeout keeps the answer well inside the 15 s Gladly waits for one.
	invalidateTimeout = 5 * time.Second
)

// Receiver serves POST /webhooks/gladly: Gladly's event deliveries, which it
// authenticates with Basic credentials and/or a static header (Gladly documents no signature).
type Receiver struct {
	username, password      string
	headerName, headerValue string
	seen                    SeenSet
	inv                     loaders.Invalidator
	metrics                 *metrics.Metrics
	// account and pub hand each new event to subscribers (WithPublisher); nil pub: none.
	account string
	pub     Publisher
}

// Publisher hands an event on to the account's subscribers on every replica: an *eventbus.Bus.
type Publisher interface {
	Publish(ctx context.Context, account string, ev *gladly.Event) (eventbus.Cursor, error)
}

// Option configures a Receiver.
type Option func(*Receiver)

// WithPublisher publishes each new event of the account to p after its invalidation, so that a
// subscriber reading the event's objects never reads what the event made stale (package
// eventbus). A failed publish is answered 503 and the delivery forgotten: Gladly retries it.
func WithPublisher(account string, p Publisher) Option {
	return func(r *Receiver) { r.account, r.pub = account, p }
}

// Credentials are what Gladly sends with each delivery: Basic credentials, a static header, or
// both. A receiver without any refuses every delivery.
type Credentials struct {
	Username, Password      string
	HeaderName, HeaderValue string
}

// Empty reports whether no credential is set.
func (c Credentials) Empty() bool { return c.Username == "" && c.HeaderName == "" }

// CredentialsOf are the WEBHOOK_* credentials of cfg (the single account's webhook).
func CredentialsOf(cfg *config.Config) Credentials {
	return Credentials{Username: cfg.WebhookUsername, Password: cfg.WebhookPassword,
		HeaderName: cfg.WebhookHeaderName, HeaderValue: cfg.WebhookHeaderValue}
}

// NewReceiver returns the handler of POST /webhooks/gladly, authenticating deliveries with the
// credentials of cfg (mount it only when cfg.WebhooksEnabled()), de-duplicating them through seen
// and dropping what they made stale through inv.
func NewReceiver(cfg *config.Config, seen SeenSet, inv loaders.Invalidator, m *metrics.Metrics, opts ...Option) *Receiver {
	return newReceiver(CredentialsOf(cfg), seen, inv, m, opts...)
}

// NewAccountReceiver is NewReceiver for one linked account's route
// (/webhooks/gladly/{accountId}), with that account's own credentials.
func NewAccountReceiver(creds Credentials, seen SeenSet, inv loaders.Invalidator, m *metrics.Metrics, opts ...Option) *Receiver {
	return newReceiver(creds, seen, inv, m, opts...)
}

func newReceiver(c Credentials, seen SeenSet, inv loaders.Invalidator, m *metrics.Metrics, opts ...Option) *Receiver {
	r := &Receiver{
		username: c.Username, password: c.Password,
		headerName: c.HeaderName, headerValue: c.HeaderValue,
		seen: seen, inv: inv, metrics: m,
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// authorized checks every configured credential (Gladly sends all that the webhook was given).
func (h *Receiver) authorized(r *http.Request) bool {
	if h.username == "" && h.headerName == "" {
		return false // no credentials: nobody is Gladly
	}
	ok := true
	if h.username != "" {
		u, p, found := r.BasicAuth()
		// Both compared whatever the first says: the time taken tells nothing.
		okU, okP := secretEqual(u, h.username), secretEqual(p, h.password)
		ok = found && okU && okP
	}
	if h.headerName != "" {
		v := r.Header.Values(h.headerName)
		okH := len(v) == 1 && secretEqual(v[0], h.headerValue)
		ok = ok && okH
	}
	return ok
}

// secretEqual compares in constant time, also for inputs of different lengths.
func secretEqual(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

func (h *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := zerolog.Ctx(r.Context())
	if !h.authorized(r) {
		h.metrics.WebhookEvent("", "unauthorized")
		if h.username != "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="gladgraph webhooks", charset="UTF-8"`)
		}
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.metrics.WebhookEvent("", "too_large")
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		h.metrics.WebhookEvent("", "bad_request")
		http.Error(w, "could not read body", http.StatusBadRequest)
		return
	}
	ev, err := gladly.ParseEvent(body)
	if err != nil {
		h.metrics.WebhookEvent("", "bad_request")
		log.Warn().Err(err).Msg("webhook: not a Gladly event")
		http.Error(w, "not a Gladly event", http.StatusBadRequest)
		return
	}
	if ev.Type == "PING" {
		h.metrics.WebhookEvent(ev.Type, "ping")
		log.Info().Msg("webhook: PING answered")
		writeOK(w)
		return
	}
	if err := h.deliver(r.Context(), *log, ev); err != nil {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "the event could not be handed on; retry later", http.StatusServiceUnavailable)
		return
	}
	writeOK(w)
}

// Deliver takes an event found outside a delivery (a backfill from Gladly's Events API) down
// the same path: dedupe, invalidate, publish. accountID must be the receiver's account.
func (h *Receiver) Deliver(ctx context.Context, accountID string, ev *gladly.Event) error {
	if h.pub != nil && accountID != h.account {
		return fmt.Errorf("webhooks: an event of account %s given to the receiver of %s", accountID, h.account)
	}
	return h.deliver(ctx, *zerolog.Ctx(ctx), ev)
}

// deliver dedupes ev, invalidates what it made stale, then publishes it. Only a failed publish
// is an error: the delivery is then forgotten so that Gladly's retry goes through again.
func (h *Receiver) deliver(ctx context.Context, log zerolog.Logger, ev *gladly.Event) error {
	l := log.With().Str("event_type", ev.Type).Str("event_id", ev.ID).Logger()
	refs, known := loaders.EventRefs(ev)
	if !known {
		l.Warn().Int("refs", len(refs)).Msg("webhook: undocumented event type; invalidating the ids it names")
	}
	first, err := h.seen.MarkSeen(ctx, ev.ID)
	if err != nil {
		// Invalidating twice is harmless; skipping an event is not.
		l.Warn().Err(err).Msg("webhook: seen-set unavailable; processing the event")
		first = true
	}
	if !first {
		h.metrics.WebhookEvent(ev.Type, "duplicate")
		l.Debug().Msg("webhook: event already processed")
		return nil
	}
	outcome := "ignored"
	if len(refs) > 0 {
		outcome = "invalidated"
		ictx, cancel := context.WithTimeout(ctx, invalidateTimeout)
		err := h.inv.Invalidate(ictx, refs...)
		cancel()
		if err != nil {
			// Answered 200 all the same: Gladly would retry a few times over an hour and then
			// disable the webhook, which would stop invalidation for good; a failed invalidation
			// only leaves entries to age out with their TTL. The id is forgotten so that a
			// redelivery, should one come, tries again. Subscribers still get the event.
			outcome = "invalidation_failed"
			h.metrics.WebhookInvalidationFailed()
			_ = h.seen.Forget(context.WithoutCancel(ctx), ev.ID)
			l.Error().Err(err).Int("refs", len(refs)).Msg("webhook: cache invalidation failed; entries will expire with their TTL")
		} else {
			l.Debug().Int("refs", len(refs)).Msg("webhook: cache invalidated")
		}
	}
	if h.pub != nil {
		pctx, cancel := context.WithTimeout(ctx, invalidateTimeout)
		_, err := h.pub.Publish(pctx, h.account, ev)
		cancel()
		if err != nil {
			h.metrics.WebhookEvent(ev.Type, "publish_failed")
			_ = h.seen.Forget(context.WithoutCancel(ctx), ev.ID)
			l.Error().Err(err).Msg("webhook: the event could not be published to subscribers; answered 503 for Gladly to retry")
			return err
		}
	}
	h.metrics.WebhookEvent(ev.Type, outcome)
	return nil
}

func writeOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
}
