package eventbus_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// logs are the two Log implementations every behaviour is checked against.
var logs = map[string]func(t *testing.T, maxLen int) eventbus.Log{
	"memory": func(t *testing.T, maxLen int) eventbus.Log { return eventbus.NewMemoryLog(maxLen) },
	"redis": func(t *testing.T, maxLen int) eventbus.Log {
		r := redistest.New(t)
		return eventbus.NewRedisLog(r.Client(t), r.Key("events")+":", maxLen, time.Hour)
	},
}

// testOptions read quickly so that Close returns soon.
func testOptions() eventbus.Options {
	return eventbus.Options{ReadBlock: 100 * time.Millisecond}
}

func newBus(t *testing.T, log eventbus.Log, opts eventbus.Options) *eventbus.Bus {
	b := eventbus.New(log, opts)
	t.Cleanup(b.Close)
	return b
}

var seq int

// event makes a Gladly event of typ about a conversation of a customer.
func event(typ, customer, conversation string) *gladly.Event {
	seq++
	content, _ := json.Marshal(map[string]string{"customerId": customer, "conversationId": conversation})
	return &gladly.Event{ID: fmt.Sprintf("ev-%d", seq), Type: typ, Timestamp: time.Now().UTC().Truncate(time.Millisecond), Content: content}
}

func publish(t *testing.T, b *eventbus.Bus, account string, ev *gladly.Event) eventbus.Cursor {
	t.Helper()
	c, err := b.Publish(t.Context(), account, ev)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return c
}

