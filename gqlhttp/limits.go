package gqlhttp

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
)

// Limits bound what one operation may ask for; a refused operation costs no upstream call.
type Limits struct {
	// MaxComplexity bounds the estimated number of objects an operation resolves (see cost).
	MaxComplexity int
	// MaxDepth bounds the nesting of selections (introspection fields excepted).
	MaxDepth int
	// MaxEntities bounds the representations of one _entities call.
	MaxEntities int
	// MaxAliases bounds the aliased fields of one document (alias bombs: the same expensive
	// field asked for under many names).
	MaxAliases int
	// MaxTokens bounds the lexical tokens of one document; it is checked before the document is
	// parsed or validated, so a huge document costs a scan, never a parse.
	MaxTokens int
	// MaxUpstreamCalls bounds the Gladly calls an operation may cost, estimated before
	// execution (graph.EstimateUpstreamCalls; MAX_OPERATION_UPSTREAM_CALLS); 0: no bound.
	MaxUpstreamCalls int
}

// The sizes assumed for lists asked for without first/last: a Gladly list is returned whole (up to
// its cap), so an unbounded connection is priced as large; value lists (emails, attachments…) are
// short.
const (
	defaultConnectionSize = 20
	defaultListSize       = 5
)

// smallConnections are connections over a few members of a list the request already holds (a
// user's teams, a team's members, a topic's children…) or lookups that find one or two objects
// (contacts by email): priced at their typical size.
var smallConnections = map[string]int{
	"Query.contacts": 2,
	"User.groups":    5, "Group.members": 10, "Topic.children": 5, "Conversation.topics": 5,
	"Answer.audiences": 5, "Ticket.assignees": 1, "TopicChangeContent.addedTopics": 3,
	"TopicChangeContent.removedTopics": 3,
}

// limitsExtension refuses, after validation and before execution, operations too deep or too
// complex (documentScan has refused documents with too many tokens or aliases before parsing).
type limitsExtension struct{ Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = limitsExtension{}

// maxNameLength bounds the names (fields, arguments, variables, fragments…) of a document: no
// name of the schema comes near it.
const maxNameLength = 256

// documentScan scans a request's document, without parsing it, before automatic persisted
// queries look at it: a document over MaxTokens is refused once the scan passes the limit, and
// aliases are counted on the way (a name followed by a colon outside parentheses, where
// arguments and variable definitions live). Running before APQ, it keeps a refused document out
// of the APQ store; a document sent by hash only is one that passed this scan when it was stored.
// A document the lexer cannot read is left for the parser to report.
type documentScan struct{ Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentScan{}

func (documentScan) ExtensionName() string                   { return "GladgraphDocumentScan" }
func (documentScan) Validate(graphql.ExecutableSchema) error { return nil }
func (l documentScan) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	return l.scan(p.Query)
}

// scan checks a document's tokens, aliases and names against the limits.
func (l Limits) scan(query string) *gqlerror.Error {
	if l.MaxTokens <= 0 && l.MaxAliases <= 0 {
		return nil
	}
	lex := lexer.New(&ast.Source{Input: query})
	tokens, aliases, parens := 0, 0, 0
	prevName := false
	for {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return nil
		}
		if tok.Kind == lexer.Comment {
			continue
		}
		if tokens++; l.MaxTokens > 0 && tokens > l.MaxTokens {
			return limitError("the document has more than %d tokens; send a smaller operation", l.MaxTokens)
		}
		if tok.Kind == lexer.Name && len(tok.Value) > maxNameLength {
			// Validation would echo the name back and compute suggestions from it.
			return limitError("the document has a name longer than %d characters", maxNameLength)
		}
		switch tok.Kind {
		case lexer.ParenL:
			parens++
		case lexer.ParenR:
			parens = max(parens-1, 0)
		case lexer.Colon:
			if prevName && parens == 0 {
				if aliases++; l.MaxAliases > 0 && aliases > l.MaxAliases {
					return limitError("the document has more than %d aliased fields; at most %d are allowed", l.MaxAliases, l.MaxAliases)
				}
			}
		}
		prevName = tok.Kind == lexer.Name
	}
}

func (limitsExtension) ExtensionName() string                   { return "GladgraphLimits" }
func (limitsExtension) Validate(graphql.ExecutableSchema) error { return nil }
func (l limitsExtension) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	w := walker{doc: op.Doc, vars: op.Variables, limits: l.Limits}
	cost := w.selections(op.Operation.SelectionSet, 1)
	if w.err != nil {
		return w.err
	}
	if l.MaxDepth > 0 && w.maxDepth > l.MaxDepth {
		return limitError("the operation is nested %d levels deep; at most %d are allowed", w.maxDepth, l.MaxDepth)
	}
	if l.MaxComplexity > 0 && cost > l.MaxComplexity {
		return limitError("the operation's complexity is %d; at most %d is allowed (ask for fewer items with first/last, or fewer fields)", cost, l.MaxComplexity)
	}
	return nil
}

