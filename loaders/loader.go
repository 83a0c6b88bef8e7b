package loaders

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"github.com/vikstrous/dataloadgen"
	"go.opentelemetry.io/otel/attribute"

	"github.com/gladgraph/gladgraph/gladly"
)

// List is a Gladly list as one value: the items, and whether Gladly capped it. Invalid holds the
// records Gladly sent that could not be read: each fails alone (the resolver reports it at the
// list's path), and it is cached with the list, so a cache hit reports it again.
type List[T any] struct {
	Items   []T
	Limited bool
	Invalid []gladly.InvalidRecord
}

// source tells a loader how to fetch one key from Gladly and how to cache it.
type source[K comparable, V any] struct {
	class Class
	// key is the cache key of k: the Ref string of the object or list it names.
	key func(K) string
	// fetch asks Gladly. A 404 or a 301 is reported through err (gladly.IsNotFound / IsMoved).
	fetch func(ctx context.Context, k K) (V, *gladly.Response, error)
	// tags names the objects a fetched value holds, for invalidation (the key is always a tag).
	tags func(k K, v V) []string
	// prime hands the objects of a loaded list to this request's by-id loaders, so that a later
	// read of one of them costs nothing.
	prime func(k K, v V)
}

// newLoader returns a per-request loader reading through the store.
func newLoader[K comparable, V any](l *Loaders, src source[K, V]) *dataloadgen.Loader[K, V] {
	ld := dataloadgen.NewLoader(func(ctx context.Context, keys []K) ([]V, []error) {
		vals, _, errs := loadThrough(ctx, l.store, src, keys)
		if src.prime != nil {
			for i, v := range vals {
				if errs[i] == nil {
					src.prime(keys[i], v)
				}
			}
		}
		return vals, errs
	}, l.opts...)
	l.clearers = append(l.clearers, ld.ClearAll)
	return ld
}

// loadThrough reads keys through the store: hits decoded from the cache, misses fetched.
// moved[i] is set when Gladly answered that the object moved (a merged customer).
func loadThrough[K comparable, V any](ctx context.Context, st *Store, src source[K, V], keys []K) (vals []V, moved []string, errs []error) {
	ctx, span := startSpan(ctx, "loader.batch "+src.class.String(),
		attribute.String("gladgraph.loader.class", src.class.String()), attribute.Int("gladgraph.loader.keys", len(keys)))
	defer span.End()
	skeys := make([]string, len(keys))
	byKey := make(map[string]K, len(keys))
	for i, k := range keys {
		skeys[i] = src.key(k)
		byKey[skeys[i]] = k
	}
	res, errs := st.getMany(ctx, src.class, skeys, func(ctx context.Context, sk string) (fetched, error) {
		k := byKey[sk]
		v, resp, err := src.fetch(ctx, k)
		if err != nil {
			return gladlyAnswer(nil, resp, err)
		}
		body, err := json.Marshal(v)
		if err != nil {
			return fetched{}, err
		}
		f, err := gladlyAnswer(body, resp, nil)
		if src.tags != nil {
			f.Tags = src.tags(k, v)
		}
		f.value = v
		return f, err
	})
	vals = make([]V, len(keys))
	moved = make([]string, len(keys))
	rs := readSetFrom(ctx)
	defer func() { // the tags the cache entries carry: the key, and the objects the value holds
		if rs == nil {
			return
		}
		for i := range keys {
			if errs[i] != nil {
				continue
			}
			rs.addTags(skeys[i])
			if src.tags != nil && moved[i] == "" && !isNil(vals[i]) {
				rs.addTags(src.tags(keys[i], vals[i])...)
			}
		}
	}()
	for i, f := range res {
		switch {
		case errs[i] != nil, f.NotFound:
		case f.MovedTo != "":
			moved[i] = f.MovedTo
		case f.value != nil:
			vals[i] = f.value.(V)
		default:
			if err := json.Unmarshal(f.Body, &vals[i]); err != nil {
				errs[i] = errUnexpected(skeys[i], err)
			} else if ls, ok := any(vals[i]).(limitedSetter); ok {
				ls.setLimited(f.Limited)
			}
		}
	}
	if failed := countErrs(errs); failed > 0 {
		span.SetAttributes(attribute.Int("gladgraph.loader.failed", failed))
		failSpan(span, "upstream")
	}
	return vals, moved, errs
}

