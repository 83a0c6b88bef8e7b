package graph

import (
	"context"

	"github.com/gladgraph/gladgraph/graph/model"
	"github.com/gladgraph/gladgraph/loaders"
)

// The small pieces every resolver shares: lists to connections, lookups to wrappers.

// pageArgs bundles a connection field's arguments.
func pageArgs(first *int, after *string, last *int, before *string) model.PageArgs {
	return model.PageArgs{First: first, After: after, Last: last, Before: before}
}

// connOf windows a Gladly list by the page arguments, then wraps the selected items. A nil list
// (its parent does not exist) is a null connection.
func connOf[T any, M any](ctx context.Context, list *loaders.List[T], wrap func(T) M, args model.PageArgs) (*model.Connection[M], error) {
	if list == nil {
		return nil, nil
	}
	reportInvalid(ctx, list)
	return connOfItems(list.Items, list.Limited, wrap, args)
}

// connOfItems windows items by the page arguments, then wraps the selected ones.
func connOfItems[T any, M any](items []T, truncated bool, wrap func(T) M, args model.PageArgs) (*model.Connection[M], error) {
	page, err := model.NewConnection(items, truncated, args)
	if err != nil {
		return nil, err
	}
	out := &model.Connection[M]{
		Nodes:      make([]M, len(page.Nodes)),
		Edges:      make([]*model.Edge[M], len(page.Edges)),
		PageInfo:   page.PageInfo,
		TotalCount: page.TotalCount,
		Truncated:  page.Truncated,
	}
	for i, e := range page.Edges {
		out.Nodes[i] = wrap(e.Node)
		out.Edges[i] = &model.Edge[M]{Cursor: e.Cursor, Node: out.Nodes[i]}
	}
	return out, nil
}

// filter keeps the items keep accepts.
func filter[T any](items []T, keep func(T) bool) []T {
	var out []T
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	return out
}
