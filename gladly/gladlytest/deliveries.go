package gladlytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// webhookRetryDelays is Gladly's schedule for a failed delivery (non-2xx or no answer within
// 15 s): four retries over about an hour and a half; after the fourth fails, the webhook is
// disabled.
var webhookRetryDelays = []time.Duration{30 * time.Second, 5 * time.Minute, 30 * time.Minute, time.Hour}

// webhookTimeout is how long Gladly waits for a webhook's answer.
const webhookTimeout = 15 * time.Second

// WithWebhookRetryScale multiplies the delays of Gladly's delivery retry schedule (30 s, 5 min,
// 30 min, 1 h) by scale, so that tests can run the whole schedule in milliseconds (1e-5 makes
// it about 1 ms in all).
func WithWebhookRetryScale(scale float64) Option {
	return func(c *config) { c.webhookRetryScale = scale }
}

// deliveryTarget is where and how a webhook's requests go.
type deliveryTarget struct {
	webhookID   string
	url         string
	credentials *gladly.WebhookCredentials
	headers     map[string]string
}

// dispatcher tracks deliveries in flight so that tests can wait for them, and stops them when
// the server closes.
type dispatcher struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	pending int
	idle    chan struct{} // closed while nothing is pending
}

func newDispatcher() *dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	idle := make(chan struct{})
	close(idle)
	return &dispatcher{ctx: ctx, cancel: cancel, idle: idle}
}

func (d *dispatcher) add() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending == 0 {
		d.idle = make(chan struct{})
	}
	d.pending++
}

func (d *dispatcher) done() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending--
	if d.pending == 0 {
		close(d.idle)
	}
}

// sleep waits for dur; it returns false when the server closed first.
func (d *dispatcher) sleep(dur time.Duration) bool {
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-d.ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// WaitWebhookDeliveries blocks until every webhook delivery started so far has succeeded or
// given up (retries included, so with Gladly's unscaled schedule this can take an hour and a
// half; see WithWebhookRetryScale), or ctx ends.
func (s *Server) WaitWebhookDeliveries(ctx context.Context) error {
	d := s.dispatcher()
	d.mu.Lock()
	idle := d.idle
	d.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Server) dispatcher() *dispatcher {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.admin.deliveries
}

// stopWebhooks abandons deliveries and their retries; the server is closing.
func (s *Server) stopWebhooks() { s.dispatcher().cancel() }

// deliver sends ev to every enabled webhook subscribed to its type. Callers hold s.mu; the
// requests go out from their own goroutines, never under the lock.
func (s *Server) deliver(ev event) {
	var body []byte
	d := s.db.admin.deliveries
	for _, h := range s.db.admin.webhooks.list() {
		if !h.view.Enabled || !h.subscribed(ev.Type) {
			continue
		}
		if body == nil {
			var err error
			if body, err = json.Marshal(ev.wire()); err != nil {
				return
			}
		}
		d.add()
		go s.deliverTo(d, h.view.ID, body)
	}
}

// deliverTo posts body to the webhook, retrying on Gladly's schedule; after the last retry
// fails the webhook is disabled. Each attempt uses the webhook's settings of the moment, and
// stops if it was deleted or disabled meanwhile.
func (s *Server) deliverTo(d *dispatcher, id string, body []byte) {
	defer d.done()
	for attempt := 0; ; attempt++ {
		if attempt > 0 && !d.sleep(s.retryDelay(attempt-1)) {
			return
		}
		s.mu.Lock()
		h, ok := s.db.admin.webhooks.get(id)
		ok = ok && h.view.Enabled
		var t deliveryTarget
		if ok {
			t = h.target()
		}
		s.mu.Unlock()
		if !ok {
			return
		}
		if s.post(d.ctx, t, body, false) == nil {
			return
		}
		if attempt == len(webhookRetryDelays) {
			s.disableAfterRetries(id)
			return
		}
	}
}

func (s *Server) retryDelay(i int) time.Duration {
	d := webhookRetryDelays[i]
	if f := s.cfg.webhookRetryScale; f > 0 {
		d = time.Duration(float64(d) * f)
	}
	return d
}

func (s *Server) disableAfterRetries(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.db.admin.webhooks.get(id); ok && h.view.Enabled {
		now := s.nowMillis()
		h.view.Enabled = false
		h.view.DisabledAtDueToRetryLimit = now
		h.view.UpdatedAt = now
	}
}

// ping sends Gladly's PING to a webhook being enabled or moved; only a 200 passes.
func (s *Server) ping(ctx context.Context, t deliveryTarget) error {
	body, err := json.Marshal(map[string]string{"type": "PING", "timestamp": s.nowMillis().Format(eventTime)})
	if err != nil {
		return err
	}
	return s.post(ctx, t, body, true)
}

// post sends one request to a webhook. Its errors name the failure, never the URL (which may
// carry a secret).
func (s *Server) post(ctx context.Context, t deliveryTarget, body []byte, ping bool) error {
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return errors.New("invalid URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Gladly-Webhooks (gladlytest)")
	for k, v := range t.headers {
		req.Header.Set(k, v)
	}
	if c := t.credentials; c != nil {
		req.SetBasicAuth(c.Username, c.Password)
	}
	resp, err := s.webhookClient().Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return errors.New("no answer within 15 s")
		}
		return errors.New("no answer")
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if (ping && resp.StatusCode != http.StatusOK) || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("answered %d", resp.StatusCode)
	}
	return nil
}

// webhookClient is the client deliveries go out with: WithWebhookClient's, or one that reaches
// loopback addresses only, so that a fake never sends its seeded webhooks' traffic (or a test's)
// to the internet. Redirects are not followed: Gladly counts them as failures.
func (s *Server) webhookClient() *http.Client {
	cp := *loopbackClient
	if s.cfg.webhookClient != nil {
		cp = *s.cfg.webhookClient
	}
	hc := &cp
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return hc
}

var loopbackClient = &http.Client{
	Timeout: webhookTimeout,
	Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				return nil, fmt.Errorf("gladlytest: webhooks reach loopback addresses only (use WithWebhookClient): %s", host)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout: 5 * time.Second,
	},
}
