package gladly_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["events"] = contractEvents }

var allEntities = []string{
	gladly.EntityAgentAvailability, gladly.EntityAgentStatus, gladly.EntityContact, gladly.EntityConversation,
	gladly.EntityCustomer, gladly.EntityCustomerProfile, gladly.EntityPaymentRequest, gladly.EntityTask,
}

func contractEvents(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()
	id, _, err := cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Name: "Evented"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-23 * time.Hour)
	events, resp, err := cl.Events.List(ctx, gladly.ListEventsOptions{StartAt: start, Entities: allEntities})
	if err != nil {
		t.Fatalf("events: %v", err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-jsonlines" {
		t.Errorf("content type %q", ct)
	}
	if len(events) < 20 {
		t.Errorf("%d events in the last 23 hours; want the seeded history", len(events))
	}
	assertAscending(t, events)
	created := false
	for _, e := range events {
		if e.Type == gladly.EventCustomerProfileCreated && e.IDs().CustomerID == id {
			created = true
		}
	}
	if !created {
		t.Errorf("the customer's creation is not in the stream")
	}

	_, _, err = cl.Events.List(ctx, gladly.ListEventsOptions{StartAt: start, EndAt: start, Entities: allEntities})
	assertFieldError(t, err, http.StatusBadRequest, "startAt", gladly.CodeInvalid)
	var ge *gladly.Error
	if errors.As(err, &ge) && ge.Errors[0].Detail != "endAt must occur after startAt" {
		t.Errorf("detail %q", ge.Errors[0].Detail)
	}
	_, _, err = cl.Events.List(ctx, gladly.ListEventsOptions{StartAt: time.Now().Add(-25 * time.Hour), Entities: allEntities})
	assertFieldError(t, err, http.StatusBadRequest, "startAt", gladly.CodeInvalid)
}

func assertAscending(t *testing.T, events []*gladly.Event) {
	t.Helper()
	for i := 1; i < len(events); i++ {
		if events[i].Timestamp.Before(events[i-1].Timestamp) {
			t.Fatalf("event %d (%s) is before event %d (%s)", i, events[i].Timestamp, i-1, events[i-1].Timestamp)
		}
	}
}

