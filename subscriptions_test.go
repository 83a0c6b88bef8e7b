package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// TestWebhookToOneReplicaReachesSubscribersOfAnother runs two replicas on one Redis: Gladly
// delivers its webhook to A, and a subscriber on B (GraphQL over SSE) gets the event exactly
// once, with the contact read after the change; a subscription over plain HTTP is refused.
func TestWebhookToOneReplicaReachesSubscribersOfAnother(t *testing.T) {
	t.Parallel()
	rs := redistest.New(t)
	hsA := httptest.NewUnstartedServer(http.NotFoundHandler())
	hsA.StartTLS()
	t.Cleanup(hsA.Close)
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(hsA.Client()))
	env := map[string]string{
		"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token,
		"WEBHOOK_USERNAME": "gladly", "WEBHOOK_PASSWORD": "webhook-secret-0123456789",
		"REDIS_URL": rs.URL, "LOG_FORMAT": "json",
	}
	replica := func(hs *httptest.Server, over ...string) *server {
		e := map[string]string{"PUBLIC_URL": hs.URL}
		for k, v := range env {
			e[k] = v
		}
		for i := 0; i+1 < len(over); i += 2 {
			e[over[i]] = over[i+1]
		}
		cfg, err := config.Load(nil, envOf(e), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		s, err := newServer(cfg, edge.NewLogger(&syncBuffer{}, "json", zerolog.InfoLevel), buildLayers)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.close)
		hs.Config.Handler = s.handler
		return s
	}
	replica(hsA)
	hsB := httptest.NewUnstartedServer(http.NotFoundHandler())
	b := replica(hsB)
	hsB.Start()
	t.Cleanup(hsB.Close)

	// Another deployment on the same Redis, its account also named "default", linked to another
	// Gladly organization (whose demo data has the same contact ids): none of A's events reach it.
	other := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	hsC := httptest.NewUnstartedServer(http.NotFoundHandler())
	c := replica(hsC, "GLADLY_BASE_URL", other.URL, "GLADLY_USERNAME", other.Username, "GLADLY_API_TOKEN", other.Token)
	hsC.Start()
	t.Cleanup(hsC.Close)

	postTo := func(hs *httptest.Server, accept, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, hs.URL+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", accept)
		res, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	post := func(accept, body string) *http.Response { return postTo(hsB, accept, body) }
	sub := `{"query":"subscription { contactEvents(contactId: \"` + gladlytest.DemoCustomerID + `\", types: [CUSTOMER_PROFILE_UPDATED]) { id cursor contact { name } } }"}`

	// Over plain HTTP a subscription is refused rather than held open.
	res := post("application/json", sub)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "text/event-stream") {
		t.Errorf("subscription over plain POST: %d %s", res.StatusCode, body)
	}

	res = post("text/event-stream", sub)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("SSE: %d %s", res.StatusCode, b)
	}
	read := func(body io.Reader) chan string {
		events := make(chan string, 8)
		go func() {
			defer close(events)
			sc := bufio.NewScanner(body)
			for sc.Scan() {
				if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
					events <- data
				}
			}
		}()
		return events
	}
	events := read(res.Body)
	resC := postTo(hsC, "text/event-stream", sub)
	defer resC.Body.Close()
	if resC.StatusCode != http.StatusOK {
		t.Fatalf("SSE on the other deployment: %d", resC.StatusCode)
	}
	eventsC := read(resC.Body)

	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, _, err := client.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{
		Name: "gladgraph", URL: hsA.URL + "/webhooks/gladly", Events: []string{"CUSTOMER_PROFILE/UPDATED"}, Enabled: true,
		Credentials: &gladly.WebhookCredentials{Username: "gladly", Password: "webhook-secret-0123456789"},
	}); err != nil {
		t.Fatalf("create an enabled webhook (replica A must answer its PING): %v", err)
	}
	// The change must come after B's subscription has joined the account's stream.
	for b.events.Registry().Open("default\x00anonymous\x00anonymous") != 1 || c.events.Registry().Open("default\x00anonymous\x00anonymous") != 1 {
		select {
		case <-ctx.Done():
			t.Fatal("the subscription on B never opened")
		case <-time.After(time.Millisecond):
		}
	}

	renamed := "Augusta Ada King"
	if _, err := client.Customers.Update(ctx, gladlytest.DemoCustomerID, &gladly.UpdateCustomerRequest{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitWebhookDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
	type event struct {
		Data struct {
			ContactEvents struct {
				ID, Cursor string
				Contact    struct{ Name string }
			}
		}
		Errors []any
	}
	next := func() event {
		t.Helper()
		select {
		case data, ok := <-events:
			var got event
			if !ok {
				t.Fatal("the stream ended")
			}
			if err := json.Unmarshal([]byte(data), &got); err != nil || len(got.Errors) > 0 {
				t.Fatalf("event %s: %v", data, err)
			}
			return got
		case <-time.After(20 * time.Second):
			t.Fatal("replica B's subscriber got nothing of the webhook replica A received")
		}
		return event{}
	}
	ev := next().Data.ContactEvents
	if ev.ID == "" || ev.Cursor == "" || ev.Contact.Name != renamed {
		t.Errorf("event %+v, want the contact renamed %q", ev, renamed)
	}

	// Exactly once: Gladly's redelivery of the same event is deduped by replica A.
	if _, err := client.Customers.Update(ctx, gladlytest.DemoCustomerID, &gladly.UpdateCustomerRequest{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitWebhookDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
	if again := next().Data.ContactEvents; again.ID == ev.ID {
		t.Errorf("event %s delivered twice", ev.ID)
	}
	// B has both from Redis: C, reading its own stream, would have them by now if they shared one.
	// (Waited for last: an idle pause between the two updates could meet the fake closing the
	// client's kept-alive connection, which a PATCH is not retried over.)
	select {
	case data := <-eventsC:
		t.Errorf("another deployment's subscriber (same account id, another organization) got %s", data)
	case <-time.After(2 * time.Second):
	}
}

// TestWebSocketSubscriptionAuthenticatesConnectionInit speaks graphql-transport-ws to the demo:
// the credentials come in connection_init (no header on the upgrade), a caller without the
// family's scope gets an error and no data, and one with it gets the account's events.
func TestWebSocketSubscriptionAuthenticatesConnectionInit(t *testing.T) {
	t.Parallel()
	ts := accessServer(t)
	narrow := issueKey(t, ts, "demo-2", "tickets:read")
	full := issueKey(t, ts, "demo-2", "contacts:read")
	query := `subscription { contactEvents(contactId: "c-1") { id contactId } }`

	open := func(key string) *websocket.Conn {
		t.Helper()
		c, _, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(ts.URL, "http")+"/graphql",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.CloseNow() })
		send := func(m map[string]any) {
			if err := wsjson.Write(t.Context(), c, m); err != nil {
				t.Fatal(err)
			}
		}
		send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + key}})
		if m := readWS(t, c); m.Type != "connection_ack" {
			t.Fatalf("after connection_init: %+v", m)
		}
		send(map[string]any{"type": "subscribe", "id": "1", "payload": map[string]any{"query": query}})
		return c
	}

	refused := open(narrow)
	m := readWS(t, refused)
	if m.Type == "next" && strings.Contains(string(m.Payload), `"contactEvents":{`) {
		t.Fatalf("data delivered without contacts:read: %s", m.Payload)
	}
	if !strings.Contains(string(m.Payload), "UNAUTHORIZED_FIELD_OR_TYPE") {
		t.Errorf("without contacts:read: %s %s, want UNAUTHORIZED_FIELD_OR_TYPE", m.Type, m.Payload)
	}

	c := open(full)
	for ts.srv.events.Registry().Open("demo-2\x00api_key\x00"+keyID(t, full)) != 1 {
		select {
		case <-t.Context().Done():
			t.Fatal("the subscription never opened")
		case <-time.After(time.Millisecond):
		}
	}
	ev := &gladly.Event{ID: "ev-ws-1", Type: gladly.EventCustomerProfileUpdated, Timestamp: time.Now().UTC(),
		Content: json.RawMessage(`{"customerId":"c-1"}`)}
	if _, err := ts.srv.events.Publish(t.Context(), "demo", ev); err != nil { // another account's
		t.Fatal(err)
	}
	ev.ID = "ev-ws-2"
	if _, err := ts.srv.events.Publish(t.Context(), "demo-2", ev); err != nil {
		t.Fatal(err)
	}
	m = readWS(t, c)
	if m.Type != "next" || !strings.Contains(string(m.Payload), `"id":"ev-ws-2"`) {
		t.Errorf("got %s %s, want the event of demo-2 only", m.Type, m.Payload)
	}
}

