package eventbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly"
)

// Why a subscription ended. Each tells the client what to do next; transports send the text.
var (
	ErrSlowConsumer  = errors.New("subscription ended: the subscriber read too slowly and its queue of undelivered events filled up; resubscribe after the last cursor received")
	ErrCursorExpired = errors.New("subscription refused: the cursor is older than both the event log and Gladly's 24-hour event history; subscribe without a cursor")
	ErrLifetime      = errors.New("subscription ended: it reached its maximum lifetime; resubscribe after the last cursor received")
	ErrIdle          = errors.New("subscription ended: no event for the idle timeout; resubscribe after the last cursor received")
	ErrClosed        = errors.New("subscription ended: the server is shutting down; resubscribe after the last cursor received")
	ErrUnavailable   = errors.New("subscription ended: the event log is unavailable; resubscribe after the last cursor received")
)

// Delivery is one event handed to a subscriber.
type Delivery struct {
	Event  *gladly.Event
	Cursor Cursor
}

// Options configure a Bus. Zero values take the defaults.
type Options struct {
	// History resumes cursors the log no longer holds; nil refuses them with ErrCursorExpired.
	History History
	// QueueSize is each subscriber's queue of undelivered events (default 64).
	QueueSize int
	// ReadBlock is how long a reader waits for an entry before checking it is still needed
	// (default 5 s): the most a stopped reader lingers, and the most Close waits.
	ReadBlock time.Duration
	// IdleTimeout ends a subscription that received no event for this long (0: never).
	IdleTimeout time.Duration
	// MaxLifetime ends every subscription after this long (0: never).
	MaxLifetime time.Duration
	// Limits cap open subscriptions per caller and per connection.
	Limits Limits
	Log    zerolog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// readRetries is how many failed reads in a row a reader retries before giving up.
const readRetries = 3

// replayPage is how many log entries a replay reads at once.
const replayPage = 500

// Bus publishes events to account logs and fans them out to this replica's subscribers.
type Bus struct {
	log  Log
	opts Options
	reg  *Registry

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	closed bool
	hubs   map[string]*hub
}

// New returns a Bus over log.
func New(log Log, opts Options) *Bus {
	if opts.QueueSize <= 0 {
		opts.QueueSize = 64
	}
	if opts.ReadBlock <= 0 {
		opts.ReadBlock = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Bus{log: log, opts: opts, reg: NewRegistry(opts.Limits), ctx: ctx, cancel: cancel, hubs: map[string]*hub{}}
}

// Registry returns the bus's count of open subscriptions.
func (b *Bus) Registry() *Registry { return b.reg }

// Publish appends ev to the account's log; every replica's subscribers of the account receive
// it. The caller has already invalidated what ev made stale (see the package doc).
func (b *Bus) Publish(ctx context.Context, account string, ev *gladly.Event) (Cursor, error) {
	id, err := b.log.Append(ctx, account, ev)
	if err != nil {
		return Cursor{}, err
	}
	return Cursor{Pos: id, At: ev.Timestamp, EventID: ev.ID}, nil
}

// Close ends every subscription with ErrClosed and stops the readers, waiting for them (at
// most ReadBlock).
func (b *Bus) Close() {
	b.mu.Lock()
	b.closed = true
	hubs := make([]*hub, 0, len(b.hubs))
	for _, h := range b.hubs {
		hubs = append(hubs, h)
	}
	b.mu.Unlock()
	for _, h := range hubs {
		h.fail(ErrClosed)
	}
	b.cancel()
	b.wg.Wait()
}

// callerKey names the caller of ctx for the per-caller limit.
func callerKey(account string, ctx context.Context) string {
	if c := caller.From(ctx); c != nil {
		return account + "\x00" + string(c.Kind) + "\x00" + c.Subject
	}
	return account + "\x00"
}

// Subscribe starts a subscription to the account's events that pass f: after the cursor when
// one is given (replayed from the log, or from History when the log no longer holds it), else
// from now. It ends when ctx ends, Close is called, or for one of the Err… reasons.
func (b *Bus) Subscribe(ctx context.Context, account, after string, f Filter) (*Subscription, error) {
	var cur *Cursor
	if after != "" {
		c, err := ParseCursor(after)
		if err != nil {
			return nil, err
		}
		cur = &c
	}
	release, err := b.reg.Acquire(callerKey(account, ctx), ConnectionFrom(ctx))
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancelCause(ctx)
	out := make(chan Delivery)
	s := &Subscription{C: out, out: out, live: make(chan Entry, b.opts.QueueSize), filter: f, ctx: sctx, cancel: cancel, done: make(chan struct{})}
	if cur != nil {
		s.skip = cur.Pos
	}
	h, last, err := b.join(account, s)
	if err != nil {
		release()
		cancel(nil)
		return nil, err
	}
	var plan *replayPlan
	if cur != nil {
		p, err := b.plan(sctx, account, *cur)
		if err != nil {
			h.leave(s)
			release()
			cancel(nil)
			return nil, err
		}
		plan = &p
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer release()
		s.run(b, h, account, plan, last)
	}()
	return s, nil
}

// join adds s to the account's hub, starting one when needed, and returns the hub's position:
// s receives every entry after it.
func (b *Bus) join(account string, s *Subscription) (*hub, ID, error) {
	for {
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return nil, ID{}, ErrClosed
		}
		h := b.hubs[account]
		if h == nil {
			h = &hub{bus: b, account: account, ready: make(chan struct{}), subs: map[*Subscription]struct{}{}}
			b.hubs[account] = h
			b.mu.Unlock()
			h.start()
		} else {
			b.mu.Unlock()
		}
		<-h.ready
		if h.err != nil {
			b.drop(h)
			return nil, ID{}, h.err
		}
		h.mu.Lock()
		if h.stopped { // emptied while we waited: start another
			h.mu.Unlock()
			continue
		}
		h.subs[s] = struct{}{}
		last := h.last
		h.mu.Unlock()
		return h, last, nil
	}
}

// drop forgets h if it is still the account's hub.
func (b *Bus) drop(h *hub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.hubs[h.account] == h {
		delete(b.hubs, h.account)
	}
}

// hub is one account's reader on this replica and the local subscribers it feeds.
type hub struct {
	bus     *Bus
	account string
	ready   chan struct{} // closed once last (or err) is set
	err     error
	stop    context.CancelFunc

	mu      sync.Mutex
	last    ID
	stopped bool
	subs    map[*Subscription]struct{}
}

func (h *hub) start() {
	b := h.bus
	st, err := b.log.State(b.ctx, h.account)
	if err != nil {
		h.err = fmt.Errorf("%w (%v)", ErrUnavailable, err)
		close(h.ready)
		return
	}
	h.last = st.Last
	ctx, cancel := context.WithCancel(b.ctx)
	h.stop = cancel
	close(h.ready)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		h.read(ctx)
	}()
}

