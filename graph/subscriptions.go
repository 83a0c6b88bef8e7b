package graph

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph/model"
	"github.com/gladgraph/gladgraph/loaders"
)

// EventSource is where subscriptions read Gladly's events: an *eventbus.Bus. Its publisher has
// invalidated what each event made stale before publishing it (see package eventbus), so the
// loaders an event's objects are read through never see the state before the event.
type EventSource interface {
	Subscribe(ctx context.Context, account, after string, f eventbus.Filter) (*eventbus.Subscription, error)
}

// LoaderSource puts a fresh set of loaders in a context: a *loaders.Factory, or whatever picks
// the caller's account's factory.
type LoaderSource interface {
	WithLoaders(ctx context.Context) context.Context
}

// WithEvents makes the resolver serve the Subscription fields from src. Without it they refuse.
func (r *Resolver) WithEvents(src EventSource) *Resolver {
	r.events = src
	return r
}

// SubscriptionEvents is the gqlgen extension subscriptions need (srv.Use it on the handler
// serving WebSocket and SSE):
//   - each event is resolved with a fresh set of loaders from Loaders. The loaders of the
//     request that opened the subscription (a WebSocket's upgrade request lives as long as the
//     connection) would serve every later event what the first one read.
//   - a subscription that ends for a reason the client must know (a slow consumer, its
//     lifetime, shutdown) sends that error as its last response before completing.
type SubscriptionEvents struct{ Loaders LoaderSource }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = SubscriptionEvents{}

func (SubscriptionEvents) ExtensionName() string                   { return "SubscriptionEvents" }
func (SubscriptionEvents) Validate(graphql.ExecutableSchema) error { return nil }

func (x SubscriptionEvents) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return next(ctx)
	}
	st := &streamState{}
	responses := next(context.WithValue(ctx, streamStateKey{}, st))
	return func(ctx context.Context) *graphql.Response {
		if st.over() {
			return nil
		}
		// Fresh loaders for the next event; they stay empty until the event has arrived.
		resp := responses(x.Loaders.WithLoaders(ctx))
		if resp == nil {
			if err := st.end(); err != nil {
				return &graphql.Response{Errors: gqlerror.List{presentEnd(err)}}
			}
		}
		return resp
	}
}

// streamState carries why a subscription ended from its resolver to SubscriptionEvents.
type streamState struct {
	mu   sync.Mutex
	err  error
	done bool
}

type streamStateKey struct{}

func (s *streamState) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

// end returns the error to send, once; afterwards the stream is over.
func (s *streamState) end() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	err := s.err
	s.err = nil
	return err
}

func (s *streamState) over() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done
}

// Codes of subscription refusals and ends (extensions.code).
const (
	CodeUnauthenticated      = "UNAUTHENTICATED"
	CodeTooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS"
	CodeSubscriptionEnded    = "SUBSCRIPTION_ENDED"
)

// codedError is an error whose code and message a client sees as they are.
type codedError struct {
	code, msg string
	ext       map[string]any
}

func (e *codedError) Error() string { return e.msg }

// endReasons name why a subscription ended (extensions.reason).
var endReasons = map[error]string{
	eventbus.ErrSlowConsumer: "SLOW_CONSUMER",
	eventbus.ErrLifetime:     "MAX_LIFETIME",
	eventbus.ErrIdle:         "IDLE_TIMEOUT",
	eventbus.ErrClosed:       "SHUTTING_DOWN",
	eventbus.ErrUnavailable:  "EVENT_LOG_UNAVAILABLE",
}

// subscribeError maps the bus's refusals to what the client sees.
func subscribeError(err error) error {
	switch {
	case errors.Is(err, eventbus.ErrBadCursor):
		return errBadInput("after: not a cursor of this subscription")
	case errors.Is(err, eventbus.ErrCursorExpired):
		return errBadInput("after: " + eventbus.ErrCursorExpired.Error())
	case errors.Is(err, eventbus.ErrTooManySubscriptions):
		return &codedError{code: CodeTooManySubscriptions, msg: strings.TrimPrefix(err.Error(), "eventbus: ")}
	}
	return endError(err)
}

