package main

import (
	"container/list"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders"
)

const (
	// maxWebhookBody bounds a delivery: Gladly's payloads carry ids only, a few hundred bytes.
	maxWebhookBody = 64 << 10
	// invalidateTimeout keeps the answer well inside the 15 s Gladly waits for one.
	invalidateTimeout = 5 * time.Second
	// seenTTL covers Gladly's retries of one delivery (30 s, 5 min, 30 min, 1 h).
	seenTTL = 2 * time.Hour
	// seenMax bounds the in-process set's memory (~100 bytes an entry).
	seenMax = 50_000
)

// SeenSet remembers webhook event ids so that a redelivered event is processed once: in Redis
// (SET NX EX, shared by replicas) when one is configured, else in process memory (per replica,
// forgotten at restart: a duplicate then only costs one more invalidation).
type SeenSet interface {
	// MarkSeen records id and reports whether it was new.
	MarkSeen(ctx context.Context, id string) (first bool, err error)
	// Forget removes id, so that a redelivery is processed again.
	Forget(ctx context.Context, id string) error
}

// memorySeenSet is a SeenSet in process memory: ids expire after ttl, the oldest go first when
// it holds max ids.
type memorySeenSet struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu    sync.Mutex
	byID  map[string]*list.Element
	order *list.List // of seenEntry, oldest first (one TTL for all: insertion order is expiry order)
}

type seenEntry struct {
	id string
	at time.Time
}

func newMemorySeenSet(ttl time.Duration, max int) *memorySeenSet {
	return &memorySeenSet{ttl: ttl, max: max, now: time.Now, byID: map[string]*list.Element{}, order: list.New()}
}

func (s *memorySeenSet) MarkSeen(_ context.Context, id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for e := s.order.Front(); e != nil && now.Sub(e.Value.(seenEntry).at) >= s.ttl; e = s.order.Front() {
		s.remove(e)
	}
	if _, ok := s.byID[id]; ok {
		return false, nil
	}
	s.byID[id] = s.order.PushBack(seenEntry{id: id, at: now})
	for s.order.Len() > s.max {
		s.remove(s.order.Front())
	}
	return true, nil
}

func (s *memorySeenSet) Forget(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byID[id]; ok {
		s.remove(e)
	}
	return nil
}

func (s *memorySeenSet) remove(e *list.Element) {
	delete(s.byID, e.Value.(seenEntry).id)
	s.order.Remove(e)
}

// webhookReceiver serves POST /webhooks/gladly: Gladly's event deliveries, which it
// authenticates with Basic credentials and/or a static header (Gladly documents no signature).
type webhookReceiver struct {
	username, password      string
	headerName, headerValue string
	seen                    SeenSet
	inv                     loaders.Invalidator
	metrics                 *Metrics
}

func newWebhookReceiver(cfg *Config, seen SeenSet, inv loaders.Invalidator, m *Metrics) *webhookReceiver {
	return &webhookReceiver{
		username: cfg.WebhookUsername, password: cfg.WebhookPassword,
		headerName: cfg.WebhookHeaderName, headerValue: cfg.WebhookHeaderValue,
		seen: seen, inv: inv, metrics: m,
	}
}

// authorized checks every configured credential (Gladly sends all that the webhook was given).
func (h *webhookReceiver) authorized(r *http.Request) bool {
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

func (h *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := zerolog.Ctx(r.Context())
	if !h.authorized(r) {
		h.metrics.webhookEvent("", "unauthorized")
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
			h.metrics.webhookEvent("", "too_large")
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		h.metrics.webhookEvent("", "bad_request")
		http.Error(w, "could not read body", http.StatusBadRequest)
		return
	}
	ev, err := gladly.ParseEvent(body)
	if err != nil {
		h.metrics.webhookEvent("", "bad_request")
		log.Warn().Err(err).Msg("webhook: not a Gladly event")
		http.Error(w, "not a Gladly event", http.StatusBadRequest)
		return
	}
	if ev.Type == "PING" {
		h.metrics.webhookEvent(ev.Type, "ping")
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
		h.metrics.webhookEvent(ev.Type, "duplicate")
		l.Debug().Msg("webhook: event already processed")
		writeOK(w)
		return
	}
	if len(refs) == 0 {
		h.metrics.webhookEvent(ev.Type, "ignored")
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
		h.metrics.webhookEvent(ev.Type, "invalidation_failed")
		h.metrics.webhookInvalid.Inc()
		_ = h.seen.Forget(context.WithoutCancel(r.Context()), ev.ID)
		l.Error().Err(err).Int("refs", len(refs)).Msg("webhook: cache invalidation failed; entries will expire with their TTL")
		writeOK(w)
		return
	}
	h.metrics.webhookEvent(ev.Type, "invalidated")
	l.Debug().Int("refs", len(refs)).Msg("webhook: cache invalidated")
	writeOK(w)
}

func writeOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
}

// nopInvalidator is the default until the cache layer provides one: nothing is cached, so
// nothing goes stale.
type nopInvalidator struct{}

func (nopInvalidator) Invalidate(context.Context, ...loaders.Ref) error { return nil }
