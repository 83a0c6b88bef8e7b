package loaders

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"golang.org/x/sync/errgroup"

	"github.com/gladgraph/gladgraph/gladly"
)

// Class groups cached answers that share a TTL.
type Class int

const (
	ClassDirectory    Class = iota // agents, teams, inboxes, topics, audiences, organization
	ClassProfile                   // customer profiles and lookups by email/phone
	ClassConversation              // conversations and a customer's conversation list
	ClassItem                      // conversation items, notes, transcripts
	ClassTask                      // tasks, a customer's task list, comments
	ClassKnowledge                 // answers, their content, public answers, custom attributes
	ClassAdmin                     // webhooks
	numClasses
)

var classNames = [numClasses]string{"directory", "profile", "conversation", "item", "task", "knowledge", "admin"}

func (c Class) String() string { return classNames[c] }

// TTLs are the cache lifetimes per class; NotFound is the lifetime of a cached 404.
type TTLs struct {
	Directory, Profile, Conversation, Item, Task, Knowledge, Admin, NotFound time.Duration
}

// DefaultTTLs: org directories change rarely, profiles and work items often.
func DefaultTTLs() TTLs {
	return TTLs{
		Directory: 5 * time.Minute, Profile: 60 * time.Second, Conversation: 30 * time.Second,
		Item: 60 * time.Second, Task: 30 * time.Second, Knowledge: 5 * time.Minute,
		Admin: 60 * time.Second, NotFound: 10 * time.Second,
	}
}

func (t TTLs) of(c Class) time.Duration {
	return [numClasses]time.Duration{t.Directory, t.Profile, t.Conversation, t.Item, t.Task, t.Knowledge, t.Admin}[c]
}

// Store reads Gladly through the response cache: one cache round trip per batch, misses fetched
// with bounded concurrency and collapsed across concurrent requests (singleflight), answers
// written back in one round trip with TTL + jitter, 404s and merges cached too.
type Store struct {
	cache       Cache
	ttl         TTLs
	concurrency int
	flights     flightGroup
	disabled    bool // naive mode: no shared cache, no collapsing
}

// DefaultFetchConcurrency: see WithFetchConcurrency.
const DefaultFetchConcurrency = 100

// StoreOption configures a Store.
type StoreOption func(*Store)

// WithTTLs sets the TTL per class.
func WithTTLs(t TTLs) StoreOption { return func(s *Store) { s.ttl = t } }

// WithFetchConcurrency bounds the Gladly calls one batch makes at once (default 100). The
// client's rate limiter is what paces them: this bound only caps the goroutines of one batch, so
// that a batch of 100 entities costs one round trip rather than 100 ÷ n.
func WithFetchConcurrency(n int) StoreOption { return func(s *Store) { s.concurrency = max(n, 1) } }

// WithoutCache makes every read go to Gladly (the benchmark's naive mode).
func WithoutCache() StoreOption { return func(s *Store) { s.disabled = true } }

