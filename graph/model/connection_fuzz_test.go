package model

import (
	"errors"
	"math"
	"testing"
)

// FuzzDecodeCursor checks that any string given as a cursor either decodes to an offset that
// encodes back to the same cursor, or is refused as a malformed cursor; and that paging a list
// with it never panics and stays inside the list (issue 8).
func FuzzDecodeCursor(f *testing.F) {
	for _, s := range []string{EncodeCursor(0), EncodeCursor(3), EncodeCursor(math.MaxInt32), "Z2cxOjk5OTk5OTk5OTk5OTk5OTk5OTk5", "Z2cxOi0x", "!!", "", "Z2cxOjAx"} {
		f.Add(s, 2, true)
	}
	f.Fuzz(func(t *testing.T, c string, n int, after bool) {
		off, err := DecodeCursor(c)
		if err != nil {
			if !errors.Is(err, ErrBadPageArgs) || err.Error() != "invalid pagination arguments: malformed cursor" {
				t.Fatalf("refusal %q is not a malformed-cursor error", err)
			}
		} else {
			if off < 0 || off > math.MaxInt32 {
				t.Fatalf("offset %d out of range", off)
			}
			if EncodeCursor(off) != c {
				t.Fatalf("cursor %q decodes to %d, which encodes as %q", c, off, EncodeCursor(off))
			}
		}
		nodes := []int{0, 1, 2, 3, 4, 5, 6}
		args := PageArgs{First: &n}
		if after {
			args.After = &c
		} else {
			args.Before = &c
		}
		checkErr := CheckPageArgs(map[string]any{"first": &n, "after": args.After, "before": args.Before})
		conn, err := NewConnection(nodes, false, args)
		if (err == nil) != (checkErr == nil) {
			t.Fatalf("CheckPageArgs says %v, NewConnection says %v", checkErr, err)
		}
		if err != nil {
			return
		}
		if len(conn.Nodes) != len(conn.Edges) || len(conn.Nodes) > len(nodes) || conn.TotalCount != len(nodes) {
			t.Fatalf("window %d nodes, %d edges of %d", len(conn.Nodes), len(conn.Edges), len(nodes))
		}
		for i, e := range conn.Edges {
			o, err := DecodeCursor(e.Cursor)
			if err != nil || nodes[o] != e.Node || conn.Nodes[i] != e.Node {
				t.Fatalf("edge %d: cursor %q (%d, %v) for node %d", i, e.Cursor, o, err, e.Node)
			}
			if after && o <= off || !after && o >= off {
				t.Fatalf("edge at %d is not %s the cursor's %d", o, map[bool]string{true: "after", false: "before"}[after], off)
			}
		}
	})
}
