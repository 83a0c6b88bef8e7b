package graph_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/loaders"
)

// subEnv serves subscriptions over SSE for a caller whose scopes the request's X-Test-Scopes
// header names (the edge's authentication is not part of package graph).
type subEnv struct {
	fake   *gladlytest.Server
	client *gladly.Client
	store  *loaders.Store
	bus    *eventbus.Bus
	url    string
}

func newSubEnv(t *testing.T, opts eventbus.Options) *subEnv {
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	store := loaders.NewStore(loaders.NewMemoryCache(16 << 20))
	factory := loaders.NewFactory(client, store)
	opts.ReadBlock = 100 * time.Millisecond
	bus := eventbus.New(eventbus.NewMemoryLog(100), opts)
	t.Cleanup(bus.Close)
	srv := gqlhttp.NewHandler(gqlhttp.Config{
		Gladly: client, Loaders: factory, Log: zerolog.Nop(), Events: bus,
		Limits: gqlhttp.Limits{MaxComplexity: 100000, MaxDepth: 15, MaxEntities: 500, MaxAliases: 50, MaxTokens: 2000},
		Access: graph.NewAccess(graph.AccessOptions{}),
	})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &caller.Caller{Kind: caller.KindAPIKey, Subject: "test", AccountID: "acme", Scopes: caller.ParseScopes(r.Header.Get("X-Test-Scopes"))}
		srv.ServeHTTP(w, r.WithContext(caller.With(r.Context(), c)))
	}))
	t.Cleanup(hs.Close)
	return &subEnv{fake: fake, client: client, store: store, bus: bus, url: hs.URL}
}

// sse is one subscription over GraphQL over SSE.
type sse struct {
	next chan gqlResponse
}

func (e *subEnv) subscribe(t *testing.T, scopes, query string) *sse {
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.url, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("X-Test-Scopes", scopes)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &sse{next: make(chan gqlResponse, 16)}
	go func() {
		defer resp.Body.Close()
		defer close(s.next)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var r gqlResponse
				if json.Unmarshal([]byte(data), &r) == nil && (r.Data != nil || r.Errors != nil) {
					s.next <- r
				}
			}
		}
	}()
	return s
}

func (s *sse) read(t *testing.T) (gqlResponse, bool) {
	t.Helper()
	select {
	case r, ok := <-s.next:
		return r, ok
	case <-time.After(30 * time.Second): // a bound for a stuck stream, not a speed: a loaded machine took over 10 s once
		t.Fatal("no SSE event within 30 s")
	}
	return gqlResponse{}, false
}

// waitOpen waits until the caller has n subscriptions open on the bus.
func (e *subEnv) waitOpen(t *testing.T, n int) {
	t.Helper()
	for e.bus.Registry().Open("acme\x00api_key\x00test") != n {
		select {
		case <-t.Context().Done():
			t.Fatal("subscription never opened")
		case <-time.After(time.Millisecond):
		}
	}
}

// deliver does what the webhook receiver does with a delivery of ev: invalidate, then publish.
func (e *subEnv) deliver(t *testing.T, ev *gladly.Event) {
	t.Helper()
	refs, _ := loaders.EventRefs(ev)
	if err := e.store.Invalidate(t.Context(), refs...); err != nil {
		t.Fatal(err)
	}
	if _, err := e.bus.Publish(t.Context(), "acme", ev); err != nil {
		t.Fatal(err)
	}
}

// lastEvent is the newest event Gladly recorded of typ about customer.
func (e *subEnv) lastEvent(t *testing.T, typ, customer string) *gladly.Event {
	t.Helper()
	events, _, err := e.client.Events.List(t.Context(), gladly.ListEventsOptions{StartAt: time.Now().Add(-time.Hour), Entities: []string{gladly.EntityCustomerProfile}})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Type == typ && events[i].IDs().CustomerID == customer {
			return events[i]
		}
	}
	t.Fatalf("Gladly recorded no %s of %s", typ, customer)
	return nil
}

func TestSubscriptionReadsObjectsAfterTheEvent(t *testing.T) {
	e := newSubEnv(t, eventbus.Options{})
	id, _, err := e.client.Customers.Create(t.Context(), &gladly.CreateCustomerRequest{Name: "Ada v0"})
	if err != nil {
		t.Fatal(err)
	}
	s := e.subscribe(t, "contacts:read", `subscription { contactEvents(contactId: "`+id+`", types: [CUSTOMER_PROFILE_UPDATED]) {
		id type gladlyType cursor contactId contact { name } } }`)
	e.waitOpen(t, 1)
	var cursors []string
	for _, name := range []string{"Ada v1", "Ada v2"} {
		if _, err := e.client.Customers.Update(t.Context(), id, &gladly.UpdateCustomerRequest{Name: &name}); err != nil {
			t.Fatal(err)
		}
		ev := e.lastEvent(t, gladly.EventCustomerProfileUpdated, id)
		e.deliver(t, ev)
		r, ok := s.read(t)
		if !ok || len(r.Errors) > 0 {
			t.Fatalf("event: %+v", r)
		}
		var got struct {
			ContactEvents struct {
				ID, Type, GladlyType, Cursor, ContactID string
				Contact                                 struct{ Name string }
			}
		}
		if err := json.Unmarshal(r.Data, &got); err != nil {
			t.Fatal(err)
		}
		ce := got.ContactEvents
		if ce.ID != ev.ID || ce.Type != "CUSTOMER_PROFILE_UPDATED" || ce.GladlyType != "CUSTOMER_PROFILE/UPDATED" || ce.ContactID != id || ce.Cursor == "" {
			t.Errorf("event fields %+v", ce)
		}
		// Each event reads the contact after its own change: a loader kept from the first
		// event, or a cache entry the event did not invalidate, would show the old name.
		if ce.Contact.Name != name {
			t.Errorf("contact name %q after the change to %q", ce.Contact.Name, name)
		}
		cursors = append(cursors, ce.Cursor)
	}
	// Resuming after the first cursor replays the second event.
	again := e.subscribe(t, "contacts:read", `subscription { contactEvents(contactId: "`+id+`", after: "`+cursors[0]+`") { cursor } }`)
	r, _ := again.read(t)
	if !strings.Contains(string(r.Data), cursors[1]) {
		t.Errorf("resume delivered %s %+v, want the cursor %s", r.Data, r.Errors, cursors[1])
	}
}

