package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/schema"
)

// Authorization: the SDL declares who may read what with Federation's @requiresScopes, on root
// fields and on the object types that carry Gladly data, so a Router or Hive Gateway enforces the
// same rules gladgraph does. gladgraph enforces them itself on every field it resolves: a field
// whose own scopes, or whose type's scopes, the caller lacks resolves to null with an
// UNAUTHORIZED_FIELD_OR_TYPE error at its path before its resolver runs, so it costs no Gladly
// call, and the rest of the operation resolves. `_entities` is checked per representation.

// CodeUnauthorizedField is the extensions.code of a field the caller's scopes do not reach
// (DESIGN.md §8), as Apollo's router names it.
const CodeUnauthorizedField = "UNAUTHORIZED_FIELD_OR_TYPE"

// CodeForbidden is the extensions.code of _service and _entities asked without the router's
// secret when ROUTER_SECRET is set.
const CodeForbidden = "FORBIDDEN"

// Access enforces the schema's @requiresScopes for the caller in the request's context
// (caller.From). A request without a caller is refused every scoped field: the edge puts one in
// every request it authenticates, so a missing caller is a wiring mistake, never an open door.
type Access struct {
	fields map[*ast.FieldDefinition]schema.Requirement
	types  map[string]schema.Requirement
	// byName finds a field's schema.Requirement by "Type.field" (prefetching asks by name).
	byName map[string]schema.Requirement
	// routerOnly: _service and _entities answer only requests that carried ROUTER_SECRET.
	routerOnly bool
}

// AccessOptions tune Access.
type AccessOptions struct {
	// RouterSecretSet makes _service and _entities answer only requests the edge marked with
	// caller.WithRouter.
	RouterSecretSet bool
}

// NewAccess reads the requirements of every field of the schema: the field's own
// @requiresScopes and that of the type it returns (for a union, of every member).
func NewAccess(opts AccessOptions) *Access {
	return newAccess(publicSchema(), opts)
}

func newAccess(s *ast.Schema, opts AccessOptions) *Access {
	a := &Access{
		fields:     map[*ast.FieldDefinition]schema.Requirement{},
		types:      map[string]schema.Requirement{},
		byName:     map[string]schema.Requirement{},
		routerOnly: opts.RouterSecretSet,
	}
	for name, def := range s.Types {
		if r := schema.ScopesOf(def.Directives); r != nil {
			a.types[name] = r
		}
	}
	for name, def := range s.Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range def.Fields {
			r := schema.ScopesOf(f.Directives).And(a.typeRequirement(s, f.Type.Name()))
			if r != nil {
				a.fields[f] = r
				a.byName[name+"."+f.Name] = r
			}
		}
	}
	return a
}

// typeRequirement is what reading a value of the named type needs.
func (a *Access) typeRequirement(s *ast.Schema, name string) schema.Requirement {
	def := s.Types[name]
	if def == nil {
		return nil
	}
	r := a.types[name]
	if def.Kind == ast.Union && name != "_Entity" { // _entities is checked per representation
		for _, m := range def.Types {
			r = r.And(a.types[m])
		}
	}
	return r
}

// Allows reports whether the caller in ctx may read object.field; a nil Access allows all.
// Prefetching asks before it starts a child's load.
func (a *Access) Allows(ctx context.Context, object, field string) bool {
	if a == nil {
		return true
	}
	return a.byName[object+"."+field].SatisfiedBy(caller.From(ctx))
}

// Middleware is the gqlgen field middleware that enforces the requirements.
func (a *Access) Middleware(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return next(ctx)
	}
	if fc.Object == "Query" && (fc.Field.Name == "_entities" || fc.Field.Name == "_service") {
		if a.routerOnly && !caller.FromRouter(ctx) {
			return nil, &accessError{code: CodeForbidden,
				msg: fmt.Sprintf("%s answers only the router: send Router-Authorization", fc.Field.Name)}
		}
		if fc.Field.Name == "_entities" {
			ctx = a.denyEntities(ctx, fc)
		}
		return next(ctx)
	}
	r, ok := a.fields[fc.Field.Definition]
	if !ok || r.SatisfiedBy(caller.From(ctx)) {
		return next(ctx)
	}
	return nil, &accessError{code: CodeUnauthorizedField,
		msg: fmt.Sprintf("%s.%s needs the scope %s", fc.Object, fc.Field.Name, r)}
}

// accessError is a refusal of the caller's scopes or of a missing router secret.
type accessError struct{ code, msg string }

func (e *accessError) Error() string { return e.msg }

type deniedEntitiesKey struct{}

// denyEntities reports an UNAUTHORIZED_FIELD_OR_TYPE error at _entities[i] for each
// representation whose type the caller may not read, and marks those types in the context so
// their finders answer null without loading anything.
func (a *Access) denyEntities(ctx context.Context, fc *graphql.FieldContext) context.Context {
	reps, _ := fc.Args["representations"].([]map[string]any)
	c := caller.From(ctx)
	var denied map[string]bool
	for i, rep := range reps {
		typ, _ := rep["__typename"].(string)
		r := a.types[typ]
		if r.SatisfiedBy(c) {
			continue
		}
		if denied == nil {
			denied = map[string]bool{}
		}
		denied[typ] = true
		graphql.AddError(ctx, &gqlerror.Error{
			Message:    fmt.Sprintf("%s needs the scope %s", typ, r),
			Path:       append(slices.Clone(fc.Path()), ast.PathIndex(i)),
			Extensions: map[string]any{"code": CodeUnauthorizedField},
		})
	}
	if denied == nil {
		return ctx
	}
	return context.WithValue(ctx, deniedEntitiesKey{}, denied)
}

// entityDenied reports whether _entities may not resolve typ for this caller; the finder then
// answers null (its error is already reported at the representation's path).
func entityDenied(ctx context.Context, typ string) bool {
	denied, _ := ctx.Value(deniedEntitiesKey{}).(map[string]bool)
	return denied[typ]
}
