package loaders

import (
	"context"
	"sync"
	"time"
)

// flightGroup collapses concurrent fetches of one key into one Gladly call, like singleflight,
// but the call lives only while someone waits for it: each caller holds a reference, a caller
// whose context ends drops its own, and the last one to leave cancels the call. An abandoned
// _entities batch of 500 ids then stops costing the organization's budget at once instead of
// running on for nobody.
type flightGroup struct {
	mu sync.Mutex
	m  map[string]*flightCall
}

type flightCall struct {
	done    chan struct{}
	val     fetched
	err     error
	waiters int
	cancel  context.CancelFunc
}

// do runs fetch for key once for every concurrent caller. The call's context keeps the first
// caller's values, not its cancellation; it ends when the last caller leaves, or after limit.
func (g *flightGroup) do(ctx context.Context, key string, limit time.Duration, fetch func(context.Context) (fetched, error)) (fetched, error) {
	if err := ctx.Err(); err != nil {
		return fetched{}, err
	}
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*flightCall{}
	}
	c, ok := g.m[key]
	if !ok {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limit)
		c = &flightCall{done: make(chan struct{}), cancel: cancel}
		g.m[key] = c
		go func() {
			v, err := fetch(fctx)
			g.mu.Lock()
			c.val, c.err = v, err
			if g.m[key] == c {
				delete(g.m, key)
			}
			g.mu.Unlock()
			cancel()
			close(c.done)
		}()
	}
	c.waiters++
	g.mu.Unlock()

	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		g.mu.Lock()
		c.waiters--
		if c.waiters == 0 {
			// Nobody waits any more: stop the call, and let a later caller start afresh
			// rather than join a call being cancelled.
			c.cancel()
			if g.m[key] == c {
				delete(g.m, key)
			}
		}
		g.mu.Unlock()
		return fetched{}, ctx.Err()
	}
}

// inFlight reports how many calls are running (tests).
func (g *flightGroup) inFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.m)
}
