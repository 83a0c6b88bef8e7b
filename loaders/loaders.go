// Package loaders batches and caches every read of Gladly a GraphQL request makes: one
// dataloadgen loader per entity, built per request, reading through a response cache shared by
// every request (Redis, or in-process when none is configured).
package loaders

import (
	"context"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/gladgraph/gladgraph/gladly"
)

// Composite keys.
type (
	// ContactLookup finds contacts by exactly one identifier: Field is "email", "phone" or
	// "external".
	ContactLookup struct{ Field, Value string }
	// TasksKey lists a contact's tasks, all or of one status.
	TasksKey struct{ ContactID, Status string }
	// ItemsKey lists a conversation's items, all or of one session.
	ItemsKey struct{ ConversationID, SessionID string }
	// NoteKey names a note of a conversation.
	NoteKey struct{ ConversationID, NoteID string }
	// CommentKey names a comment of a task.
	CommentKey struct{ TaskID, CommentID string }
	// ContentKey names an answer's content in one language and type (Gladly's lower-case type).
	ContentKey struct{ AnswerID, Language, Type string }
	// PublicAnswersKey lists the public answers in a language, optionally for an audience.
	PublicAnswersKey struct{ Language, AudienceID string }
	// PublicAnswerKey names a public answer in a language.
	PublicAnswerKey struct{ AnswerID, Language string }
)

// Loaders is one request's set of loaders. Resolvers get it with For(ctx).
type Loaders struct {
	store    *Store
	client   *gladly.Client
	opts     []dataloadgen.Option
	clearers []func()
	naive    bool // see Naive

	// Contacts loads customer profiles by id; a merged id yields the surviving profile.
	Contacts *dataloadgen.Loader[string, *gladly.Customer]
	// ContactLookups finds profiles by email, phone or external id (Gladly's at most 50).
	ContactLookups *dataloadgen.Loader[ContactLookup, *List[*gladly.Customer]]

	// Users, Groups, Inboxes and Topics load by id from their organization-wide list (one call
	// per request, cached); an id missing from a cached list is fetched on its own.
	Users        *dataloadgen.Loader[string, *gladly.Agent]
	UsersByEmail *dataloadgen.Loader[string, *gladly.Agent]
	Groups       *dataloadgen.Loader[string, *gladly.Team]
	Inboxes      *dataloadgen.Loader[string, *gladly.Inbox]
	Topics       *dataloadgen.Loader[string, *gladly.Topic]
	Audiences    *dataloadgen.Loader[string, *gladly.Audience]

	Conversations        *dataloadgen.Loader[string, *gladly.Conversation]
	ContactConversations *dataloadgen.Loader[string, *List[*gladly.Conversation]]
	Items                *dataloadgen.Loader[string, *gladly.Item]
	ConversationItems    *dataloadgen.Loader[ItemsKey, *List[*gladly.Item]]
	Notes                *dataloadgen.Loader[NoteKey, *gladly.Item]
	Transcripts          *dataloadgen.Loader[string, *gladly.VoiceTranscript]

	Tasks        *dataloadgen.Loader[string, *gladly.Task]
	ContactTasks *dataloadgen.Loader[TasksKey, *List[*gladly.Task]]
	TaskComments *dataloadgen.Loader[string, *List[*gladly.TaskComment]]
	Comments     *dataloadgen.Loader[CommentKey, *gladly.TaskComment]

	Answers           *dataloadgen.Loader[string, *gladly.Answer]
	AnswerContents    *dataloadgen.Loader[ContentKey, *gladly.AnswerContent]
	CustomAttributes  *dataloadgen.Loader[string, *gladly.CustomAttribute]
	PublicAnswerLists *dataloadgen.Loader[PublicAnswersKey, *List[*gladly.PublicAnswer]]
	PublicAnswers     *dataloadgen.Loader[PublicAnswerKey, *gladly.PublicAnswer]

	Webhooks *dataloadgen.Loader[string, *gladly.Webhook]
	// CallRecordings is volatile (it changes as calls start and end): batched per request, never
	// cached across requests.
	CallRecordings *dataloadgen.Loader[string, *gladly.CallRecorder]

	agents, teams, inboxes, topics, audiences, webhooks collection
	org                                                 memo[*gladly.Organization]
	schedules                                           memo[[]*gladly.ExportSchedule]
}

