package eventbus

import (
	"context"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// MemoryLog is a Log in process memory: one replica, forgotten at restart. Positions are
// time-based like Redis's, so a cursor from before a restart is recognised as older than the
// new log (its Floor is the time it started) and resumed from Gladly's Events API.
type MemoryLog struct {
	max int
	now func() time.Time

	mu    sync.Mutex
	start ID
	logs  map[string]*memStream
}

type memStream struct {
	entries []Entry // oldest first, at most max
	floor   ID
	last    ID
	wake    chan struct{} // closed and replaced at each append
}

// NewMemoryLog returns a log keeping at most maxLen entries per account.
func NewMemoryLog(maxLen int) *MemoryLog {
	m := &MemoryLog{max: max(maxLen, 1), now: time.Now, logs: map[string]*memStream{}}
	// Every position of this millisecond may have been issued by a log before a restart.
	m.start = ID{MS: uint64(m.now().UnixMilli()), Seq: math.MaxUint64}
	return m
}

func (m *MemoryLog) stream(account string) *memStream {
	s, ok := m.logs[account]
	if !ok {
		s = &memStream{floor: m.start, last: m.start, wake: make(chan struct{})}
		m.logs[account] = s
	}
	return s
}

// Append implements Log.
func (m *MemoryLog) Append(_ context.Context, account string, ev *gladly.Event) (ID, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stream(account)
	id := ID{MS: uint64(m.now().UnixMilli())}
	if !s.last.Less(id) {
		id = s.last.next()
	}
	s.entries = append(s.entries, Entry{ID: id, Event: ev})
	if len(s.entries) > m.max {
		s.floor = s.entries[0].ID
		s.entries[0] = Entry{}
		s.entries = s.entries[1:]
	}
	s.last = id
	close(s.wake)
	s.wake = make(chan struct{})
	return id, nil
}

// after returns the entries after pos (a view of the log: callers hold m.mu).
func (s *memStream) after(pos ID) []Entry {
	i := sort.Search(len(s.entries), func(i int) bool { return pos.Less(s.entries[i].ID) })
	return s.entries[i:]
}

// State implements Log.
func (m *MemoryLog) State(_ context.Context, account string) (State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stream(account)
	st := State{Last: s.last, Floor: s.floor, Complete: true}
	if len(s.entries) > 0 {
		e := s.entries[0]
		st.First = &e
	}
	return st, nil
}

// Range implements Log.
func (m *MemoryLog) Range(_ context.Context, account string, after, upTo ID, count int) ([]Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stream(account)
	var out []Entry
	for _, e := range s.after(after) {
		if len(out) == count || upTo.Less(e.ID) {
			break
		}
		out = append(out, e)
	}
	return out, nil
}

// Read implements Log.
func (m *MemoryLog) Read(ctx context.Context, account string, after ID, block time.Duration) ([]Entry, error) {
	t := time.NewTimer(block)
	defer t.Stop()
	for {
		m.mu.Lock()
		s := m.stream(account)
		out := slices.Clone(s.after(after))
		wake := s.wake
		m.mu.Unlock()
		if len(out) > 0 {
			return out, nil
		}
		select {
		case <-wake:
		case <-t.C:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
