package gladlytest

import "slices"

// table keeps objects by id in insertion order (Gladly's "unspecified" list order is stable).
type table[T any] struct {
	byID  map[string]T
	order []string
}

func newTable[T any]() table[T] { return table[T]{byID: map[string]T{}} }

func (t *table[T]) put(id string, v T) {
	if _, ok := t.byID[id]; !ok {
		t.order = append(t.order, id)
	}
	t.byID[id] = v
}

func (t *table[T]) get(id string) (T, bool) {
	v, ok := t.byID[id]
	return v, ok
}

func (t *table[T]) has(id string) bool {
	_, ok := t.byID[id]
	return ok
}

func (t *table[T]) delete(id string) {
	if _, ok := t.byID[id]; !ok {
		return
	}
	delete(t.byID, id)
	t.order = slices.DeleteFunc(t.order, func(s string) bool { return s == id })
}

func (t *table[T]) list() []T {
	out := make([]T, 0, len(t.order))
	for _, id := range t.order {
		out = append(out, t.byID[id])
	}
	return out
}

func (t *table[T]) len() int { return len(t.order) }