func limitError(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	errcode.Set(err, errcode.ValidationFailed)
	return err
}

// walker prices a selection set: each field costs 1 plus its children's cost times the number of
// items it returns (first/last of a connection, the representations of _entities, an assumed size
// for other lists), fragments expanded.
type walker struct {
	doc      *ast.QueryDocument
	vars     map[string]any
	limits   Limits
	maxDepth int
	err      *gqlerror.Error
	seen     int // fragment spreads followed, bounding pathological documents
}

func (w *walker) selections(set ast.SelectionSet, depth int) int {
	// Fragments on a type other than the field's own are alternatives (an item's content is one
	// member of its union): they count as the most expensive of them, not their sum.
	cost, alternatives := 0, 0
	for _, sel := range set {
		if w.err != nil {
			return cost
		}
		switch s := sel.(type) {
		case *ast.Field:
			cost = addCost(cost, w.field(s, depth))
		case *ast.InlineFragment:
			c := w.selections(s.SelectionSet, depth)
			if s.TypeCondition != "" && s.ObjectDefinition != nil && s.ObjectDefinition.Name != s.TypeCondition {
				alternatives = max(alternatives, c)
			} else {
				cost = addCost(cost, c)
			}
		case *ast.FragmentSpread:
			if w.seen++; w.seen > 10000 {
				w.err = limitError("the operation spreads fragments too many times")
				return cost
			}
			if f := w.doc.Fragments.ForName(s.Name); f != nil {
				c := w.selections(f.SelectionSet, depth)
				if s.ObjectDefinition != nil && s.ObjectDefinition.Name != f.TypeCondition {
					alternatives = max(alternatives, c)
				} else {
					cost = addCost(cost, c)
				}
			}
		}
	}
	return addCost(cost, alternatives)
}

// costCap is a cost above any limit: prices saturate there instead of overflowing (nested
// first: 2147483647 would otherwise wrap around to a small or negative cost and pass).
const costCap = 1 << 40

func addCost(a, b int) int { return min(a+b, costCap) } // a, b ≤ costCap: no overflow

func mulCost(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > costCap/b {
		return costCap
	}
	return a * b
}

func (w *walker) field(f *ast.Field, depth int) int {
	if strings.HasPrefix(f.Name, "__") {
		return 1 // introspection is priced as one field whatever its depth
	}
	if depth > w.maxDepth {
		w.maxDepth = depth
	}
	if len(f.SelectionSet) == 0 {
		return 1
	}
	n := w.listSize(f)
	if w.err != nil {
		return 0
	}
	return addCost(1, mulCost(n, w.selections(f.SelectionSet, depth+1)))
}

// listSize is how many items a field with a selection returns.
func (w *walker) listSize(f *ast.Field) int {
	if f.Name == "_entities" {
		n := 0
		if reps, ok := f.ArgumentMap(w.vars)["representations"].([]any); ok {
			n = len(reps)
		}
		if w.limits.MaxEntities > 0 && n > w.limits.MaxEntities {
			w.err = limitError("_entities got %d representations; at most %d are allowed per request", n, w.limits.MaxEntities)
		}
		return max(n, 1)
	}
	if f.Definition == nil || f.Definition.Type == nil {
		return 1
	}
	if f.ObjectDefinition != nil && strings.HasSuffix(f.ObjectDefinition.Name, "Connection") {
		return 1 // edges and nodes: the connection field already counted its items
	}
	t := f.Definition.Type
	isConn := strings.HasSuffix(t.Name(), "Connection")
	if !isConn && t.Elem == nil {
		return 1
	}
	size := defaultListSize
	if isConn {
		size = defaultConnectionSize
		if f.ObjectDefinition != nil {
			if n, ok := smallConnections[f.ObjectDefinition.Name+"."+f.Name]; ok {
				size = n
			}
		}
	}
	args := f.ArgumentMap(w.vars)
	for _, name := range []string{"first", "last"} {
		if v, ok := args[name].(int64); ok {
			return int(min(max(v, 1), costCap))
		}
		if v, ok := args[name].(int); ok {
			return min(max(v, 1), costCap)
		}
	}
	return size
}

// String describes the limits (for logs).
func (l Limits) String() string {
	return fmt.Sprintf("complexity ≤ %d, depth ≤ %d, entities ≤ %d, aliases ≤ %d, tokens ≤ %d, Gladly calls ≤ %d", l.MaxComplexity, l.MaxDepth, l.MaxEntities, l.MaxAliases, l.MaxTokens, l.MaxUpstreamCalls)
}
