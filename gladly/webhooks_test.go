package gladly_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["webhooks"] = contractWebhooks }

// receiver is a webhook endpoint over TLS that records what Gladly sends it. answer decides the
// status of the n-th request (from 0); nil answers 200.
type receiver struct {
	*httptest.Server
	answer func(n int, body []byte) int

	mu   sync.Mutex
	reqs []delivery
}

type delivery struct {
	Body     []byte
	User     string
	Password string
	Header   http.Header
}

func newReceiver(t *testing.T, answer func(n int, body []byte) int) *receiver {
	t.Helper()
	rc := &receiver{answer: answer}
	rc.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		user, pw, _ := r.BasicAuth()
		rc.mu.Lock()
		n := len(rc.reqs)
		rc.reqs = append(rc.reqs, delivery{Body: body, User: user, Password: pw, Header: r.Header.Clone()})
		rc.mu.Unlock()
		status := http.StatusOK
		if rc.answer != nil {
			status = rc.answer(n, body)
		}
		w.WriteHeader(status)
	}))
	// Connections cut at shutdown in mid-handshake are no finding of the test.
	rc.Config.ErrorLog = log.New(io.Discard, "", 0)
	rc.StartTLS()
	t.Cleanup(rc.Close)
	return rc
}

// received returns the parsed requests of the given event type ("" for all).
func (rc *receiver) received(t *testing.T, typ string) []*gladly.Event {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []*gladly.Event
	for _, d := range rc.reqs {
		ev, err := gladly.ParseEvent(d.Body)
		if err != nil {
			t.Fatalf("webhook body %q: %v", d.Body, err)
		}
		if typ == "" || ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.reqs)
}

// isPing tells a PING from an event delivery.
func isPing(body []byte) bool { return bytes.Contains(body, []byte(`"type":"PING"`)) }

func contractWebhooks(t *testing.T, c *contract) {
	rc := newReceiver(t, nil)
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(rc.Client()))
	cl := c.client(t, srv)
	ctx := t.Context()

	hooks, _, err := cl.Webhooks.List(ctx)
	if err != nil || len(hooks) < 3 {
		t.Fatalf("list: %d webhooks, %v; want the 3 seeded", len(hooks), err)
	}
	demo, _, err := cl.Webhooks.Get(ctx, gladlytest.DemoWebhookID)
	if err != nil || !demo.Enabled || demo.HasCredentials || !slices.Equal(demo.HeaderKeys, []string{"X-Gladly-Token"}) {
		t.Errorf("demo webhook: %+v, %v", demo, err)
	}

	id, resp, err := cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{
		Name: "CSAT integration", URL: rc.URL + "/gladly/webhook", Events: []string{"CONVERSATION/CLOSED", gladly.EventCustomerProfileMergedDeprecated},
		Credentials: &gladly.WebhookCredentials{Username: "integrations@organization.com", Password: "fxdUfTcejVxVs9bQ8DizKccq"},
		Headers:     map[string]string{"X-Gladly-Token": "123", "X-API-Key": "abc"},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if resp.StatusCode != http.StatusCreated || resp.Location != "/api/v1/webhooks/"+id || id == "" {
		t.Errorf("create: %d %q → id %q", resp.StatusCode, resp.Location, id)
	}
	got, _, err := cl.Webhooks.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := &gladly.Webhook{ID: id, Name: "CSAT integration", URL: rc.URL + "/gladly/webhook",
		Events: []string{"CONVERSATION/CLOSED", gladly.EventCustomerProfileMergedDeprecated}, HasCredentials: true,
		HeaderKeys: []string{"X-API-Key", "X-Gladly-Token"}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(gladly.Webhook{}, "CreatedAt", "UpdatedAt")); diff != "" {
		t.Errorf("created webhook (-want +got):\n%s", diff)
	}
	if len(rc.deliveries()) != 0 {
		t.Errorf("a disabled webhook was PINGed")
	}

	enabled := true
	if _, err := cl.Webhooks.Update(ctx, id, &gladly.UpdateWebhookRequest{Enabled: &enabled}); err != nil {
		t.Fatalf("enable: %v", err)
	}
	if pings := rc.received(t, gladly.EventPing); len(pings) != 1 {
		t.Errorf("enabling sent %d PINGs, want 1", len(pings))
	}

	// Documented refusals.
	_, _, err = cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: "http://gateway.organization.com/gladly", Events: []string{"TASK/CREATED"}})
	assertFieldError(t, err, http.StatusBadRequest, "url", gladly.CodeInvalid)
	_, _, err = cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: rc.URL + "/gladly/webhook", Events: []string{"TASK/CREATED"}})
	assertFieldError(t, err, http.StatusBadRequest, "url", gladly.CodeTaken)
	if _, err := cl.Webhooks.Delete(ctx, id); gladly.StatusCode(err) != http.StatusBadRequest {
		t.Errorf("delete enabled: %v, want 400", err)
	}

	disabled := false
	if _, err := cl.Webhooks.Update(ctx, id, &gladly.UpdateWebhookRequest{Enabled: &disabled}); err != nil {
		t.Fatalf("disable: %v", err)
	}
	if _, err := cl.Webhooks.Delete(ctx, id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, _, err = cl.Webhooks.Get(ctx, id)
	var ge *gladly.Error
	if !errors.As(err, &ge) || ge.StatusCode != http.StatusNotFound || len(ge.Errors) != 0 {
		t.Errorf("get deleted: %v; want 404 without a body", err)
	}
	if _, err := cl.Webhooks.Update(ctx, id, &gladly.UpdateWebhookRequest{Enabled: &disabled}); !gladly.IsNotFound(err) {
		t.Errorf("update deleted: %v, want 404", err)
	}
	if _, err := cl.Webhooks.Delete(ctx, id); !gladly.IsNotFound(err) {
		t.Errorf("delete deleted: %v, want 404", err)
	}
}

