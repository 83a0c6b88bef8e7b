package webhooks

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// seenTTL covers Gladly's retries of one delivery (30 s, 5 min, 30 min, 1 h).
	seenTTL = 2 * time.Hour
	// seenMax bounds the in-process set's memory (~100 bytes an entry).
	seenMax = 50_000
)

// SeenSet remembers webhook event ids so that a redelivered event is processed once: in Redis
// (SET NX EX, shared by replicas) when one is configured, else in process memory (per replica,
// forgotten at restart: a duplicate then only costs one more invalidation).
type SeenSet interface {
	// MarkSeen records id and reports whether it was new.
	MarkSeen(ctx context.Context, id string) (first bool, err error)
	// Forget removes id, so that a redelivery is processed again.
	Forget(ctx context.Context, id string) error
}

// memorySeenSet is a SeenSet in process memory: ids expire after ttl, the oldest go first when
// it holds max ids.
type memorySeenSet struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu    sync.Mutex
	byID  map[string]*list.Element
	order *list.List // of seenEntry, oldest first (one TTL for all: insertion order is expiry order)
}

type seenEntry struct {
	id string
	at time.Time
}

func newMemorySeenSet(ttl time.Duration, max int) *memorySeenSet {
	return &memorySeenSet{ttl: ttl, max: max, now: time.Now, byID: map[string]*list.Element{}, order: list.New()}
}

func (s *memorySeenSet) MarkSeen(_ context.Context, id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for e := s.order.Front(); e != nil && now.Sub(e.Value.(seenEntry).at) >= s.ttl; e = s.order.Front() {
		s.remove(e)
	}
	if _, ok := s.byID[id]; ok {
		return false, nil
	}
	s.byID[id] = s.order.PushBack(seenEntry{id: id, at: now})
	for s.order.Len() > s.max {
		s.remove(s.order.Front())
	}
	return true, nil
}

func (s *memorySeenSet) Forget(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byID[id]; ok {
		s.remove(e)
	}
	return nil
}

func (s *memorySeenSet) remove(e *list.Element) {
	delete(s.byID, e.Value.(seenEntry).id)
	s.order.Remove(e)
}

// NewSeenSet returns the seen set of a tenant's deliveries: in rdb when a Redis is configured,
// so that replicas share it, else in process memory.
func NewSeenSet(rdb redis.UniversalClient, tenant string) SeenSet {
	if rdb != nil {
		return newRedisSeenSet(rdb, tenant, seenTTL)
	}
	return newMemorySeenSet(seenTTL, seenMax)
}