// read tails the account's log and fans each entry out until the hub stops.
func (h *hub) read(ctx context.Context) {
	b := h.bus
	h.mu.Lock()
	after := h.last
	h.mu.Unlock()
	failures := 0
	for {
		entries, err := b.log.Read(ctx, h.account, after, b.opts.ReadBlock)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			// A blip (a Redis failover, a dropped connection) is retried; a log that stays
			// unreachable ends the subscriptions, whose clients resume from their cursors,
			// perhaps on another replica.
			if failures++; failures <= readRetries {
				b.opts.Log.Warn().Err(err).Str("account", h.account).Int("attempt", failures).Msg("eventbus: reading the event log failed; retrying")
				select {
				case <-time.After(time.Duration(failures*failures) * 100 * time.Millisecond):
					continue
				case <-ctx.Done():
					return
				}
			}
			b.opts.Log.Error().Err(err).Str("account", h.account).Msg("eventbus: reading the event log failed; ending the account's subscriptions")
			h.fail(ErrUnavailable)
			return
		}
		failures = 0
		if len(entries) == 0 {
			continue
		}
		h.mu.Lock()
		for _, e := range entries {
			h.last = e.ID
			h.fanout(e)
		}
		h.mu.Unlock()
		after = entries[len(entries)-1].ID
	}
}

// fanout offers e to every subscriber it passes the filter of. Callers hold h.mu. A subscriber
// whose queue is full is ended: the reader never waits for one subscriber.
func (h *hub) fanout(e Entry) {
	var r *refs
	for s := range h.subs {
		if !s.skip.Less(e.ID) {
			continue
		}
		if !s.filter.OrganizationWide() && r == nil {
			r = &refs{}
			_ = json.Unmarshal(e.Event.Content, r)
		}
		if !s.filter.match(e.Event, r) {
			continue
		}
		select {
		case s.live <- e:
		default:
			delete(h.subs, s)
			s.cancel(ErrSlowConsumer)
		}
	}
}

// leave removes s; the last subscriber to leave stops the reader.
func (h *hub) leave(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, s)
	if len(h.subs) == 0 && !h.stopped {
		h.stopped = true
		h.stop()
		h.bus.drop(h)
	}
}

// fail ends every subscriber with err and stops the reader.
func (h *hub) fail(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.cancel(err)
	}
	clear(h.subs)
	if !h.stopped {
		h.stopped = true
		if h.stop != nil {
			h.stop()
		}
		h.bus.drop(h)
	}
}

