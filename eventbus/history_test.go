package eventbus_test

import (
	"context"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// gladlyAccount is a fake Gladly and a client of it.
func gladlyAccount(t *testing.T) (*gladlytest.Server, *gladly.Client) {
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	c, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithHTTPClient(fake.Client()), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

// createdEvents creates n customers in Gladly and returns the CUSTOMER_PROFILE/CREATED events
// Gladly recorded for them, as its webhook would deliver them.
func createdEvents(t *testing.T, c *gladly.Client, since time.Time, n int) []*gladly.Event {
	ids := map[string]bool{}
	for range n {
		id, _, err := c.Customers.Create(t.Context(), &gladly.CreateCustomerRequest{Name: "Resumed"})
		if err != nil {
			t.Fatal(err)
		}
		ids[id] = true
		time.Sleep(2 * time.Millisecond) // distinct event times, as in real traffic
	}
	all, _, err := c.Events.List(t.Context(), gladly.ListEventsOptions{StartAt: since, Entities: []string{gladly.EntityCustomerProfile}})
	if err != nil {
		t.Fatal(err)
	}
	var out []*gladly.Event
	for _, e := range all {
		if e.Type == gladly.EventCustomerProfileCreated && ids[e.IDs().CustomerID] {
			out = append(out, e)
		}
	}
	if len(out) != n {
		t.Fatalf("Gladly recorded %d creations, want %d", len(out), n)
	}
	return out
}

func TestResumeFallsBackToGladlyEvents(t *testing.T) {
	_, client := gladlyAccount(t)
	start := time.Now().Add(-time.Second)
	events := createdEvents(t, client, start, 6)

	history := eventbus.GladlyHistory{Client: func(context.Context, string) (*gladly.Client, error) { return client, nil }}
	opts := testOptions()
	opts.History = history
	// A log of 2 entries: after 6 events it holds only the last 2.
	b := newBus(t, eventbus.NewMemoryLog(2), opts)
	var cursors []eventbus.Cursor
	for _, e := range events {
		cursors = append(cursors, publish(t, b, "acme", e))
	}
	f := eventbus.Filter{Types: map[string]bool{gladly.EventCustomerProfileCreated: true}}
	s := subscribe(t, b, t.Context(), "acme", cursors[0].String(), f)
	got := wantIDs(t, s, events[1].ID, events[2].ID, events[3].ID, events[4].ID, events[5].ID)
	// Events 2–4 came from Gladly: their cursors resume from Gladly again; 5–6 from the log.
	for i, d := range got[:3] {
		if d.Cursor.Pos != cursors[0].Pos || !d.Cursor.At.Equal(events[i+1].Timestamp) {
			t.Errorf("history delivery %d cursor %+v", i, d.Cursor)
		}
	}
	if got[3].Cursor != cursors[4] || got[4].Cursor != cursors[5] {
		t.Errorf("log deliveries' cursors %+v %+v, want %+v %+v", got[3].Cursor, got[4].Cursor, cursors[4], cursors[5])
	}
	// Resuming from a cursor Gladly's history gave continues from Gladly.
	again := subscribe(t, b, t.Context(), "acme", got[1].Cursor.String(), f)
	wantIDs(t, again, events[3].ID, events[4].ID, events[5].ID)

	// A restarted replica (a fresh in-process log) resumes from Gladly too.
	restarted := newBus(t, eventbus.NewMemoryLog(2), opts)
	r := subscribe(t, restarted, t.Context(), "acme", cursors[3].String(), f)
	wantIDs(t, r, events[4].ID, events[5].ID)
}

func TestRedisStreamRecreatedIsAGap(t *testing.T) {
	_, client := gladlyAccount(t)
	events := createdEvents(t, client, time.Now().Add(-time.Second), 3)
	r := redistest.New(t)
	rdb := r.Client(t)
	prefix := r.Key("events") + ":"
	opts := testOptions()
	opts.History = eventbus.GladlyHistory{Client: func(context.Context, string) (*gladly.Client, error) { return client, nil }}
	b := newBus(t, eventbus.NewRedisLog(rdb, prefix, 100, time.Hour), opts)
	c0 := publish(t, b, "acme", events[0])
	if err := rdb.Del(t.Context(), prefix+"acme").Err(); err != nil { // expired, or Redis lost it
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond) // a stream comes back later than it went (ids are times)
	publish(t, b, "acme", events[2]) // a new stream; events[1] was never in it
	s := subscribe(t, b, t.Context(), "acme", c0.String(), eventbus.Filter{Types: map[string]bool{gladly.EventCustomerProfileCreated: true}})
	wantIDs(t, s, events[1].ID, events[2].ID)
}
