package gqlhttp

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// introspectionSwitch allows or refuses __schema and __type, and bounds the schema-sized root
// fields (_service, __schema, __type) of every operation. gqlgen has one switch for introspection
// and federation's _service, and routers need _service whatever the setting: with introspection
// off, an operation that selects __schema or __type is refused before execution as a validation
// failure (the client asked for something this server does not offer: not a server error, and
// not worth more than a debug line), and any other operation runs with introspection on so that
// _service answers.
type introspectionSwitch struct {
	enabled bool
	log     zerolog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionSwitch{}

// maxMetaFields is how many response keys one operation may give each of _service, __schema and
// __type. Each answers the whole schema (about 110 KB of SDL, or the full introspection) without
// costing a Gladly call, so aliases multiply a small request into a large answer and seconds of
// CPU: 50 aliased _service fields turned a 1.1 KB request into 5.5 MB.
const maxMetaFields = 2

// metaFieldVisits bounds the selections the count follows (fragments spread into fragments can
// fan out exponentially; validation has refused cycles only).
const metaFieldVisits = 10_000

func (introspectionSwitch) ExtensionName() string                   { return "GladgraphIntrospection" }
func (introspectionSwitch) Validate(graphql.ExecutableSchema) error { return nil }

func (s introspectionSwitch) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	keys, over := rootMetaFields(op.Operation.SelectionSet)
	if over {
		return limitError("the operation selects its root fields too many times through fragments")
	}
	for _, name := range []string{"_service", "__schema", "__type"} {
		if n := len(keys[name]); n > maxMetaFields {
			return limitError("the operation selects %s %d times; at most %d are allowed per operation", name, n, maxMetaFields)
		}
	}
	introspects := len(keys["__schema"]) > 0 || len(keys["__type"]) > 0
	if !s.enabled && introspects {
		s.log.Debug().Str("operation", op.OperationName).Msg("graphql: introspection refused (GRAPHQL_INTROSPECTION is off)")
		err := gqlerror.Errorf("introspection is disabled")
		errcode.Set(err, errcode.ValidationFailed)
		return err
	}
	op.DisableIntrospection = false // _service, and __schema/__type when enabled
	return nil
}

// rootMetaFields returns, for each of _service, __schema and __type, the distinct response keys
// (alias, else name) the root selection set gives it, following fragments; fields sharing a
// response key merge into one and are executed once. over reports that the walk was cut short.
func rootMetaFields(set ast.SelectionSet) (keys map[string]map[string]bool, over bool) {
	keys = map[string]map[string]bool{}
	visits := 0
	var walk func(ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			if visits++; visits > metaFieldVisits {
				return false
			}
			switch s := sel.(type) {
			case *ast.Field:
				if s.Name == "_service" || s.Name == "__schema" || s.Name == "__type" {
					if keys[s.Name] == nil {
						keys[s.Name] = map[string]bool{}
					}
					keys[s.Name][s.Alias] = true
				}
			case *ast.InlineFragment:
				if !walk(s.SelectionSet) {
					return false
				}
			case *ast.FragmentSpread:
				if s.Definition != nil && !walk(s.Definition.SelectionSet) {
					return false
				}
			}
		}
		return true
	}
	return keys, !walk(set)
}

// rulesWithoutSuggestions are the validation rules with none of the "Did you mean …?" hints that
// name the schema's fields, arguments, types and enum values: with introspection off, a client
// must not learn the schema from its mistakes. (gqlgen swaps the field and scalar-leaf rules
// itself under SetDisableSuggestion; the others are swapped here.)
func rulesWithoutSuggestions() *rules.Rules {
	r := rules.NewDefaultRules()
	for _, swap := range []struct {
		name string
		rule core.Rule
	}{
		{"KnownArgumentNames", rules.KnownArgumentNamesRuleWithoutSuggestions},
		{"KnownTypeNames", rules.KnownTypeNamesRuleWithoutSuggestions},
		{"ValuesOfCorrectType", rules.ValuesOfCorrectTypeRuleWithoutSuggestions},
	} {
		r.RemoveRule(swap.name)
		r.AddRule(swap.rule.Name, swap.rule.RuleFunc)
	}
	return r
}