type wsMessage struct {
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// readWS reads the next message that is not a ping or pong.
func readWS(t *testing.T, c *websocket.Conn) wsMessage {
	t.Helper()
	for {
		var m wsMessage
		if err := wsjson.Read(t.Context(), c, &m); err != nil {
			t.Fatalf("read: %v", err)
		}
		if m.Type != "ping" && m.Type != "pong" && m.Type != "ka" {
			return m
		}
	}
}

// keyID is the id of an API key (the caller's subject).
func keyID(t *testing.T, key string) string {
	t.Helper()
	id, _, ok := auth.ParseAPIKey(key)
	if !ok {
		t.Fatalf("not an API key")
	}
	return id
}

// TestServerProvisionsItsWebhook: with an https PUBLIC_URL the server registers one webhook per
// account in Gladly once it listens (answering Gladly's PING), and a change made in Gladly then
// reaches a subscriber through it.
func TestServerProvisionsItsWebhook(t *testing.T) {
	t.Parallel()
	hs := httptest.NewUnstartedServer(http.NotFoundHandler())
	hs.StartTLS()
	t.Cleanup(hs.Close)
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithWebhookClient(hs.Client()))
	cfg, err := config.Load(nil, envOf(map[string]string{
		"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token,
		"PUBLIC_URL": hs.URL, "LOG_FORMAT": "json",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	})
	s, err := newServer(cfg, edge.NewLogger(logs, "json", zerolog.InfoLevel), buildLayers)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	hs.Config.Handler = s.handler
	if s.listening == nil {
		t.Fatal("no provisioning with an https PUBLIC_URL")
	}
	go s.listening(t.Context())

	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	var ours []*gladly.Webhook
	for len(ours) == 0 {
		hooks, _, err := client.Webhooks.List(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hooks {
			if h.URL == hs.URL+"/webhooks/gladly/default" {
				ours = append(ours, h)
			}
		}
		select {
		case <-t.Context().Done():
			t.Fatal("no webhook provisioned")
		case <-time.After(10 * time.Millisecond):
		}
		if strings.Contains(logs.String(), "webhook provisioning failed") {
			t.Fatal("provisioning failed")
		}
	}
	if len(ours) != 1 || !ours[0].Enabled || !ours[0].HasCredentials {
		t.Fatalf("webhooks %+v, want one enabled with credentials", ours)
	}

	sub, err := s.events.Subscribe(t.Context(), "default", "", eventbus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	renamed := "Ada Provisioned"
	if _, err := client.Customers.Update(t.Context(), gladlytest.DemoCustomerID, &gladly.UpdateCustomerRequest{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-sub.C:
		if d.Event.Type != gladly.EventCustomerProfileUpdated {
			t.Errorf("event %s, want %s", d.Event.Type, gladly.EventCustomerProfileUpdated)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Gladly's delivery through the provisioned webhook never reached the bus")
	}
}
