package model

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Connection is every XConnection of the schema: Gladly's lists are capped, not paginated, so a
// connection is a window on the whole (cached) list, with opaque offset cursors.
type Connection[N any] struct {
	Edges      []*Edge[N]
	Nodes      []N
	PageInfo   *PageInfo
	TotalCount int
	// Truncated is true when Gladly capped the list (Gladly-Limited-Data).
	Truncated bool
}

// Edge is every XEdge of the schema.
type Edge[N any] struct {
	Cursor string
	Node   N
}

// PageArgs are a connection field's first/after/last/before.
type PageArgs struct {
	First  *int
	After  *string
	Last   *int
	Before *string
}

// MaxPageSize bounds first and last: a page larger than any Gladly list cap is never needed.
const MaxPageSize = 2000

// ErrBadPageArgs marks pagination arguments that are out of range or malformed.
var ErrBadPageArgs = errors.New("invalid pagination arguments")

const cursorPrefix = "gg1:"

// EncodeCursor returns the opaque cursor of the item at offset.
func EncodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

// DecodeCursor returns the offset an opaque cursor points at.
func DecodeCursor(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) > 32 || !strings.HasPrefix(string(b), cursorPrefix) {
		return 0, fmt.Errorf("%w: malformed cursor", ErrBadPageArgs)
	}
	n, err := strconv.Atoi(string(b[len(cursorPrefix):]))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: malformed cursor", ErrBadPageArgs)
	}
	return n, nil
}

// NewConnection returns the window of nodes the arguments select, as Relay specifies: after and
// before narrow the list, then first keeps its head and last its tail.
func NewConnection[N any](nodes []N, truncated bool, a PageArgs) (*Connection[N], error) {
	start, end := 0, len(nodes)
	if a.After != nil {
		n, err := DecodeCursor(*a.After)
		if err != nil {
			return nil, err
		}
		start = min(n+1, end)
	}
	if a.Before != nil {
		n, err := DecodeCursor(*a.Before)
		if err != nil {
			return nil, err
		}
		end = max(min(n, end), start)
	}
	if a.First != nil {
		if *a.First < 0 || *a.First > MaxPageSize {
			return nil, fmt.Errorf("%w: first must be between 0 and %d", ErrBadPageArgs, MaxPageSize)
		}
		end = min(end, start+*a.First)
	}
	if a.Last != nil {
		if *a.Last < 0 || *a.Last > MaxPageSize {
			return nil, fmt.Errorf("%w: last must be between 0 and %d", ErrBadPageArgs, MaxPageSize)
		}
		start = max(start, end-*a.Last)
	}
	c := &Connection[N]{
		Nodes:      nodes[start:end],
		Edges:      make([]*Edge[N], end-start),
		TotalCount: len(nodes),
		Truncated:  truncated,
		PageInfo:   &PageInfo{HasPreviousPage: start > 0, HasNextPage: end < len(nodes)},
	}
	for i := start; i < end; i++ {
		c.Edges[i-start] = &Edge[N]{Cursor: EncodeCursor(i), Node: nodes[i]}
	}
	if end > start {
		first, last := c.Edges[0].Cursor, c.Edges[len(c.Edges)-1].Cursor
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &first, &last
	}
	return c, nil
}
