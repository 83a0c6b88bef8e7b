package accounts

import "sync"

// watchers fans changes out to Watch callbacks, in order, from the caller's goroutine.
type watchers struct {
	mu   sync.Mutex // serializes emits so callbacks see changes in order
	next int
	fns  map[int]func(Change)
}

func (w *watchers) add(fn func(Change)) (stop func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fns == nil {
		w.fns = map[int]func(Change){}
	}
	id := w.next
	w.next++
	w.fns[id] = fn
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.fns, id)
	}
}

func (w *watchers) emit(c Change) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, fn := range w.fns {
		fn(c)
	}
}