// Factory builds each request's Loaders.
type Factory struct {
	store  *Store
	client *gladly.Client
	wait   time.Duration
	batch  int
	naive  bool
}

// FactoryOption configures a Factory.
type FactoryOption func(*Factory)

// WithWait sets how long a loader collects keys before fetching them (default 0: none). A fixed
// wait was paid by every level of every query, all keys cached or not (1 ms a level: most of a
// warm read's time), and bought nothing upstream: the store calls Gladly key by key whatever the
// batch. What batching still buys, one cache round trip for many keys, the cache does itself
// without a timer (see Coalesced): keys asked for while a read is on the wire share the next one.
func WithWait(d time.Duration) FactoryOption { return func(f *Factory) { f.wait = d } }

// WithBatchCapacity caps the keys of one batch (default 500).
func WithBatchCapacity(n int) FactoryOption { return func(f *Factory) { f.batch = n } }

// Naive makes loaders fetch one key at a time with no per-request memory (organization-wide lists
// are fetched again by every field that needs one), and directory objects (agents, teams,
// inboxes, topics) one by one by id instead of from their organization-wide list: the N+1
// baseline of the benchmark, what resolvers calling Gladly field by field would do. (Pair it
// with a Store built WithoutCache.)
func Naive() FactoryOption { return func(f *Factory) { f.naive = true } }

// IsNaive reports whether these loaders are the N+1 baseline of Naive, which starts nothing ahead
// of the field that needs it either.
func (l *Loaders) IsNaive() bool { return l.naive }

// NewFactory returns a factory of loaders over client and store.
func NewFactory(client *gladly.Client, store *Store, opts ...FactoryOption) *Factory {
	f := &Factory{store: store, client: client, batch: 500}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Client returns the Gladly client the loaders read through: the request's account's.
func (l *Loaders) Client() *gladly.Client { return l.client }

// Store returns the factory's store (mutations invalidate through it).
func (f *Factory) Store() *Store { return f.store }

// New returns a fresh set of loaders for one request.
func (f *Factory) New() *Loaders {
	l := &Loaders{store: f.store, client: f.client, naive: f.naive}
	l.opts = []dataloadgen.Option{dataloadgen.WithWait(f.wait), dataloadgen.WithBatchCapacity(f.batch)}
	if f.naive {
		l.opts = []dataloadgen.Option{dataloadgen.WithWait(0), dataloadgen.WithBatchCapacity(1), dataloadgen.WithoutCache()}
	}
	l.init()
	return l
}

type ctxKey struct{}

// Middleware puts a fresh set of loaders in each request's context.
func (f *Factory) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(f.WithLoaders(r.Context())))
	})
}

// WithLoaders returns ctx carrying a fresh set of loaders.
func (f *Factory) WithLoaders(ctx context.Context) context.Context {
	return context.WithValue(ctx, ctxKey{}, f.New())
}

// For returns the request's loaders. It panics without Middleware: a wiring error, not input.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loaders: no loaders in context (missing loaders middleware)")
	}
	return l
}

// Invalidate drops what a write made stale, from the shared cache and from this request's
// loaders (a mutation's payload then reads the new state).
func (l *Loaders) Invalidate(ctx context.Context, refs ...Ref) error {
	for _, c := range l.clearers {
		c()
	}
	for _, c := range []*collection{&l.agents, &l.teams, &l.inboxes, &l.topics, &l.audiences, &l.webhooks} {
		c.reset()
	}
	l.org.reset()
	l.schedules.reset()
	return l.store.Invalidate(ctx, refs...)
}

// Organization returns the organization (cached as a directory object).
func (l *Loaders) Organization(ctx context.Context) (*gladly.Organization, error) {
	return l.org.get(func() (*gladly.Organization, error) {
		src := source[string, *gladly.Organization]{class: ClassDirectory, key: func(string) string { return key(kindOrganization) },
			fetch: func(ctx context.Context, _ string) (*gladly.Organization, *gladly.Response, error) {
				return l.client.Organization.Get(ctx)
			}}
		vals, _, errs := loadThrough(ctx, l.store, src, []string{""})
		return vals[0], errs[0]
	})
}
