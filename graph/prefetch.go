package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/loaders"
)

// Prefetching: gqlgen resolves a child field only once its parent has resolved, so a query like
// contact(id) { conversations } waits for the profile before it asks for the conversations, although
// Gladly needs nothing but the id for both. A root resolver that already knows the key of a child's
// list starts that list's load (into the same per-request loader the child reads) while it loads
// its own object, when, and only when, the operation selects the child: one round trip of Gladly
// latency less, never a call the query would not have made (but for an id that turns out merged or
// missing, whose lists then answer 404 or nothing).

// selected returns the fields the field being resolved selects at path (field names, followed
// through inline fragments and fragment spreads), e.g. selected(ctx, "nodes", "groups").
func selected(ctx context.Context, path ...string) []*ast.Field {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return nil
	}
	sets := []ast.SelectionSet{fc.Field.Selections}
	var found []*ast.Field
	for depth, name := range path {
		found = found[:0]
		for _, set := range sets {
			WalkFields(set, func(f *ast.Field) bool {
				if f.Name == name {
					found = append(found, f)
				}
				return false
			})
		}
		if depth == len(path)-1 {
			break
		}
		sets = sets[:0]
		for _, f := range found {
			sets = append(sets, f.SelectionSet)
		}
	}
	return found
}

// hasArgument reports whether a field is given the named argument.
func hasArgument(f *ast.Field, name string) bool { return f.Arguments.ForName(name) != nil }

// prefetchContact starts the loads of a contact's conversation and task lists that the operation
// selects under contact(id) and the caller's scopes allow.
func prefetchContact(ctx context.Context, a *Access, l *loaders.Loaders, id string) {
	if l.IsNaive() {
		return
	}
	if len(selected(ctx, "conversations")) > 0 && a.Allows(ctx, "Contact", "conversations") {
		l.ContactConversations.LoadThunk(ctx, id)
	}
	if !a.Allows(ctx, "Contact", "tickets") {
		return
	}
	for _, f := range selected(ctx, "tickets") {
		if !hasArgument(f, "status") { // a status filter may need a list of its own (see ticketsOf)
			l.ContactTasks.LoadThunk(ctx, loaders.TasksKey{ContactID: id})
			break
		}
	}
}

// prefetchConversation starts the load of a conversation's timeline when the operation selects
// items (of the whole conversation) under conversation(id).
func prefetchConversation(ctx context.Context, a *Access, l *loaders.Loaders, id string) {
	if l.IsNaive() || !a.Allows(ctx, "Conversation", "items") {
		return
	}
	for _, f := range selected(ctx, "items") {
		if !hasArgument(f, "sessionId") {
			l.ConversationItems.LoadThunk(ctx, loaders.ItemsKey{ConversationID: id})
			return
		}
	}
}

// usersSelectGroups reports whether users { … groups } is selected, through nodes or edges
// (never for naive loaders).
func usersSelectGroups(ctx context.Context, l *loaders.Loaders) bool {
	if l.IsNaive() {
		return false
	}
	return len(selected(ctx, "nodes", "groups")) > 0 || len(selected(ctx, "edges", "node", "groups")) > 0
}