func endError(err error) error {
	for e, reason := range endReasons {
		if errors.Is(err, e) {
			return &codedError{code: CodeSubscriptionEnded, msg: e.Error(), ext: map[string]any{"reason": reason}}
		}
	}
	return err
}

// presentEnd is the last response of a subscription that ended with err.
func presentEnd(err error) *gqlerror.Error {
	var ce *codedError
	if !errors.As(endError(err), &ce) {
		ce = &codedError{code: CodeSubscriptionEnded, msg: "subscription ended: internal error; resubscribe after the last cursor received", ext: map[string]any{"reason": "INTERNAL"}}
	}
	ext := map[string]any{"code": ce.code}
	for k, v := range ce.ext {
		ext[k] = v
	}
	return &gqlerror.Error{Message: ce.msg, Extensions: ext}
}

// family is a group of Gladly event types delivered by one Subscription field.
type family struct {
	scope string
	wrap  func(*model.LiveEvent) model.GladlyEvent
}

var (
	famConversation = &family{caller.ConversationsRead, func(e *model.LiveEvent) model.GladlyEvent { return &model.ConversationEvent{LiveEvent: e} }}
	famChannel      = &family{caller.ConversationsRead, func(e *model.LiveEvent) model.GladlyEvent { return &model.ChannelContactEvent{LiveEvent: e} }}
	famAutomation   = &family{caller.ConversationsRead, func(e *model.LiveEvent) model.GladlyEvent { return &model.AutomationEvent{LiveEvent: e} }}
	famPayment      = &family{caller.ConversationsRead, func(e *model.LiveEvent) model.GladlyEvent { return &model.PaymentRequestEvent{LiveEvent: e} }}
	famContact      = &family{caller.ContactsRead, func(e *model.LiveEvent) model.GladlyEvent { return &model.ContactEvent{LiveEvent: e} }}
	famTicket       = &family{caller.TicketsRead, func(e *model.LiveEvent) model.GladlyEvent { return &model.TicketEvent{LiveEvent: e} }}
	famUser         = &family{caller.DirectoryRead, func(e *model.LiveEvent) model.GladlyEvent { return &model.UserEvent{LiveEvent: e} }}
	famExportJob    = &family{caller.AdminRead, func(e *model.LiveEvent) model.GladlyEvent { return &model.ExportJobEvent{LiveEvent: e} }}
)

// familyOf is the family of a Gladly event type, by the part before its "/".
func familyOf(gladlyType string) *family {
	prefix, _, _ := strings.Cut(gladlyType, "/")
	switch prefix {
	case "CONVERSATION", "CONVERSATION_ASSIGNEE", "CONVERSATION_STATUS":
		return famConversation
	case "CONTACT":
		return famChannel
	case "AUTOMATION", "CUSTOM_CHANNEL":
		return famAutomation
	case "PAYMENT_REQUEST":
		return famPayment
	case "CUSTOMER", "CUSTOMER_PROFILE":
		return famContact
	case "TASK":
		return famTicket
	case "AGENT_STATUS", "AGENT_AVAILABILITY":
		return famUser
	case "EXPORT_JOB":
		return famExportJob
	}
	return nil
}

// request is one Subscription field's arguments.
type request struct {
	fam    *family // nil: every family (the events field)
	types  []model.GladlyEventType
	filter eventbus.Filter
	after  *string
}

