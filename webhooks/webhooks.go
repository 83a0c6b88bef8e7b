package webhooks

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/config"
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

// receiver serves POST /webhooks/gladly: Gladly's event deliveries, which it
// authenticates with Basic credentials and/or a static header (Gladly documents no signature).
type receiver struct {
	username, password      string
	headerName, headerValue string
	seen                    SeenSet
	inv                     loaders.Invalidator
	metrics                 *metrics.Metrics
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
func NewReceiver(cfg *config.Config, seen SeenSet, inv loaders.Invalidator, m *metrics.Metrics) http.Handler {
	return newReceiver(CredentialsOf(cfg), seen, inv, m)
}

// NewAccountReceiver is NewReceiver for one linked account's route
// (/webhooks/gladly/{accountId}), with that account's own credentials.
func NewAccountReceiver(creds Credentials, seen SeenSet, inv loaders.Invalidator, m *metrics.Metrics) http.Handler {
	return newReceiver(creds, seen, inv, m)
}

func newReceiver(c Credentials, seen SeenSet, inv loaders.Invalidator, m *metrics.Metrics) *receiver {
	return &receiver{
		username: c.Username, password: c.Password,
		headerName: c.HeaderName, headerValue: c.HeaderValue,
		seen: seen, inv: inv, metrics: m,
	}
}

// authorized checks every configured credential (Gladly sends all that the webhook was given).
func (h *receiver) authorized(r *http.Request) bool {
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

func (h *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	l := log.With().Str("event_type", ev.Type).Str("event_id", ev.ID).Logger()
	refs, known := loaders.EventRefs(ev)
	if !known {
		l.Warn().Int("refs", len(refs)).Msg("webhook: undocumented event type; invalidating the ids it names")
	}
	first, err := h.seen.MarkSeen(r.Context(), ev.ID)
	if err != nil {
		// Invalidating twice is harmless; skipping an event is not.
		l.Warn().Err(err).Msg("webhook: seen-set unavailable; processing the event")
		first = true
	}
	if !first {
		h.metrics.WebhookEvent(ev.Type, "duplicate")
		l.Debug().Msg("webhook: event already processed")
		writeOK(w)
		return
	}
	if len(refs) == 0 {
		h.metrics.WebhookEvent(ev.Type, "ignored")
		l.Debug().Msg("webhook: event makes nothing stale")
		writeOK(w)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), invalidateTimeout)
	defer cancel()
	if err := h.inv.Invalidate(ctx, refs...); err != nil {
		// Answered 200 all the same: Gladly would retry a few times over an hour and then
		// disable the webhook, which would stop invalidation for good; a failed invalidation
		// only leaves entries to age out with their TTL. The id is forgotten so that a
		// redelivery, should one come, tries again.
		h.metrics.WebhookEvent(ev.Type, "invalidation_failed")
		h.metrics.WebhookInvalidationFailed()
		_ = h.seen.Forget(context.WithoutCancel(r.Context()), ev.ID)
		l.Error().Err(err).Int("refs", len(refs)).Msg("webhook: cache invalidation failed; entries will expire with their TTL")
		writeOK(w)
		return
	}
	h.metrics.WebhookEvent(ev.Type, "invalidated")
	l.Debug().Int("refs", len(refs)).Msg("webhook: cache invalidated")
	writeOK(w)
}

func writeOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
}