func TestSubscriptionScopes(t *testing.T) {
	e := newSubEnv(t, eventbus.Options{})
	for _, c := range []struct{ name, scopes, query, want string }{
		{"family scope", "tickets:read", `subscription { contactEvents(contactId: "x") { id } }`, "needs the scope contacts:read"},
		{"organization-wide", "contacts:read", `subscription { contactEvents { id } }`, "organization-wide subscription"},
		{"events field", "contacts:read tickets:read", `subscription { events(contactId: "x") { id } }`, "needs the scope admin:read"},
		{"a type of an unreadable family", "admin:read contacts:read", `subscription { events(types: [TASK_CREATED]) { id } }`, "need the tickets:read scope"},
		{"a type of another family", "contacts:read", `subscription { contactEvents(contactId: "x", types: [TASK_CREATED]) { id } }`, "not delivered by this field"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := e.subscribe(t, c.scopes, c.query).read(t)
			if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, c.want) {
				t.Fatalf("errors %+v, want one saying %q", r.Errors, c.want)
			}
			if strings.Trim(string(r.Data), "null{}") != "" {
				t.Errorf("data %s delivered with a refusal", r.Data)
			}
		})
	}
	r, _ := e.subscribe(t, "tickets:read", `subscription { contactEvents(contactId: "x") { id } }`).read(t)
	if code := r.Errors[0].Extensions["code"]; code != "UNAUTHORIZED_FIELD_OR_TYPE" {
		t.Errorf("code %v", code)
	}
}

func TestSubscriptionEndTellsWhy(t *testing.T) {
	e := newSubEnv(t, eventbus.Options{MaxLifetime: 100 * time.Millisecond})
	s := e.subscribe(t, "admin:read tickets:read", `subscription { ticketEvents { id } }`)
	r, ok := s.read(t)
	if !ok || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "SUBSCRIPTION_ENDED" || r.Errors[0].Extensions["reason"] != "MAX_LIFETIME" {
		t.Fatalf("last response %+v, want the lifetime's end", r)
	}
	if _, ok := s.read(t); ok {
		t.Error("the stream went on after its end")
	}
}

func TestOrganizationWideEventsAreTyped(t *testing.T) {
	e := newSubEnv(t, eventbus.Options{})
	// Without directory:read, agent events are left out of an organization-wide subscription.
	s := e.subscribe(t, "admin:read tickets:read contacts:read", `subscription { events {
		__typename id type cursor
		... on TicketEvent { ticket { id } follower { id } }
		... on ContactEvent { contactId }
	} }`)
	e.waitOpen(t, 1)
	agent := &gladly.Event{ID: "ev-agent", Type: "AGENT_STATUS/LOGGED_IN", Timestamp: time.Now().UTC(), Content: json.RawMessage(`{"agentId":"nobody"}`)}
	task := &gladly.Event{ID: "ev-task", Type: "TASK/CREATED", Timestamp: time.Now().UTC(), Content: json.RawMessage(`{"taskId":"no-such-task","customerId":"c1"}`)}
	merged := &gladly.Event{ID: "ev-merge", Type: "CUSTOMER/MERGED", Timestamp: time.Now().UTC(),
		Content: json.RawMessage(`{"sourceCustomerId":"old","destinationCustomerId":"new"}`)}
	for _, ev := range []*gladly.Event{agent, task, merged} {
		e.deliver(t, ev)
	}
	want := []string{
		`{"events":{"__typename":"TicketEvent","id":"ev-task","type":"TASK_CREATED","cursor":"`,
		`{"events":{"__typename":"ContactEvent","id":"ev-merge","type":"CUSTOMER_MERGED","cursor":"`,
	}
	for _, w := range want {
		r, ok := s.read(t)
		if !ok || !strings.HasPrefix(string(r.Data), w) {
			t.Fatalf("delivered %s (errors %+v), want %s…", r.Data, r.Errors, w)
		}
		if strings.Contains(w, "TicketEvent") && !strings.Contains(string(r.Data), `"ticket":null,"follower":null`) {
			t.Errorf("a task Gladly does not have: %s", r.Data)
		}
		if strings.Contains(w, "ContactEvent") && !strings.Contains(string(r.Data), `"contactId":"new"`) {
			t.Errorf("a merge names its surviving contact: %s", r.Data)
		}
	}
}