func subscribe(t *testing.T, b *eventbus.Bus, ctx context.Context, account, after string, f eventbus.Filter) *eventbus.Subscription {
	t.Helper()
	s, err := b.Subscribe(ctx, account, after, f)
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// next waits for the next delivery; 30 s only guards against a hang on a loaded machine.
func next(t *testing.T, s *eventbus.Subscription) eventbus.Delivery {
	t.Helper()
	select {
	case d, ok := <-s.C:
		if !ok {
			t.Fatalf("subscription ended: %v", s.Err())
		}
		return d
	case <-time.After(30 * time.Second):
		t.Fatal("no delivery within 30 s")
	}
	return eventbus.Delivery{}
}

func wantIDs(t *testing.T, s *eventbus.Subscription, ids ...string) []eventbus.Delivery {
	t.Helper()
	var got []eventbus.Delivery
	for _, id := range ids {
		d := next(t, s)
		if d.Event.ID != id {
			t.Fatalf("delivered %s (%s), want %s", d.Event.ID, d.Event.Type, id)
		}
		got = append(got, d)
	}
	return got
}

func TestFanOutFiltersAndCursors(t *testing.T) {
	for name, newLog := range logs {
		t.Run(name, func(t *testing.T) {
			b := newBus(t, newLog(t, 100), testOptions())
			all := subscribe(t, b, t.Context(), "acme", "", eventbus.Filter{})
			closed := subscribe(t, b, t.Context(), "acme", "", eventbus.Filter{Types: map[string]bool{"CONVERSATION/CLOSED": true}})
			ada := subscribe(t, b, t.Context(), "acme", "", eventbus.Filter{ContactID: "ada"})
			other := subscribe(t, b, t.Context(), "other", "", eventbus.Filter{})

			e1 := event("CONVERSATION/CREATED", "ada", "c1")
			e2 := event("CONVERSATION/CLOSED", "bob", "c2")
			e3 := event("CONVERSATION/CLOSED", "ada", "c1")
			c1 := publish(t, b, "acme", e1)
			publish(t, b, "acme", e2)
			publish(t, b, "acme", e3)
			e4 := event("TASK/CREATED", "zoe", "")
			publish(t, b, "other", e4)

			got := wantIDs(t, all, e1.ID, e2.ID, e3.ID)
			if got[0].Cursor != c1 {
				t.Errorf("delivered cursor %+v, Publish returned %+v", got[0].Cursor, c1)
			}
			if !got[0].Cursor.Pos.Less(got[1].Cursor.Pos) || !got[1].Cursor.Pos.Less(got[2].Cursor.Pos) {
				t.Errorf("cursors not increasing: %v", got)
			}
			rt, err := eventbus.ParseCursor(got[2].Cursor.String())
			if err != nil || rt != got[2].Cursor {
				t.Errorf("cursor round trip: %+v, %v; want %+v", rt, err, got[2].Cursor)
			}
			wantIDs(t, closed, e2.ID, e3.ID)
			wantIDs(t, ada, e1.ID, e3.ID)
			wantIDs(t, other, e4.ID) // accounts never mix
		})
	}
}

func TestTwoReplicasShareOneRedis(t *testing.T) {
	r := redistest.New(t)
	prefix := r.Key("events") + ":"
	a := newBus(t, eventbus.NewRedisLog(r.Client(t), prefix, 100, time.Hour), testOptions())
	b := newBus(t, eventbus.NewRedisLog(r.Client(t), prefix, 100, time.Hour), testOptions())
	onB := subscribe(t, b, t.Context(), "acme", "", eventbus.Filter{})
	onB2 := subscribe(t, b, t.Context(), "acme", "", eventbus.Filter{})
	onA := subscribe(t, a, t.Context(), "acme", "", eventbus.Filter{})

	e1, e2 := event("CONVERSATION/CREATED", "ada", "c1"), event("CONVERSATION/CLOSED", "ada", "c1")
	publish(t, a, "acme", e1) // received by replica A
	publish(t, b, "acme", e2) // received by replica B
	for _, s := range []*eventbus.Subscription{onB, onB2, onA} {
		// Exactly once: each event once, in log order, and nothing in between.
		wantIDs(t, s, e1.ID, e2.ID)
	}
	marker := event("TASK/CREATED", "ada", "")
	publish(t, a, "acme", marker)
	for _, s := range []*eventbus.Subscription{onB, onB2, onA} {
		wantIDs(t, s, marker.ID)
	}
}

func TestResumeAfterCursor(t *testing.T) {
	for name, newLog := range logs {
		t.Run(name, func(t *testing.T) {
			b := newBus(t, newLog(t, 100), testOptions())
			ctx, cancel := context.WithCancel(t.Context())
			s := subscribe(t, b, ctx, "acme", "", eventbus.Filter{})
			e1 := event("CONVERSATION/CREATED", "ada", "c1")
			publish(t, b, "acme", e1)
			seen := next(t, s)
			cancel() // the client goes away
			for range s.C {
			}
			if err := s.Err(); err != nil {
				t.Errorf("a subscription whose context ended reports %v", err)
			}
			e2, e3 := event("CONVERSATION/CLOSED", "ada", "c1"), event("CONVERSATION/REOPENED", "ada", "c1")
			publish(t, b, "acme", e2)
			publish(t, b, "acme", e3)

			again := subscribe(t, b, t.Context(), "acme", seen.Cursor.String(), eventbus.Filter{})
			e4 := event("CONVERSATION/CLOSED", "ada", "c1")
			publish(t, b, "acme", e4)
			wantIDs(t, again, e2.ID, e3.ID, e4.ID) // the missed ones, then live, nothing twice

			// A cursor ahead of this replica's reader (seen on another replica) skips what it covers.
			ahead := subscribe(t, b, t.Context(), "acme", publish(t, b, "acme", event("TASK/CREATED", "x", "")).String(), eventbus.Filter{})
			e6 := event("TASK/CLOSED", "x", "")
			publish(t, b, "acme", e6)
			wantIDs(t, ahead, e6.ID)
		})
	}
}

func TestBadAndExpiredCursors(t *testing.T) {
	b := newBus(t, eventbus.NewMemoryLog(10), testOptions())
	if _, err := b.Subscribe(t.Context(), "acme", "not-a-cursor", eventbus.Filter{}); !errors.Is(err, eventbus.ErrBadCursor) {
		t.Errorf("bad cursor: %v", err)
	}
	old := eventbus.Cursor{Pos: eventbus.ID{MS: 1}, At: time.Now().Add(-25 * time.Hour), EventID: "x"}
	if _, err := b.Subscribe(t.Context(), "acme", old.String(), eventbus.Filter{}); !errors.Is(err, eventbus.ErrCursorExpired) {
		t.Errorf("cursor older than the log, no history: %v", err)
	}
	if n := b.Registry().Open("acme\x00"); n != 0 {
		t.Errorf("refused subscriptions still counted: %d", n)
	}
}

func TestSlowConsumerIsEnded(t *testing.T) {
	opts := testOptions()
	opts.QueueSize = 2
	b := newBus(t, eventbus.NewMemoryLog(100), opts)
	slow := subscribe(t, b, t.Context(), "acme", "", eventbus.Filter{})
	fast := subscribe(t, b, t.Context(), "acme", "", eventbus.Filter{})
	for range 10 {
		e := event("CONVERSATION/CREATED", "ada", "c1")
		publish(t, b, "acme", e)
		wantIDs(t, fast, e.ID) // the reader never waits for the slow one
	}
	for range slow.C { // what it had queued is still delivered, then the channel closes
	}
	if err := slow.Err(); !errors.Is(err, eventbus.ErrSlowConsumer) {
		t.Fatalf("slow subscriber ended with %v, want ErrSlowConsumer", err)
	}
}

func TestLimitsAndLifetimes(t *testing.T) {
	opts := testOptions()
	opts.Limits = eventbus.Limits{PerCaller: 2, PerConnection: 1}
	b := newBus(t, eventbus.NewMemoryLog(100), opts)
	alice := caller.With(t.Context(), &caller.Caller{Kind: caller.KindAPIKey, Subject: "alice", AccountID: "acme"})
	bob := caller.With(t.Context(), &caller.Caller{Kind: caller.KindAPIKey, Subject: "bob", AccountID: "acme"})

	s1 := subscribe(t, b, eventbus.WithConnection(alice, "ws-1"), "acme", "", eventbus.Filter{})
	if _, err := b.Subscribe(eventbus.WithConnection(alice, "ws-1"), "acme", "", eventbus.Filter{}); !errors.Is(err, eventbus.ErrTooManySubscriptions) {
		t.Errorf("second subscription on one connection: %v", err)
	}
	subscribe(t, b, eventbus.WithConnection(alice, "ws-2"), "acme", "", eventbus.Filter{})
	if _, err := b.Subscribe(eventbus.WithConnection(alice, "ws-3"), "acme", "", eventbus.Filter{}); !errors.Is(err, eventbus.ErrTooManySubscriptions) {
		t.Errorf("third subscription of one caller: %v", err)
	}
	subscribe(t, b, bob, "acme", "", eventbus.Filter{}) // another caller has its own count
	s1.Close()
	for range s1.C {
	}
	subscribe(t, b, eventbus.WithConnection(alice, "ws-1"), "acme", "", eventbus.Filter{}) // the slot is free again

	opts = testOptions()
	opts.MaxLifetime = 50 * time.Millisecond
	short := subscribe(t, newBus(t, eventbus.NewMemoryLog(10), opts), t.Context(), "acme", "", eventbus.Filter{})
	for range short.C {
	}
	if err := short.Err(); !errors.Is(err, eventbus.ErrLifetime) {
		t.Errorf("lifetime: %v", err)
	}
	opts = testOptions()
	opts.IdleTimeout = 50 * time.Millisecond
	idle := subscribe(t, newBus(t, eventbus.NewMemoryLog(10), opts), t.Context(), "acme", "", eventbus.Filter{})
	for range idle.C {
	}
	if err := idle.Err(); !errors.Is(err, eventbus.ErrIdle) {
		t.Errorf("idle: %v", err)
	}
}

func TestCloseEndsSubscriptions(t *testing.T) {
	b := eventbus.New(eventbus.NewMemoryLog(10), testOptions())
	s := subscribe(t, b, t.Context(), "acme", "", eventbus.Filter{})
	b.Close()
	for range s.C {
	}
	if err := s.Err(); !errors.Is(err, eventbus.ErrClosed) {
		t.Errorf("close: %v", err)
	}
	if _, err := b.Subscribe(t.Context(), "acme", "", eventbus.Filter{}); !errors.Is(err, eventbus.ErrClosed) {
		t.Errorf("subscribe after close: %v", err)
	}
}

func TestUnreachableLogEndsSubscriptions(t *testing.T) {
	r := redistest.New(t)
	rdb := r.Client(t)
	b := newBus(t, eventbus.NewRedisLog(rdb, r.Key("events")+":", 100, time.Hour), testOptions())
	s := subscribe(t, b, t.Context(), "acme", "", eventbus.Filter{})
	_ = rdb.Close() // the bus's Redis goes away for good
	for range s.C {
	}
	if err := s.Err(); !errors.Is(err, eventbus.ErrUnavailable) {
		t.Fatalf("subscription over a lost Redis ended with %v, want ErrUnavailable", err)
	}
}