// clock is a settable clock for the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestEventsWindowEntitiesAndOrder(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2025, 3, 14, 15, 0, 0, 0, time.UTC)}
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithClock(clk.now))
	cl := newClient(t, srv)
	ctx := t.Context()
	all, _, err := cl.Events.List(ctx, gladly.ListEventsOptions{StartAt: clk.now().Add(-24 * time.Hour), Entities: allEntities})
	if err != nil {
		t.Fatal(err)
	}
	assertAscending(t, all)
	families := map[string]int{}
	for _, e := range all {
		families[strings.Split(e.Type, "/")[0]]++
		if e.Timestamp.Before(clk.now().Add(-24*time.Hour)) || e.Timestamp.After(clk.now()) {
			t.Errorf("event at %v is outside the last 24 hours", e.Timestamp)
		}
	}
	for _, f := range []string{"AGENT_STATUS", "AGENT_AVAILABILITY", "CONTACT", "CONVERSATION_ASSIGNEE", "PAYMENT_REQUEST"} {
		if families[f] == 0 {
			t.Errorf("no %s events in the seeded history (%v)", f, families)
		}
	}

	// Entities select families; CONVERSATION includes the assignee events.
	for entity, prefixes := range map[string][]string{
		gladly.EntityAgentStatus:  {"AGENT_STATUS/"},
		gladly.EntityConversation: {"CONVERSATION/", "CONVERSATION_ASSIGNEE/"},
		gladly.EntityContact:      {"CONTACT/"},
	} {
		got, _, err := cl.Events.List(ctx, gladly.ListEventsOptions{StartAt: clk.now().Add(-24 * time.Hour), Entities: []string{entity}})
		if err != nil || len(got) == 0 {
			t.Fatalf("%s: %d events, %v", entity, len(got), err)
		}
		for _, e := range got {
			if !hasAnyPrefix(e.Type, prefixes) {
				t.Errorf("%s stream carries %s", entity, e.Type)
			}
		}
	}

	// [startAt, endAt]: a window in the middle of the history.
	from, to := all[len(all)/3].Timestamp, all[2*len(all)/3].Timestamp
	mid, _, err := cl.Events.List(ctx, gladly.ListEventsOptions{StartAt: from, EndAt: to, Entities: allEntities})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, e := range all {
		if !e.Timestamp.Before(from) && !e.Timestamp.After(to) {
			want++
		}
	}
	if len(mid) != want || want == 0 {
		t.Errorf("window [%v, %v]: %d events, want %d", from, to, len(mid), want)
	}

	// Writes are recorded as they happen, at the server's clock; history ages out of the window.
	clk.advance(12 * time.Hour)
	id, _, err := cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Name: "Late"})
	if err != nil {
		t.Fatal(err)
	}
	later, _, err := cl.Events.List(ctx, gladly.ListEventsOptions{StartAt: clk.now().Add(-24 * time.Hour), Entities: allEntities})
	if err != nil {
		t.Fatal(err)
	}
	if len(later) >= len(all)+1 {
		t.Errorf("%d events 12 hours later, want fewer than %d: the oldest left the window", len(later), len(all)+1)
	}
	last := later[len(later)-1]
	if last.Type != gladly.EventCustomerProfileCreated || last.IDs().CustomerID != id || !last.Timestamp.Equal(clk.now()) ||
		last.Initiator == nil || last.Initiator.Type != gladly.ActorAPI {
		t.Errorf("last event %+v (content %s), want the creation of %s at %v by the API", last, last.Content, id, clk.now())
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func TestEventsRefusals(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	now := time.Now()
	for name, tc := range map[string]struct {
		opts       gladly.ListEventsOptions
		attr, code string
	}{
		"older than a day": {gladly.ListEventsOptions{StartAt: now.Add(-25 * time.Hour), Entities: []string{"TASK"}}, "startAt", gladly.CodeInvalid},
		"end before start": {gladly.ListEventsOptions{StartAt: now.Add(-time.Hour), EndAt: now.Add(-2 * time.Hour), Entities: []string{"TASK"}}, "startAt", gladly.CodeInvalid},
		"unknown entity":   {gladly.ListEventsOptions{StartAt: now.Add(-time.Hour), Entities: []string{"TASK", "WIDGET"}}, "entities", gladly.CodeInvalid},
	} {
		_, _, err := cl.Events.List(ctx, tc.opts)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		assertFieldError(t, err, http.StatusBadRequest, tc.attr, tc.code)
	}
	// What the client can tell is missing never reaches Gladly.
	for _, opts := range []gladly.ListEventsOptions{{Entities: []string{"TASK"}}, {StartAt: now.Add(-time.Hour)}} {
		var ae *gladly.ArgumentError
		if _, _, err := cl.Events.List(ctx, opts); !errors.As(err, &ae) {
			t.Errorf("list %+v: %v, want an ArgumentError", opts, err)
		}
	}
	if n := srv.Calls("getEvents"); n != 3 {
		t.Errorf("%d getEvents calls, want 3", n)
	}
	// The fake refuses them too, for clients that send them.
	for query, attr := range map[string]string{
		"entities=TASK": "startAt",
		"startAt=" + url.QueryEscape(now.Add(-time.Hour).Format(time.RFC3339)):                                "entities",
		"startAt=yesterday&entities=TASK":                                                                     "startAt",
		"startAt=" + url.QueryEscape(now.Add(-time.Hour).Format(time.RFC3339)) + "&endAt=never&entities=TASK": "endAt",
	} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/events?"+query, nil)
		req.SetBasicAuth(srv.Username, srv.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"attr":"`+attr+`"`) {
			t.Errorf("?%s: %d %s, want 400 on %s", query, resp.StatusCode, body, attr)
		}
	}
}

// TestEventsStreamAsTheyArrive: Stream hands over each event as its line arrives, before the
// answer is complete, and an error from the callback stops it.
func TestEventsStreamAsTheyArrive(t *testing.T) {
	t.Parallel()
	// The second line waits until the client has handled the first.
	serve := func(seen <-chan struct{}) *gladly.Client {
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/x-jsonlines")
			_, _ = io.WriteString(w, `{"id":"e1","type":"AGENT_STATUS/LOGGED_IN","timestamp":"2025-03-14T10:00:00.000Z","initiator":{"id":"a1","type":"AGENT"},"content":{"agentId":"a1","occurredAt":"2025-03-14T10:00:00.000Z"}}`+"\n\n")
			w.(http.Flusher).Flush()
			select {
			case <-seen:
			case <-r.Context().Done():
				return
			}
			_, _ = io.WriteString(w, `{"id":"e2","type":"AGENT_STATUS/LOGGED_OUT","timestamp":"2025-03-14T11:00:00.000Z","initiator":{"id":"a1","type":"AGENT"},"content":{"agentId":"a1","occurredAt":"2025-03-14T11:00:00.000Z"}}`+"\n")
		}))
		t.Cleanup(hs.Close)
		cl, err := gladly.NewClient(hs.URL, gladly.WithRateLimit(gladly.Unlimited{}), gladly.WithRetry(gladly.NoRetry()))
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	opts := gladly.ListEventsOptions{StartAt: time.Now().Add(-time.Hour), Entities: []string{gladly.EntityAgentStatus}}

	seen := make(chan struct{})
	var ids []string
	_, err := serve(seen).Events.Stream(t.Context(), opts, func(e *gladly.Event) error {
		if len(ids) == 0 {
			close(seen)
		}
		ids = append(ids, e.ID)
		return nil
	})
	if err != nil || strings.Join(ids, ",") != "e1,e2" {
		t.Fatalf("stream: %v, %v", ids, err)
	}

	stop := errors.New("enough")
	n := 0
	_, err = serve(make(chan struct{})).Events.Stream(t.Context(), opts, func(*gladly.Event) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("stream stopped by its callback: %v after %d events; want the callback's error after 1", err, n)
	}
}

func TestParseEventRefusesTrailingData(t *testing.T) {
	const ev = `{"id":"e1","type":"CUSTOMER/PROFILE_UPDATED","timestamp":"2024-05-01T10:00:00.000Z","content":{"customerId":"c1"}}`
	if _, err := gladly.ParseEvent([]byte(ev + "\n")); err != nil {
		t.Fatalf("an event with a trailing newline: %v", err)
	}
	for _, bad := range []string{ev + `{"id":"e2"}`, ev + ` x`, ev + `]`} {
		if _, err := gladly.ParseEvent([]byte(bad)); err == nil {
			t.Errorf("ParseEvent(%q) accepted data after the object", bad)
		}
	}
}