// Subscription is one subscriber's stream of deliveries.
type Subscription struct {
	// C delivers the events; it is closed when the subscription ends (then see Err).
	C <-chan Delivery

	out    chan Delivery
	live   chan Entry // the bounded queue the reader fills
	filter Filter
	skip   ID // entries at or before it were delivered before (the resume cursor)
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}
	err    error
}

// Close ends the subscription.
func (s *Subscription) Close() { s.cancel(nil) }

// Err is why the subscription ended once C is closed: nil when its context ended or Close was
// called, else one of the Err… values.
func (s *Subscription) Err() error {
	<-s.done
	return s.err
}

func (s *Subscription) run(b *Bus, h *hub, account string, plan *replayPlan, last ID) {
	defer func() {
		h.leave(s)
		if err := context.Cause(s.ctx); !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			s.err = err
		}
		s.cancel(nil)
		close(s.out)
		close(s.done)
	}()
	if d := b.opts.MaxLifetime; d > 0 {
		t := time.AfterFunc(d, func() { s.cancel(ErrLifetime) })
		defer t.Stop()
	}
	var idle *time.Timer
	if d := b.opts.IdleTimeout; d > 0 {
		idle = time.AfterFunc(d, func() { s.cancel(ErrIdle) })
		defer idle.Stop()
	}
	send := func(d Delivery) bool {
		select {
		case s.out <- d:
			if idle != nil {
				idle.Reset(b.opts.IdleTimeout)
			}
			return true
		case <-s.ctx.Done():
			return false
		}
	}
	if plan != nil {
		if err := s.replay(b, account, *plan, last, send); err != nil {
			s.cancel(err)
			return
		}
	}
	for {
		select {
		case e := <-s.live:
			if !send(Delivery{Event: e.Event, Cursor: Cursor{Pos: e.ID, At: e.Event.Timestamp, EventID: e.Event.ID}}) {
				return
			}
		case <-s.ctx.Done():
			return
		}
	}
}

// errStop ends a replay whose subscriber went away.
var errStop = errors.New("subscriber gone")

// replayPlan is where a resume starts: from the log after from, preceded, when gap is set, by
// History's events from the cursor's time to until.
type replayPlan struct {
	cur   Cursor
	from  ID
	gap   bool
	until time.Time
}

// plan decides how to resume after cur, refusing a cursor nothing can resume.
func (b *Bus) plan(ctx context.Context, account string, cur Cursor) (replayPlan, error) {
	st, err := b.log.State(ctx, account)
	if err != nil {
		return replayPlan{}, fmt.Errorf("%w (%v)", ErrUnavailable, err)
	}
	if st.Holds(cur.Pos) {
		return replayPlan{cur: cur, from: cur.Pos}, nil
	}
	now := b.opts.Now()
	if b.opts.History == nil || cur.At.Before(now.Add(-gladly.EventsWindow)) {
		return replayPlan{}, ErrCursorExpired
	}
	p := replayPlan{cur: cur, gap: true, until: now}
	if st.First != nil {
		p.until = st.First.Event.Timestamp.Add(-time.Millisecond) // the log delivers from there on
	}
	return p, nil
}

// replay delivers what happened after the cursor up to the hub's position last.
func (s *Subscription) replay(b *Bus, account string, p replayPlan, last ID, send func(Delivery) bool) error {
	cur, from := p.cur, p.from
	if p.gap && p.until.After(cur.At) {
		err := b.opts.History.Events(s.ctx, account, cur.At, p.until, func(ev *gladly.Event) error {
			if ev.ID == cur.EventID || ev.Timestamp.Before(cur.At) || !s.filter.Match(ev) {
				return nil
			}
			// The position stays the cursor's: a resume from this event is a History one too.
			if !send(Delivery{Event: ev, Cursor: Cursor{Pos: cur.Pos, At: ev.Timestamp, EventID: ev.ID}}) {
				return errStop
			}
			return nil
		})
		if errors.Is(err, errStop) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w (Gladly's event history: %v)", ErrUnavailable, err)
		}
	}
	for from.Less(last) {
		page, err := b.log.Range(s.ctx, account, from, last, replayPage)
		if err != nil {
			return fmt.Errorf("%w (%v)", ErrUnavailable, err)
		}
		for _, e := range page {
			if s.filter.Match(e.Event) && !send(Delivery{Event: e.Event, Cursor: Cursor{Pos: e.ID, At: e.Event.Timestamp, EventID: e.Event.ID}}) {
				return nil
			}
		}
		if len(page) < replayPage {
			break
		}
		from = page[len(page)-1].ID
	}
	return nil
}