// open checks the caller may have what r asks for and subscribes, delivering each event as its
// family's GraphQL type (T is that type, or model.GladlyEvent for the events field).
func open[T model.GladlyEvent](ctx context.Context, res *Resolver, r request) (<-chan T, error) {
	st, _ := ctx.Value(streamStateKey{}).(*streamState)
	if st == nil || res.events == nil {
		return nil, &internalError{cause: "subscriptions are not wired: the handler needs graph.SubscriptionEvents and Resolver.WithEvents"}
	}
	c := caller.From(ctx)
	if c == nil || c.AccountID == "" {
		return nil, &codedError{code: CodeUnauthenticated, msg: "subscriptions need an authenticated caller"}
	}
	types, err := allowedTypes(c, r)
	if err != nil {
		return nil, err
	}
	f := r.filter
	f.Types = types
	after := ""
	if r.after != nil {
		after = *r.after
	}
	sub, err := res.events.Subscribe(ctx, c.AccountID, after, f)
	if err != nil {
		return nil, subscribeError(err)
	}
	out := make(chan T)
	go func() {
		defer close(out)
		for d := range sub.C {
			fam := familyOf(d.Event.Type)
			if fam == nil {
				continue
			}
			ev, ok := fam.wrap(model.NewLiveEvent(d.Event, d.Cursor.String())).(T)
			if !ok {
				continue // the filter let through only r.fam's types; never another family
			}
			select {
			case out <- ev:
			case <-ctx.Done():
			}
		}
		if err := sub.Err(); err != nil {
			st.fail(err)
		}
	}()
	return out, nil
}

// allowedTypes are the Gladly types r delivers to c, or the refusal: a family needs its read
// scope, every family and every organization-wide subscription admin:read too.
func allowedTypes(c *caller.Caller, r request) (map[string]bool, error) {
	var need []string
	if r.fam != nil {
		need = append(need, r.fam.scope)
	}
	if r.fam == nil || r.filter.OrganizationWide() {
		need = append(need, caller.AdminRead)
	}
	for _, s := range need {
		if !c.Has(s) {
			what := "this subscription"
			if s == caller.AdminRead && r.fam != nil {
				what = "an organization-wide subscription (no contact, conversation, ticket or user named)"
			}
			return nil, &codedError{code: CodeUnauthorizedField, msg: what + " needs the " + s + " scope"}
		}
	}
	types := map[string]bool{}
	for _, t := range r.types {
		name := t.GladlyName()
		fam := familyOf(name)
		switch {
		case r.fam != nil && fam != r.fam:
			return nil, errBadInput("types: " + string(t) + " is not delivered by this field")
		case !c.Has(fam.scope):
			return nil, &codedError{code: CodeUnauthorizedField, msg: "events of type " + string(t) + " need the " + fam.scope + " scope"}
		}
		types[name] = true
	}
	if len(types) == 0 {
		for _, t := range model.AllGladlyEventType {
			name := t.GladlyName()
			if fam := familyOf(name); (r.fam == nil || fam == r.fam) && c.Has(fam.scope) {
				types[name] = true
			}
		}
	}
	return types, nil
}

// Objects of events, read through the event's own loaders (see SubscriptionEvents).

func eventContact(ctx context.Context, id string) (*model.Contact, error) {
	if id == "" {
		return nil, nil
	}
	c, err := loaders.For(ctx).Contacts.Load(ctx, id)
	return model.NewContact(c), err
}

func eventConversation(ctx context.Context, id string) (*model.Conversation, error) {
	if id == "" {
		return nil, nil
	}
	c, err := loaders.For(ctx).Conversations.Load(ctx, id)
	return model.NewConversation(c), err
}

func eventUser(ctx context.Context, id string) (*model.User, error) {
	if id == "" {
		return nil, nil
	}
	u, err := loaders.For(ctx).Users.Load(ctx, id)
	return model.NewUser(u), err
}

func eventItem(ctx context.Context, id string) (*model.ConversationItem, error) {
	if id == "" {
		return nil, nil
	}
	it, err := loaders.For(ctx).Items.Load(ctx, id)
	return model.NewConversationItem(it), err
}

// contactOf is the event's customer: the surviving one of a merge.
func contactOf(ids gladly.EventIDs) string {
	if ids.DestinationCustomerID != "" {
		return ids.DestinationCustomerID
	}
	return ids.CustomerID
}