func TestWebhookRules(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	long := string(bytes.Repeat([]byte("x"), 201))
	for name, tc := range map[string]struct {
		body       gladly.CreateWebhookRequest
		attr, code string
	}{
		"no url":          {gladly.CreateWebhookRequest{Events: []string{"TASK/CREATED"}}, "url", gladly.CodeBlank},
		"http url":        {gladly.CreateWebhookRequest{URL: "http://hooks.example.com/x", Events: []string{"TASK/CREATED"}}, "url", gladly.CodeInvalid},
		"relative url":    {gladly.CreateWebhookRequest{URL: "/gladly", Events: []string{"TASK/CREATED"}}, "url", gladly.CodeInvalid},
		"taken url":       {gladly.CreateWebhookRequest{URL: "https://hooks.babbage.example.com/gladly/csat", Events: []string{"TASK/CREATED"}}, "url", gladly.CodeTaken},
		"no events":       {gladly.CreateWebhookRequest{URL: "https://hooks.example.com/a"}, "events", gladly.CodeBlank},
		"empty events":    {gladly.CreateWebhookRequest{URL: "https://hooks.example.com/a", Events: []string{}}, "events", gladly.CodeBlank},
		"unknown event":   {gladly.CreateWebhookRequest{URL: "https://hooks.example.com/a", Events: []string{"TASK/CREATED", "TASK/EXPLODED"}}, "events.1", gladly.CodeInvalid},
		"bare deprecated": {gladly.CreateWebhookRequest{URL: "https://hooks.example.com/a", Events: []string{"CUSTOMER_PROFILE/MERGED"}}, "events.0", gladly.CodeInvalid},
		"long name":       {gladly.CreateWebhookRequest{Name: long, URL: "https://hooks.example.com/a", Events: []string{"TASK/CREATED"}}, "name", gladly.CodeTooLong},
		"no password": {gladly.CreateWebhookRequest{URL: "https://hooks.example.com/a", Events: []string{"TASK/CREATED"},
			Credentials: &gladly.WebhookCredentials{Username: "u"}}, "credentials.password", gladly.CodeBlank},
		"bad header": {gladly.CreateWebhookRequest{URL: "https://hooks.example.com/a", Events: []string{"TASK/CREATED"},
			Headers: map[string]string{"X Token": "1"}}, "headers", gladly.CodeInvalid},
	} {
		_, _, err := cl.Webhooks.Create(ctx, &tc.body)
		if err == nil {
			t.Errorf("%s: created, want 400 %s %s", name, tc.attr, tc.code)
			continue
		}
		assertFieldError(t, err, http.StatusBadRequest, tc.attr, tc.code)
	}
	hooks, _, err := cl.Webhooks.List(ctx)
	if err != nil || len(hooks) != 3 {
		t.Fatalf("after refusals: %d webhooks, %v; want the 3 seeded", len(hooks), err)
	}

	// Up to 20 per organization: 17 more fit, the 21st is refused.
	for i := range gladly.MaxWebhooks - len(hooks) {
		if _, _, err := cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: fmt.Sprintf("https://hooks.example.com/%d", i), Events: []string{"TASK/CREATED"}}); err != nil {
			t.Fatalf("webhook %d: %v", len(hooks)+i+1, err)
		}
	}
	_, _, err = cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: "https://hooks.example.com/21", Events: []string{"TASK/CREATED"}})
	assertFieldError(t, err, http.StatusBadRequest, "", gladly.CodeInvalidState)

	// PATCH is partial; the URL rules apply to it too.
	name := "renamed"
	if _, err := cl.Webhooks.Update(ctx, gladlytest.DemoWebhookID, &gladly.UpdateWebhookRequest{Name: &name}); err != nil {
		t.Fatal(err)
	}
	got, _, err := cl.Webhooks.Get(ctx, gladlytest.DemoWebhookID)
	if err != nil || got.Name != name || !got.Enabled || got.URL != "https://hooks.babbage.example.com/gladly/csat" || !got.UpdatedAt.After(got.CreatedAt) {
		t.Errorf("after renaming: %+v, %v", got, err)
	}
	taken := "https://hooks.example.com/0"
	_, err = cl.Webhooks.Update(ctx, gladlytest.DemoWebhookID, &gladly.UpdateWebhookRequest{URL: &taken})
	assertFieldError(t, err, http.StatusBadRequest, "url", gladly.CodeTaken)

	_, err = cl.Webhooks.Delete(ctx, gladlytest.DemoWebhookID)
	assertFieldError(t, err, http.StatusBadRequest, "enabled", gladly.CodeInvalidState)
	var ge *gladly.Error
	if errors.As(err, &ge) && ge.Errors[0].Detail != "Webhook must be disabled to be deleted" {
		t.Errorf("delete enabled: detail %q", ge.Errors[0].Detail)
	}
	for _, err := range []error{
		func() error { _, _, err := cl.Webhooks.Get(ctx, "no-such-webhook"); return err }(),
		func() error {
			_, err := cl.Webhooks.Update(ctx, "no-such-webhook", &gladly.UpdateWebhookRequest{Name: &name})
			return err
		}(),
		func() error { _, err := cl.Webhooks.Delete(ctx, "no-such-webhook"); return err }(),
	} {
		if !errors.As(err, &ge) || ge.StatusCode != http.StatusNotFound || len(ge.Errors) != 0 {
			t.Errorf("unknown webhook: %v; want 404 with no body", err)
		}
	}
}

