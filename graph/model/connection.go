package model

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
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

// maxCursorOffset bounds the offsets a cursor may carry: no Gladly list comes near it, and an
// offset this size leaves room for the +1 of `after` without overflowing.
const maxCursorOffset = math.MaxInt32

// DecodeCursor returns the offset an opaque cursor points at. Only cursors EncodeCursor could
// have produced are accepted (canonical digits, offset from 0 to MaxInt32), so that decoding
// then encoding gives back the same cursor.
func DecodeCursor(c string) (int, error) {
	if len(c) > 64 {
		return 0, fmt.Errorf("%w: malformed cursor", ErrBadPageArgs)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return 0, fmt.Errorf("%w: malformed cursor", ErrBadPageArgs)
	}
	digits := string(b[len(cursorPrefix):])
	n, err := strconv.ParseInt(digits, 10, 64)
	// The decoder skips newlines and the digits may be written in many ways: only the one
	// encoding EncodeCursor gives is a cursor.
	if err != nil || n < 0 || n > maxCursorOffset || EncodeCursor(int(n)) != c {
		return 0, fmt.Errorf("%w: malformed cursor", ErrBadPageArgs)
	}
	return int(n), nil
}

// CheckPageArgs refuses, before anything is fetched, the pagination arguments NewConnection would
// refuse. args are a field's coerced arguments (gqlgen's FieldContext.Args): the arguments
// first/last/after/before of a connection field, when present, are checked.
func CheckPageArgs(args map[string]any) error {
	for _, name := range []string{"after", "before"} {
		if c := stringArg(args[name]); c != nil {
			if _, err := DecodeCursor(*c); err != nil {
				return err
			}
		}
	}
	for _, name := range []string{"first", "last"} {
		if n := intArg(args[name]); n != nil && (*n < 0 || *n > MaxPageSize) {
			return fmt.Errorf("%w: %s must be between 0 and %d", ErrBadPageArgs, name, MaxPageSize)
		}
	}
	return nil
}

func stringArg(v any) *string {
	switch v := v.(type) {
	case *string:
		return v
	case string:
		return &v
	}
	return nil
}

func intArg(v any) *int {
	switch v := v.(type) {
	case *int:
		return v
	case int:
		return &v
	}
	return nil
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
