package loaders

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"
)

// Coalesced batches the reads of a remote Cache without a timer: a read goes out at once while
// fewer than maxInFlight reads are on the wire; otherwise it waits for the next round trip, which
// carries every read queued meanwhile as one. Reads wait only when there is something to batch
// with, and never longer than one round trip. This is what lets the loaders fetch a level at once
// (no dataloadgen wait; see WithWait) without one cache round trip per key: the keys the
// resolvers of a level ask for within one round trip share the next.
//
// Writes, invalidations and pings pass through unchanged.
type Coalesced struct {
	Cache
	maxInFlight int
	timeout     time.Duration

	mu       sync.Mutex
	inFlight int
	queue    []*queuedGet
	trips    int64 // round trips made (for tests)
}

type queuedGet struct {
	keys []string
	vals [][]byte
	at   Stamp
	err  error
	done chan struct{}
}

// NewCoalesced wraps backend; maxInFlight ≤ 0 means 2 per CPU.
func NewCoalesced(backend Cache, maxInFlight int) *Coalesced {
	if maxInFlight <= 0 {
		maxInFlight = 2 * runtime.GOMAXPROCS(0)
	}
	return &Coalesced{Cache: backend, maxInFlight: maxInFlight, timeout: time.Second}
}

// Get reads keys now, or in the next round trip when maxInFlight are already on the wire.
func (c *Coalesced) Get(ctx context.Context, keys []string) ([][]byte, Stamp, error) {
	c.mu.Lock()
	if c.inFlight < c.maxInFlight {
		c.inFlight++
		c.trips++
		c.mu.Unlock()
		vals, at, err := c.Cache.Get(ctx, keys)
		c.release()
		return vals, at, err
	}
	q := &queuedGet{keys: keys, done: make(chan struct{})}
	c.queue = append(c.queue, q)
	c.mu.Unlock()
	select {
	case <-q.done:
		return q.vals, q.at, q.err
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
}

// release hands a finished round trip's slot to the queued reads, as one round trip.
func (c *Coalesced) release() {
	c.mu.Lock()
	q := c.queue
	c.queue = nil
	if len(q) == 0 {
		c.inFlight--
		c.mu.Unlock()
		return
	}
	c.trips++
	c.mu.Unlock()
	go c.readQueued(q)
}

// readQueued reads the union of the queued keys in one round trip and answers each read. The
// round trip has a deadline of its own, as long as the longest a caller waits (each caller
// stops at its own deadline): it serves several requests, none of which owns it.
func (c *Coalesced) readQueued(q []*queuedGet) {
	defer c.release()
	index := map[string]int{}
	var keys []string
	for _, g := range q {
		for _, k := range g.keys {
			if _, ok := index[k]; !ok {
				index[k] = len(keys)
				keys = append(keys, k)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	vals, at, err := c.Cache.Get(ctx, keys)
	for _, g := range q {
		g.at, g.err = at, err
		if err == nil {
			g.vals = make([][]byte, len(g.keys))
			for i, k := range g.keys {
				g.vals[i] = vals[index[k]]
			}
		}
		close(g.done)
	}
}

// Flush passes through to a backend that can drop its namespace (the Resilient's fallback when
// too many invalidations were lost to replay); failing otherwise keeps its circuit open.
func (c *Coalesced) Flush(ctx context.Context) error {
	if f, ok := c.Cache.(flusher); ok {
		return f.Flush(ctx)
	}
	return errors.New("cache: the backend cannot drop its namespace")
}
