package gqlhttp

import (
	"container/list"
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// DefaultQueryCacheBytes bounds the parsed-query cache when Config.QueryCacheBytes is unset.
const DefaultQueryCacheBytes = 32 << 20

// queryCache is the cache of parsed and validated documents, bounded in bytes rather than by
// count: gqlgen's default holds 1,000 documents whatever their size, and 1,000 distinct 1 MB
// queries held 1.7 GiB. A document's cost is estimated from its text (the key is the text
// itself, and the parsed tree measured about as large again); a document costing more than an
// eighth of the bound is parsed every time rather than evicting everything else.
type queryCache struct {
	mu    sync.Mutex
	max   int
	used  int
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type queryCacheEntry struct {
	query string
	doc   *ast.QueryDocument
	cost  int
}

var _ graphql.Cache[*ast.QueryDocument] = (*queryCache)(nil)

func newQueryCache(maxBytes int) *queryCache {
	if maxBytes <= 0 {
		maxBytes = DefaultQueryCacheBytes
	}
	return &queryCache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

// documentCost is the bytes a cached document is assumed to hold: its text as the key, its
// parsed tree at twice the text, and bookkeeping.
func documentCost(query string) int { return 3*len(query) + 512 }

func (c *queryCache) Get(_ context.Context, query string) (*ast.QueryDocument, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[query]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*queryCacheEntry).doc, true
}

func (c *queryCache) Add(_ context.Context, query string, doc *ast.QueryDocument) {
	cost := documentCost(query)
	if cost > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[query]; ok {
		el.Value.(*queryCacheEntry).doc = doc
		c.order.MoveToFront(el)
		return
	}
	c.items[query] = c.order.PushFront(&queryCacheEntry{query: query, doc: doc, cost: cost})
	c.used += cost
	for c.used > c.max {
		last := c.order.Back()
		e := last.Value.(*queryCacheEntry)
		c.order.Remove(last)
		delete(c.items, e.query)
		c.used -= e.cost
	}
}

// bytes reports the estimated bytes held (for tests).
func (c *queryCache) bytes() (used, entries int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used, len(c.items)
}
