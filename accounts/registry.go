package accounts

import (
	"context"
	"sync"
)

// Runtime is what a Registry builds per account (for gladgraph: the account's gladly.Client with
// the shared limiter, its cache namespace, its media signer). Close is called once the runtime
// is dropped; requests that fetched it before may still be using it, so Close must only release
// what they can do without (idle connections, timers).
type Runtime interface{ Close() }

// Builder makes the runtime of an account; it receives the account with its secrets.
type Builder[R Runtime] func(ctx context.Context, a Account) (R, error)

// Registry holds one runtime per account, built on first use and dropped when the account
// changes or is unlinked (on any replica: it follows the store's Watch). Concurrent first uses
// of an account share one build.
type Registry[R Runtime] struct {
	store Store
	build Builder[R]
	stop  func()

	mu      sync.Mutex
	entries map[string]*entry[R]
	closed  bool
}

type entry[R Runtime] struct {
	done chan struct{} // closed when the build finished
	rt   R
	err  error
}

// NewRegistry follows store's changes until Close.
func NewRegistry[R Runtime](store Store, build Builder[R]) *Registry[R] {
	r := &Registry[R]{store: store, build: build, entries: map[string]*entry[R]{}}
	r.stop = store.Watch(func(c Change) {
		if c.Kind == AccountChanged || c.Kind == AccountDeleted {
			r.Drop(c.AccountID)
		}
	})
	return r
}

// Get returns the account's runtime, building it if needed. It answers ErrNotFound for an
// unknown account and ErrDisabled for a disabled one. A failed build is not kept: the next
// Get tries again.
func (r *Registry[R]) Get(ctx context.Context, id string) (R, error) {
	var zero R
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return zero, errRegistryClosed
	}
	e, ok := r.entries[id]
	if !ok {
		e = &entry[R]{done: make(chan struct{})}
		r.entries[id] = e
		// The build outlives a first caller that gives up: the others wait on it too.
		go r.fill(context.WithoutCancel(ctx), id, e)
	}
	r.mu.Unlock()
	select {
	case <-e.done:
		return e.rt, e.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

func (r *Registry[R]) fill(ctx context.Context, id string, e *entry[R]) {
	a, err := r.store.Get(ctx, id)
	if err == nil && a.Disabled {
		err = ErrDisabled
	}
	if err == nil {
		e.rt, e.err = r.build(ctx, a)
	} else {
		e.err = err
	}
	close(e.done)
	if e.err != nil {
		r.mu.Lock()
		if r.entries[id] == e {
			delete(r.entries, id)
		}
		r.mu.Unlock()
	}
}

// Drop forgets the account's runtime (closing it once built); the next Get builds anew. A build
// under way when the account changed is dropped too, so no runtime of stale credentials stays.
func (r *Registry[R]) Drop(id string) {
	r.mu.Lock()
	e, ok := r.entries[id]
	delete(r.entries, id)
	r.mu.Unlock()
	if ok {
		go closeWhenBuilt(e)
	}
}

func closeWhenBuilt[R Runtime](e *entry[R]) {
	<-e.done
	if e.err == nil {
		e.rt.Close()
	}
}

// Len is how many runtimes are held or being built.
func (r *Registry[R]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}

// Close stops following changes and closes every runtime.
func (r *Registry[R]) Close() {
	r.stop()
	r.mu.Lock()
	r.closed = true
	entries := r.entries
	r.entries = map[string]*entry[R]{}
	r.mu.Unlock()
	for _, e := range entries {
		closeWhenBuilt(e)
	}
}
