package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gladgraph/gladgraph/loaders"
)

// Cost before execution: an operation's worst-case Gladly calls, estimated from its selection
// before any resolver runs, so that one operation cannot spend the organization's whole budget
// (MAX_OPERATION_UPSTREAM_CALLS). The rules, every cache cold:
//   - a root field is one call; _entities is one call per representation, except that objects
//     of the organization-wide directories (User, Group, Inbox, Topic) cost one list call per
//     type whatever their number;
//   - below the root, a connection or an object Gladly serves by id (Contact, Ticket,
//     Conversation, ConversationItem, Answer…) is one call per parent object; a directory object
//     or connection is one call per operation;
//   - a connection's nodes count first/last (else 20, or the typical size of a small one), other
//     lists 5, _entities its representations: the multipliers of what is below them;
//   - introspection and _service cost nothing.

// The sizes assumed for lists asked for without first/last (a Gladly list comes whole, up to its
// cap) and for value lists; the typical sizes of connections over a few members of a list the
// request holds. Kept apart from the HTTP edge's complexity limits: this prices Gladly calls.
const (
	upstreamConnectionSize = 20
	upstreamListSize       = 5
	callsCap               = 1 << 40 // prices saturate here instead of overflowing
)

var smallUpstreamConnections = map[string]int{
	"Query.contacts": 2, "User.groups": 5, "Group.members": 10, "Topic.children": 5, "Conversation.topics": 5,
	"Answer.audiences": 5, "Ticket.assignees": 1,
}

func addCalls(a, b int) int { return min(a+b, callsCap) }

func mulCalls(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > callsCap/b {
		return callsCap
	}
	return a * b
}

// directoryTypes load through one organization-wide list per request.
var directoryTypes = map[string]bool{
	"User": true, "Group": true, "Inbox": true, "Topic": true, "Audience": true, "Organization": true,
	"UserConnection": true, "GroupConnection": true, "InboxConnection": true, "TopicConnection": true, "AudienceConnection": true,
}

// fetchedTypes are objects a nested field loads by id (one call each, cold).
var fetchedTypes = map[string]bool{
	"Contact": true, "Ticket": true, "Conversation": true, "ConversationItem": true, "Comment": true,
	"Answer": true, "AnswerContent": true, "Webhook": true, "VoiceTranscript": true, "CallRecording": true,
	"CustomAttribute": true, "PublicAnswer": true, "ExportJob": true,
}

// EstimateUpstreamCalls returns the worst-case Gladly calls of op's selected operation. The walk
// is made once per operation: the budget and the caller's share both ask (kept in op's stats).
func EstimateUpstreamCalls(op *graphql.OperationContext) int {
	if op == nil || op.Operation == nil {
		return 0
	}
	if n, ok := op.Stats.GetExtension(estimateKey).(int); ok {
		return n
	}
	e := upstreamEstimator{doc: op.Doc, vars: op.Variables, dirs: map[string]bool{}}
	n := e.selections(op.Operation.SelectionSet, 1, true)
	op.Stats.SetExtension(estimateKey, n)
	return n
}

// estimateKey keeps an operation's estimate in its stats.
const estimateKey = "gladgraph.upstreamEstimate"

type upstreamEstimator struct {
	doc  *ast.QueryDocument
	vars map[string]any
	dirs map[string]bool // directory types already priced
	seen int
}

func (e *upstreamEstimator) selections(set ast.SelectionSet, m int, root bool) int {
	calls, alternatives := 0, 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			calls = addCalls(calls, e.field(s, m, root))
		case *ast.InlineFragment:
			c := e.selections(s.SelectionSet, m, root)
			if s.TypeCondition != "" && s.ObjectDefinition != nil && s.ObjectDefinition.Name != s.TypeCondition {
				alternatives = max(alternatives, c)
			} else {
				calls = addCalls(calls, c)
			}
		case *ast.FragmentSpread:
			if e.seen++; e.seen > 10000 {
				return callsCap
			}
			if f := e.doc.Fragments.ForName(s.Name); f != nil {
				c := e.selections(f.SelectionSet, m, root)
				if s.ObjectDefinition != nil && s.ObjectDefinition.Name != f.TypeCondition {
					alternatives = max(alternatives, c)
				} else {
					calls = addCalls(calls, c)
				}
			}
		}
	}
	return addCalls(calls, alternatives)
}

