package provision_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/webhooks/provision"
)

// receiver stands in for gladgraph's webhook route: HTTPS, Basic credentials, PING answered.
type receiver struct {
	srv   *httptest.Server
	creds gladly.WebhookCredentials
	fail  atomic.Bool // answer 500 to events (PING too when failPing)

	mu     sync.Mutex
	pings  int
	events []string // ids
}

func newReceiver(t *testing.T, creds gladly.WebhookCredentials) *receiver {
	r := &receiver{creds: creds}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		u, p, ok := req.BasicAuth()
		if !ok || u != r.creds.Username || p != r.creds.Password || !strings.HasPrefix(req.URL.Path, "/webhooks/gladly/") {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(req.Body)
		ev, err := gladly.ParseEvent(body)
		if err != nil {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if ev.Type == gladly.EventPing {
			r.pings++
			return
		}
		if r.fail.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		r.events = append(r.events, ev.ID)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// counts returns the PINGs and events received so far.
func (r *receiver) counts() (pings, events int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pings, len(r.events)
}

func first(a, _ int) int { return a }

// sink records backfilled events.
type sink struct {
	mu  sync.Mutex
	ids map[string]string // event id → account
}

func (s *sink) Deliver(_ context.Context, account string, ev *gladly.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids[ev.ID] = account
	return nil
}

type fixture struct {
	fake *gladlytest.Server
	rcv  *receiver
	acc  provision.Account
	p    *provision.Provisioner
	sink *sink
}

func newFixture(t *testing.T) *fixture {
	creds, err := provision.NewCredentials("acme")
	if err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t, creds)
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(rcv.srv.Client()), gladlytest.WithWebhookRetryScale(1e-5))
	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	sk := &sink{ids: map[string]string{}}
	p, err := provision.New(provision.Config{PublicURL: rcv.srv.URL + "/", Sink: sk})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{fake: fake, rcv: rcv, acc: provision.Account{ID: "acme", Client: client, Credentials: creds}, p: p, sink: sk}
}

// ours are the organization's webhooks at the account's URL or with its name.
func (f *fixture) ours(t *testing.T) []*gladly.Webhook {
	all, _, err := f.acc.Client.Webhooks.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []*gladly.Webhook
	for _, w := range all {
		if w.URL == f.p.URL("acme") || w.Name == provision.Name("acme") {
			out = append(out, w)
		}
	}
	return out
}

func TestEnsureCreatesOneEnabledWebhook(t *testing.T) {
	f := newFixture(t)
	res, err := f.p.Ensure(t.Context(), f.acc)
	if err != nil || !res.Created || res.WebhookID == "" {
		t.Fatalf("Ensure: %+v, %v", res, err)
	}
	ws := f.ours(t)
	if len(ws) != 1 {
		t.Fatalf("%d webhooks for the account, want 1", len(ws))
	}
	w := ws[0]
	if !w.Enabled || !w.HasCredentials || w.URL != f.rcv.srv.URL+"/webhooks/gladly/acme" || len(w.Events) != len(provision.Events) {
		t.Errorf("webhook %+v", w)
	}
	if pings, _ := f.rcv.counts(); pings != 1 {
		t.Errorf("%d PINGs, want 1 (creating it enabled)", pings)
	}
	// Deliveries reach the receiver with the credentials.
	if _, _, err := f.acc.Client.Customers.Create(t.Context(), &gladly.CreateCustomerRequest{Name: "Hooked"}); err != nil {
		t.Fatal(err)
	}
	if err := f.fake.WaitWebhookDeliveries(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, n := f.rcv.counts(); n == 0 {
		t.Error("no event delivered")
	}
	// Again: nothing to do, still one webhook, no PING.
	again, err := f.p.Ensure(t.Context(), f.acc)
	if err != nil || again.Created || again.Updated || again.WebhookID != res.WebhookID {
		t.Errorf("second Ensure: %+v, %v", again, err)
	}
	if n, pings := len(f.ours(t)), first(f.rcv.counts()); n != 1 || pings != 1 {
		t.Errorf("after a second Ensure: %d webhooks, %d PINGs", n, pings)
	}
	// Unlinking removes it.
	if err := f.p.Remove(t.Context(), f.acc); err != nil {
		t.Fatal(err)
	}
	if n := len(f.ours(t)); n != 0 {
		t.Errorf("%d webhooks after Remove", n)
	}
}

func TestEnsureReenablesAndBackfills(t *testing.T) {
	f := newFixture(t)
	if _, err := f.p.Ensure(t.Context(), f.acc); err != nil {
		t.Fatal(err)
	}
	f.rcv.fail.Store(true) // gladgraph unreachable: every retry fails, Gladly disables the webhook
	id, _, err := f.acc.Client.Customers.Create(t.Context(), &gladly.CreateCustomerRequest{Name: "Missed"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.fake.WaitWebhookDeliveries(t.Context()); err != nil {
		t.Fatal(err)
	}
	w := f.ours(t)[0]
	if w.Enabled || w.DisabledAtDueToRetryLimit.IsZero() {
		t.Fatalf("Gladly did not disable the webhook: %+v", w)
	}
	f.rcv.fail.Store(false)
	res, err := f.p.Ensure(t.Context(), f.acc)
	if err != nil || !res.Enabled || res.WebhookID != w.ID || res.Backfilled == 0 {
		t.Fatalf("Ensure: %+v, %v", res, err)
	}
	if w := f.ours(t)[0]; !w.Enabled || !w.DisabledAtDueToRetryLimit.IsZero() {
		t.Errorf("webhook after Ensure %+v", w)
	}
	// The creation Gladly failed to deliver came through the backfill.
	events, _, err := f.acc.Client.Events.List(t.Context(), gladly.ListEventsOptions{StartAt: w.CreatedAt.Add(-1), Entities: []string{gladly.EntityCustomerProfile}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range events {
		f.sink.mu.Lock()
		got := f.sink.ids[e.ID]
		f.sink.mu.Unlock()
		if e.IDs().CustomerID == id && got == "acme" {
			found = true
		}
	}
	if !found {
		t.Errorf("the missed CUSTOMER_PROFILE/CREATED of %s was not backfilled (%d backfilled)", id, res.Backfilled)
	}
}

func TestEnsureKeepsOneSlot(t *testing.T) {
	f := newFixture(t)
	// An old PUBLIC_URL left a webhook named for the account, plus a copy of it.
	for _, u := range []string{"https://old.example.com/webhooks/gladly/acme", "https://older.example.com/webhooks/gladly/acme"} {
		if _, _, err := f.acc.Client.Webhooks.Create(t.Context(), &gladly.CreateWebhookRequest{Name: provision.Name("acme"), URL: u, Events: []string{"TASK/CREATED"}}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := f.p.Ensure(t.Context(), f.acc)
	if err != nil || res.Created || !res.Updated || len(res.Removed) != 1 {
		t.Fatalf("Ensure: %+v, %v", res, err)
	}
	ws := f.ours(t)
	if len(ws) != 1 || ws[0].URL != f.p.URL("acme") || !ws[0].Enabled {
		t.Fatalf("webhooks %+v, want the old one moved to the new URL", ws)
	}
}

func TestEnsureWithoutAFreeSlot(t *testing.T) {
	f := newFixture(t)
	all, _, err := f.acc.Client.Webhooks.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i := len(all); i < gladly.MaxWebhooks; i++ {
		u := "https://other" + string(rune('a'+i)) + ".example.com/hook"
		if _, _, err := f.acc.Client.Webhooks.Create(t.Context(), &gladly.CreateWebhookRequest{URL: u, Events: []string{"TASK/CREATED"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.p.Ensure(t.Context(), f.acc); !errors.Is(err, provision.ErrNoSlot) {
		t.Fatalf("Ensure with 20 webhooks: %v", err)
	}
}

func TestPublicURLMustBeHTTPS(t *testing.T) {
	for _, u := range []string{"http://graph.example.com", "graph.example.com", "https://user:pw@graph.example.com", ""} {
		if _, err := provision.New(provision.Config{PublicURL: u}); err == nil {
			t.Errorf("PUBLIC_URL %q accepted", u)
		}
	}
}
