package demo

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
)

// WebhookBase is the public base URL the demo registers its webhooks under. The fakes deliver
// webhooks only to https URLs, as Gladly does; the demo serves plain HTTP on localhost, so its
// fakes deliver through Loopback instead of the network, whatever the host.
const WebhookBase = "https://gladgraph.demo.invalid"

// Loopback is the fakes' webhook client in the demo: it hands each delivery to gladgraph's own
// HTTP handler in process, so that changes made in the demo (through gladgraph's mutations or in
// the fake) reach subscriptions as a real Gladly's webhooks would.
type Loopback struct{ h atomic.Pointer[http.Handler] }

// Client is the http.Client the fakes deliver with (gladlytest.WithWebhookClient).
func (l *Loopback) Client() *http.Client { return &http.Client{Transport: l} }

// Serve sets the handler deliveries go to (the server's, once built).
func (l *Loopback) Serve(h http.Handler) { l.h.Store(&h) }

// RoundTrip implements http.RoundTripper.
func (l *Loopback) RoundTrip(r *http.Request) (*http.Response, error) {
	h := l.h.Load()
	if h == nil {
		return nil, errors.New("demo: gladgraph is not serving yet")
	}
	rec := httptest.NewRecorder()
	(*h).ServeHTTP(rec, r)
	res := rec.Result()
	res.Request = r
	return res, nil
}