func (e *upstreamEstimator) field(f *ast.Field, m int, root bool) int {
	if strings.HasPrefix(f.Name, "__") || f.Name == "_service" || f.Definition == nil {
		return 0
	}
	typ := f.Definition.Type
	named := typ.Name()
	args := f.ArgumentMap(e.vars)
	if f.Name == "_entities" {
		return e.entities(f, args)
	}
	self, below := 0, m
	parent := ""
	if f.ObjectDefinition != nil {
		parent = f.ObjectDefinition.Name
	}
	inList := strings.HasSuffix(parent, "Connection") || strings.HasSuffix(parent, "Edge")
	switch {
	case inList:
		// A connection's nodes and edges came with its list call.
	case root:
		self = m
	case directoryTypes[named]:
		if !e.dirs[named] {
			e.dirs[named] = true
			self = 1
		}
	case strings.HasSuffix(named, "Connection") || fetchedTypes[named]:
		self = m
	}
	switch {
	case strings.HasSuffix(named, "Connection"):
		below = mulCalls(m, connectionSize(f, args))
	case inList:
		below = m // the connection already multiplied
	case typ.Elem != nil:
		below = mulCalls(m, upstreamListSize)
	}
	if len(f.SelectionSet) == 0 {
		return self
	}
	return addCalls(self, e.selections(f.SelectionSet, below, false))
}

// entities prices _entities: one call per representation of a type served by id, one per
// directory type.
func (e *upstreamEstimator) entities(f *ast.Field, args map[string]any) int {
	reps, _ := args["representations"].([]any)
	calls, byID := 0, 0
	for _, r := range reps {
		obj, _ := r.(map[string]any)
		tn, _ := obj["__typename"].(string)
		if directoryTypes[tn] {
			if !e.dirs[tn] {
				e.dirs[tn] = true
				calls++
			}
			continue
		}
		byID++
	}
	calls = addCalls(calls, byID)
	return addCalls(calls, e.selections(f.SelectionSet, max(len(reps), 1), false))
}

// connectionSize is how many nodes a connection field yields at most.
func connectionSize(f *ast.Field, args map[string]any) int {
	for _, a := range []string{"first", "last"} {
		if n, ok := toInt(args[a]); ok && n >= 0 {
			return n
		}
	}
	if f.ObjectDefinition != nil {
		if n, ok := smallUpstreamConnections[f.ObjectDefinition.Name+"."+f.Name]; ok {
			return n
		}
	}
	return upstreamConnectionSize
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(min(n, callsCap)), true
	case float64:
		return int(min(n, callsCap)), true
	}
	return 0, false
}

// UpstreamBudget is the gqlgen extension refusing, after validation and before any resolver
// runs, an operation whose estimated Gladly calls exceed Max (MAX_OPERATION_UPSTREAM_CALLS):
// OPERATION_TOO_EXPENSIVE with the estimate and the budget in extensions. Max ≤ 0 refuses
// nothing. Mount it with handler.Use(graph.UpstreamBudget{Max: n}).
type UpstreamBudget struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = UpstreamBudget{}

func (UpstreamBudget) ExtensionName() string                   { return "GladgraphUpstreamBudget" }
func (UpstreamBudget) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext refuses an operation over the budget.
func (b UpstreamBudget) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if b.Max <= 0 {
		return nil
	}
	n := EstimateUpstreamCalls(op)
	if n <= b.Max {
		return nil
	}
	err := gqlerror.Errorf("the operation may cost up to %d Gladly calls; at most %d are allowed per operation (ask for fewer objects or fewer representations)", n, b.Max)
	err.Extensions = map[string]any{"code": CodeOperationTooExpensive, "estimatedUpstreamCalls": n, "maxUpstreamCalls": b.Max}
	return err
}

// CallerShare is the gqlgen extension that runs each query and mutation on its caller's share of
// the account's Gladly calls (CALLER_UPSTREAM_RATE, loaders.CallerLimiter.Admit): the operation's
// estimated calls, at most the share's burst, are reserved whole at its first Gladly call, and what
// it does not use (its cache hits) is given back when it ends. An operation whose calls are not
// due gets RATE_LIMITED with retryAfterSeconds on every field that needed Gladly, never on some of
// them only; what it read from the cache comes back. Without a caller limiter in the context (the
// share off) it does nothing. Subscriptions are admitted by their events' fetches, call by call.
type CallerShare struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = CallerShare{}

func (CallerShare) ExtensionName() string                   { return "GladgraphCallerShare" }
func (CallerShare) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation runs the operation on its share.
func (CallerShare) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	l := loaders.CallerLimiterFrom(ctx)
	op := graphql.GetOperationContext(ctx)
	if l == nil || op == nil || op.Operation == nil || op.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	ctx, done := l.Admit(ctx, EstimateUpstreamCalls(op))
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		r := h(ctx)
		if r == nil || r.HasNext == nil || !*r.HasNext { // the operation's last response
			done()
		}
		return r
	}
}