func countErrs(errs []error) int {
	n := 0
	for _, e := range errs {
		if e != nil {
			n++
		}
	}
	return n
}

// limitedSetter is a list value restoring its cap flag from the cache entry.
type limitedSetter interface{ setLimited(bool) }

// listOf adapts a list call to a loader source: the value is the list with its cap flag, nil
// when Gladly answered 404 for the list's parent.
func listOf[K comparable, T any](call func(ctx context.Context, k K) ([]T, *gladly.Response, error)) func(ctx context.Context, k K) (*List[T], *gladly.Response, error) {
	return func(ctx context.Context, k K) (*List[T], *gladly.Response, error) {
		items, resp, err := call(ctx, k)
		if err != nil {
			return nil, resp, err
		}
		if items == nil {
			items = []T{}
		}
		l := &List[T]{Items: items}
		if resp != nil {
			l.Limited = resp.Limited
			l.Invalid = resp.Invalid
		}
		return l, resp, nil
	}
}

// A List is cached as Gladly's JSON array, unreadable records in their places; the cap flag
// travels beside it (see fetched).
func (l *List[T]) MarshalJSON() ([]byte, error) {
	if len(l.Invalid) == 0 {
		return json.Marshal(l.Items)
	}
	all := make([]any, 0, len(l.Items)+len(l.Invalid))
	items, bad := l.Items, l.Invalid
	for len(items) > 0 || len(bad) > 0 {
		if len(bad) > 0 && (bad[0].Index <= len(all) || len(items) == 0) {
			all = append(all, bad[0].Raw)
			bad = bad[1:]
			continue
		}
		all = append(all, items[0])
		items = items[1:]
	}
	return json.Marshal(all)
}

// UnmarshalJSON reads the JSON array of a cached list, record by record as Gladly's was read.
func (l *List[T]) UnmarshalJSON(b []byte) error {
	items, bad, err := gladly.DecodeList[T]("cache", b)
	if err != nil {
		return err
	}
	l.Items, l.Invalid = items, bad
	return nil
}

func (l *List[T]) setLimited(v bool) { l.Limited = v }

// key joins a kind and the parts of an id into a cache key / tag. Each part is escaped (see
// keyPart), so no input can spell another key: tickets(contactId: "vip|OPEN") is the list of a
// contact named "vip|OPEN", never contact vip's open tickets. Parts without '|' or '%' (every
// Gladly id) read as before.
func key(kind Kind, parts ...string) string {
	return string(kind) + ":" + joinParts(parts...)
}

func joinParts(parts ...string) string {
	esc := make([]string, len(parts))
	for i, p := range parts {
		esc[i] = keyPart(p)
	}
	return strings.Join(esc, "|")
}

// keyPart escapes the separator and the escape character: '%' → %25, '|' → %7C. The escaped
// part holds no '|', and the escaping is reversible, so distinct part lists join differently.
func keyPart(p string) string {
	if !strings.ContainsAny(p, "|%") {
		return p
	}
	return partEscaper.Replace(p)
}

var partEscaper = strings.NewReplacer("%", "%25", "|", "%7C")

// memo computes a value once per request (org-wide collections).
type memo[T any] struct {
	mu   sync.Mutex
	done bool
	v    T
	err  error
}

func (m *memo[T]) get(f func() (T, error)) (T, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.done {
		m.v, m.err = f()
		m.done = m.err == nil // a failure is retried by the next caller
	}
	return m.v, m.err
}

func (m *memo[T]) reset() {
	m.mu.Lock()
	m.done = false
	var zero T
	m.v = zero
	m.mu.Unlock()
}

// isNil reports whether v is nil (a 404 decodes to a nil pointer; src.tags expects a value).
func isNil[V any](v V) bool {
	rv := reflect.ValueOf(any(v))
	if !rv.IsValid() {
		return true
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