func TestWebhookPing(t *testing.T) {
	t.Parallel()
	failing := false
	var mu sync.Mutex
	rc := newReceiver(t, func(n int, body []byte) int {
		mu.Lock()
		defer mu.Unlock()
		if failing {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	fail := func(v bool) { mu.Lock(); failing = v; mu.Unlock() }
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(rc.Client()))
	cl := newClient(t, srv)
	ctx := t.Context()

	body := &gladly.CreateWebhookRequest{URL: rc.URL + "/a", Events: []string{"TASK/CREATED"}, Enabled: true,
		Credentials: &gladly.WebhookCredentials{Username: "gladly", Password: "pw"}, Headers: map[string]string{"X-Gladly-Token": "t0k"}}
	id, _, err := cl.Webhooks.Create(ctx, body)
	if err != nil {
		t.Fatalf("create enabled, PING answered 200: %v", err)
	}
	d := rc.deliveries()
	if len(d) != 1 || !isPing(d[0].Body) || d[0].User != "gladly" || d[0].Password != "pw" || d[0].Header.Get("X-Gladly-Token") != "t0k" {
		t.Fatalf("PING: %+v; want one, with the webhook's credentials and headers", d)
	}
	if ev, err := gladly.ParseEvent(d[0].Body); err != nil || ev.Type != gladly.EventPing || ev.Timestamp.IsZero() {
		t.Errorf("PING body %s: %+v, %v", d[0].Body, ev, err)
	}

	// A PING that fails refuses the write, and nothing changes.
	fail(true)
	body.URL = rc.URL + "/b"
	_, _, err = cl.Webhooks.Create(ctx, body)
	assertFieldError(t, err, http.StatusBadRequest, "url", gladly.CodeInvalid)
	moved := rc.URL + "/moved"
	_, err = cl.Webhooks.Update(ctx, id, &gladly.UpdateWebhookRequest{URL: &moved})
	assertFieldError(t, err, http.StatusBadRequest, "url", gladly.CodeInvalid)
	if got, _, _ := cl.Webhooks.Get(ctx, id); got.URL != rc.URL+"/a" || !got.Enabled {
		t.Errorf("after a failed move: %+v", got)
	}
	off, on := false, true
	if _, err := cl.Webhooks.Update(ctx, id, &gladly.UpdateWebhookRequest{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	_, err = cl.Webhooks.Update(ctx, id, &gladly.UpdateWebhookRequest{Enabled: &on})
	assertFieldError(t, err, http.StatusBadRequest, "url", gladly.CodeInvalid)
	if got, _, _ := cl.Webhooks.Get(ctx, id); got.Enabled {
		t.Errorf("enabled although its PING failed")
	}
	hooks, _, _ := cl.Webhooks.List(ctx)
	if len(hooks) != 4 {
		t.Errorf("%d webhooks after a refused create, want 4", len(hooks))
	}

	// Moving a disabled webhook sends no PING; enabling it does, to the new URL.
	fail(false)
	before := len(rc.deliveries())
	if _, err := cl.Webhooks.Update(ctx, id, &gladly.UpdateWebhookRequest{URL: &moved}); err != nil {
		t.Fatal(err)
	}
	if n := len(rc.deliveries()); n != before {
		t.Errorf("moving a disabled webhook sent %d PINGs", n-before)
	}
	if _, err := cl.Webhooks.Update(ctx, id, &gladly.UpdateWebhookRequest{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	if n := len(rc.deliveries()); n != before+1 {
		t.Errorf("enabling sent %d PINGs, want 1", n-before)
	}

	// Only 200 passes a PING; any other answer (even a 2xx) fails it.
	noContentRC := newReceiver(t, func(int, []byte) int { return http.StatusNoContent })
	srv2 := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(noContentRC.Client()))
	_, _, err = newClient(t, srv2).Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: noContentRC.URL, Events: []string{"TASK/CREATED"}, Enabled: true})
	assertFieldError(t, err, http.StatusBadRequest, "url", gladly.CodeInvalid)
}

// TestWebhookDefaultClientStaysLocal: without WithWebhookClient the fake reaches only loopback
// addresses, so a PING to an outside host fails at once instead of leaving the machine.
func TestWebhookDefaultClientStaysLocal(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	_, _, err := newClient(t, srv).Webhooks.Create(t.Context(), &gladly.CreateWebhookRequest{
		URL: "https://hooks.gladgraph.invalid/x", Events: []string{"TASK/CREATED"}, Enabled: true})
	assertFieldError(t, err, http.StatusBadRequest, "url", gladly.CodeInvalid)
}

func TestWebhookDeliveries(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	other := newReceiver(t, nil)
	hc := rc.Client() // both TLS test servers trust the same test certificate
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(hc))
	cl := newClient(t, srv)
	ctx := t.Context()

	if _, _, err := cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: rc.URL, Enabled: true,
		Events:      []string{gladly.EventCustomerProfileCreated, gladly.EventCustomerProfileUpdated, gladly.EventCustomerMerged},
		Credentials: &gladly.WebhookCredentials{Username: "hook-user", Password: "hook-pw", Realm: "gladly"},
		Headers:     map[string]string{"X-API-Key": "k3y"}}); err != nil {
		t.Fatal(err)
	}
	// Subscribed to other events, or disabled: nothing arrives.
	if _, _, err := cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: other.URL + "/tasks", Enabled: true, Events: []string{"TASK/CREATED"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: other.URL + "/off", Events: []string{gladly.EventCustomerProfileCreated}}); err != nil {
		t.Fatal(err)
	}

	id, _, err := cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Name: "Webhook Subject"})
	if err != nil {
		t.Fatal(err)
	}
	name := "Renamed Subject"
	if _, err := cl.Customers.Update(ctx, id, &gladly.UpdateCustomerRequest{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if err := srv.MergeCustomers(id, gladlytest.DemoCustomerID); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitWebhookDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range rc.deliveries() {
		if isPing(d.Body) {
			continue
		}
		if d.User != "hook-user" || d.Password != "hook-pw" || d.Header.Get("X-API-Key") != "k3y" || d.Header.Get("Content-Type") != "application/json" {
			t.Errorf("delivery without the webhook's credentials and headers: %+v", d)
		}
		ev, err := gladly.ParseEvent(d.Body)
		if err != nil {
			t.Fatal(err)
		}
		if ids := ev.IDs(); (ids.CustomerID != id && ids.SourceCustomerID != id) || ev.Timestamp.IsZero() || ev.ID == "" {
			t.Errorf("event %s", d.Body)
		}
		got = append(got, ev.Type)
	}
	slices.Sort(got)
	if want := []string{gladly.EventCustomerMerged, gladly.EventCustomerProfileCreated, gladly.EventCustomerProfileUpdated}; !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
	for _, d := range other.deliveries() {
		if !isPing(d.Body) {
			t.Errorf("unsubscribed or disabled webhook received %s", d.Body)
		}
	}
}

func TestWebhookRetriesThenDisables(t *testing.T) {
	t.Parallel()
	// Answers PINGs; fails every event delivery.
	rc := newReceiver(t, func(_ int, body []byte) int {
		if isPing(body) {
			return http.StatusOK
		}
		return http.StatusServiceUnavailable
	})
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(rc.Client()),
		gladlytest.WithWebhookRetryScale(1e-5))
	cl := newClient(t, srv)
	ctx := t.Context()
	id, _, err := cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: rc.URL, Enabled: true, Events: []string{gladly.EventCustomerProfileCreated}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Name: "Never Delivered"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitWebhookDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
	attempts := rc.received(t, gladly.EventCustomerProfileCreated)
	if len(attempts) != 5 {
		t.Fatalf("%d delivery attempts, want 5 (the first and 4 retries)", len(attempts))
	}
	for _, a := range attempts[1:] {
		if a.ID != attempts[0].ID {
			t.Errorf("retries carry event %s, want the same event %s", a.ID, attempts[0].ID)
		}
	}
	hook, _, err := cl.Webhooks.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if hook.Enabled || hook.DisabledAtDueToRetryLimit.IsZero() {
		t.Fatalf("after the 4th failed retry: enabled %v, disabledAtDueToRetryLimit %v; want disabled with the time", hook.Enabled, hook.DisabledAtDueToRetryLimit)
	}
	// Re-enabling (after fixing the endpoint) PINGs again and clears the mark.
	on := true
	if _, err := cl.Webhooks.Update(ctx, id, &gladly.UpdateWebhookRequest{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	if hook, _, _ = cl.Webhooks.Get(ctx, id); !hook.Enabled || !hook.DisabledAtDueToRetryLimit.IsZero() {
		t.Errorf("re-enabled: %+v", hook)
	}
}

func TestWebhookRetrySucceeds(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	failures := 2
	rc := newReceiver(t, func(_ int, body []byte) int {
		mu.Lock()
		defer mu.Unlock()
		if !isPing(body) && failures > 0 {
			failures--
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(rc.Client()),
		gladlytest.WithWebhookRetryScale(1e-5))
	cl := newClient(t, srv)
	ctx := t.Context()
	id, _, err := cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: rc.URL, Enabled: true, Events: []string{gladly.EventCustomerProfileCreated}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Name: "Third Time Lucky"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitWebhookDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(rc.received(t, gladly.EventCustomerProfileCreated)); n != 3 {
		t.Errorf("%d attempts, want 3 (two failures, then success)", n)
	}
	if hook, _, _ := cl.Webhooks.Get(ctx, id); !hook.Enabled || !hook.DisabledAtDueToRetryLimit.IsZero() {
		t.Errorf("webhook after a delivery that succeeded on retry: %+v", hook)
	}
}

// TestAdminPostsWithoutIDAreSentOnce: createWebhook, createReport and createUserIdentityJWT
// carry no id, so the client never repeats them: through a dropped connection or a 503 the
// request is sent once and the caller gets the error.
func TestAdminPostsWithoutIDAreSentOnce(t *testing.T) {
	t.Parallel()
	posts := map[string]func(ctx context.Context, cl *gladly.Client) error{
		"createWebhook": func(ctx context.Context, cl *gladly.Client) error {
			_, _, err := cl.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{URL: "https://hooks.example.com/once", Events: []string{"TASK/CREATED"}})
			return err
		},
		"createReport": func(ctx context.Context, cl *gladly.Client) error {
			_, _, err := cl.Reports.Create(ctx, &gladly.CreateReportRequest{MetricSet: "ContactSummaryReport", StartAt: "2024-05-01", EndAt: "2024-05-02"})
			return err
		},
		"createUserIdentityJWT": func(ctx context.Context, cl *gladly.Client) error {
			_, _, err := cl.UserIdentity.CreateToken(ctx, gladly.IdentityEmail, "ada@example.com")
			return err
		},
	}
	for op, post := range posts {
		for name, fault := range map[string]gladlytest.Fault{
			"dropped": {Kind: gladlytest.FaultDropAfter},
			"503":     {Kind: gladlytest.FaultStatus, Status: http.StatusServiceUnavailable},
		} {
			t.Run(op+"/"+name, func(t *testing.T) {
				t.Parallel()
				srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
				cl := newClient(t, srv, gladly.WithReportRateLimit(gladly.Unlimited{}))
				srv.FailNext(op, fault)
				err := post(t.Context(), cl)
				if !gladly.IsUnavailable(err) {
					t.Errorf("err %v, want the transport error or 503", err)
				}
				if n := srv.Calls(op); n != 1 {
					t.Errorf("%s sent %d times, want exactly 1", op, n)
				}
			})
		}
	}
}