// NewStore returns a Store over cache.
func NewStore(cache Cache, opts ...StoreOption) *Store {
	s := &Store{cache: cache, ttl: DefaultTTLs(), concurrency: DefaultFetchConcurrency}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Cache returns the cache under the store.
func (s *Store) Cache() Cache { return s.cache }

// TTL returns the lifetime of class.
func (s *Store) TTL(c Class) time.Duration { return s.ttl.of(c) }

// fetched is one answer from Gladly as the cache keeps it.
type fetched struct {
	Body     []byte   // the JSON Gladly sent (an object or a list)
	Limited  bool     // a capped list (Gladly-Limited-Data)
	NotFound bool     // 404
	MovedTo  string   // 301: the customer now has this id
	Tags     []string // objects the answer holds, besides the key itself

	value any // the decoded value, on a fresh fetch (a hit decodes Body)
}

// Encoding of cached values: one kind byte, then the payload.
const (
	kindValue    = 'v'
	kindLimited  = 'L'
	kindNotFound = 'n'
	kindMoved    = 'm'
)

func (f fetched) encode() []byte {
	switch {
	case f.NotFound:
		return []byte{kindNotFound}
	case f.MovedTo != "":
		return append([]byte{kindMoved}, f.MovedTo...)
	case f.Limited:
		return append([]byte{kindLimited}, f.Body...)
	}
	return append([]byte{kindValue}, f.Body...)
}

func decodeFetched(b []byte) (fetched, bool) {
	if len(b) == 0 {
		return fetched{}, false
	}
	switch b[0] {
	case kindNotFound:
		return fetched{NotFound: true}, true
	case kindMoved:
		return fetched{MovedTo: string(b[1:])}, true
	case kindLimited:
		return fetched{Body: b[1:], Limited: true}, true
	case kindValue:
		return fetched{Body: b[1:]}, true
	}
	return fetched{}, false
}

// fetchFunc fetches one key from Gladly.
type fetchFunc func(ctx context.Context, key string) (fetched, error)

// flightTimeout bounds a collapsed fetch: it outlives any one caller's cancellation while others
// still wait on it (see flightGroup), but not forever.
const flightTimeout = 30 * time.Second

// getMany returns the answers for keys of one class, in order. A key's error is set when Gladly
// could not answer it (not for a 404, which is an answer).
func (s *Store) getMany(ctx context.Context, class Class, keys []string, fetch fetchFunc) ([]fetched, []error) {
	out := make([]fetched, len(keys))
	errs := make([]error, len(keys))
	stats := StatsFrom(ctx)
	ttl := s.ttl.of(class)
	stats.ObserveTTL(ttl)
	readSetFrom(ctx).observeTTL(ttl)

	if s.disabled || ttl <= 0 { // a class with no TTL is not cached
		stats.AddCacheMisses(len(keys))
		s.fetchEach(len(keys), func(i int) { out[i], errs[i] = fetch(ctx, keys[i]) })
		return out, errs
	}

	vals, at := s.cacheGet(ctx, class, keys)
	var missing []int
	for i := range keys {
		if f, ok := decodeFetched(vals[i]); ok {
			out[i] = f
			continue
		}
		missing = append(missing, i)
	}
	stats.AddCacheHits(len(keys) - len(missing))
	stats.AddCacheMisses(len(missing))
	if len(missing) == 0 {
		return out, errs
	}

	s.fetchEach(len(missing), func(j int) {
		i := missing[j]
		out[i], errs[i] = s.flight(ctx, class, keys[i], fetch)
	})

	entries := make([]Entry, 0, len(missing))
	for _, i := range missing {
		if errs[i] != nil {
			continue
		}
		life := ttl
		if out[i].NotFound {
			life = s.ttl.NotFound
		}
		entries = append(entries, Entry{
			Key: keys[i], Value: out[i].encode(), TTL: jitter(life),
			Tags: append([]string{keys[i]}, out[i].Tags...),
		})
	}
	s.cacheSet(ctx, class, at, entries)
	return out, errs
}

// cacheGet reads keys in one round trip, traced; a failing cache reads as all misses.
func (s *Store) cacheGet(ctx context.Context, class Class, keys []string) ([][]byte, Stamp) {
	ctx, span := startSpan(ctx, "cache.get", attribute.String("gladgraph.loader.class", class.String()),
		attribute.Int("gladgraph.cache.keys", len(keys)))
	defer span.End()
	vals, at, err := s.cache.Get(ctx, keys)
	if err != nil {
		failSpan(span, "cache unavailable")
	}
	if len(vals) != len(keys) {
		vals = make([][]byte, len(keys))
	}
	hits := 0
	for _, v := range vals {
		if v != nil {
			hits++
		}
	}
	span.SetAttributes(attribute.Int("gladgraph.cache.hits", hits))
	return vals, at
}

// cacheSet writes entries back in one round trip, traced; a failed write-back costs only a later miss.
func (s *Store) cacheSet(ctx context.Context, class Class, at Stamp, entries []Entry) {
	if len(entries) == 0 {
		return
	}
	ctx, span := startSpan(ctx, "cache.set", attribute.String("gladgraph.loader.class", class.String()),
		attribute.Int("gladgraph.cache.entries", len(entries)))
	defer span.End()
	if err := s.cache.Set(ctx, at, entries); err != nil {
		failSpan(span, "cache unavailable")
	}
}

// fetchEach runs fetch(0) … fetch(n-1), at most s.concurrency at once, and waits for them all.
func (s *Store) fetchEach(n int, fetch func(i int)) {
	var g errgroup.Group
	g.SetLimit(s.concurrency)
	for i := range n {
		g.Go(func() error { fetch(i); return nil })
	}
	_ = g.Wait()
}

// flight fetches key once for every concurrent caller; each caller stops waiting when its own
// context ends, and the fetch stops when no caller waits any more.
func (s *Store) flight(ctx context.Context, class Class, key string, fetch fetchFunc) (fetched, error) {
	return s.flights.do(ctx, class.String()+"|"+key, flightTimeout, func(fctx context.Context) (fetched, error) {
		return fetch(fctx, key)
	})
}

// Invalidate drops every cached answer holding one of refs' objects.
func (s *Store) Invalidate(ctx context.Context, refs ...Ref) error {
	if s.disabled || len(refs) == 0 {
		return nil
	}
	tags := make([]string, 0, 2*len(refs))
	for _, r := range refs {
		tags = append(tags, r.tags()...)
	}
	ctx, span := startSpan(ctx, "cache.invalidate", attribute.Int("gladgraph.cache.tags", len(tags)))
	defer span.End()
	err := s.cache.Invalidate(ctx, tags)
	if err != nil {
		failSpan(span, "cache unavailable")
	}
	return err
}

// jitter spreads expiries by up to −10 % so that entries written together do not all expire
// (and refetch) together.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d - time.Duration(rand.Int64N(int64(d)/10+1))
}

// gladlyAnswer turns a client result into a cache answer: 404 and 301 are answers, not errors.
func gladlyAnswer(body []byte, resp *gladly.Response, err error, tags ...string) (fetched, error) {
	if err != nil {
		if gladly.IsNotFound(err) {
			return fetched{NotFound: true}, nil
		}
		if to, ok := gladly.IsMoved(err); ok && to != "" {
			return fetched{MovedTo: to}, nil
		}
		return fetched{}, err
	}
	if body == nil {
		return fetched{}, errors.New("gladly answered without a body")
	}
	f := fetched{Body: body, Tags: tags}
	if resp != nil {
		f.Limited = resp.Limited
	}
	return f, nil
}

// errUnexpected wraps a cached value that cannot be decoded (a schema change without a version
// bump): the caller refetches.
func errUnexpected(key string, err error) error {
	return fmt.Errorf("cache: undecodable value for %s: %w", key, err)
}
