package eventbus

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ID is a position in an account's log, in the form of a Redis stream id (milliseconds and a
// sequence number): ids grow with time in both logs, so a position of a log that is gone still
// orders against a new log's positions.
type ID struct{ MS, Seq uint64 }

// Less reports whether i comes before j.
func (i ID) Less(j ID) bool { return i.MS < j.MS || (i.MS == j.MS && i.Seq < j.Seq) }

// next is the smallest position after i.
func (i ID) next() ID {
	if i.Seq == math.MaxUint64 {
		return ID{MS: i.MS + 1}
	}
	return ID{MS: i.MS, Seq: i.Seq + 1}
}

// prev is the largest position before i (i must not be zero).
func (i ID) prev() ID {
	if i.Seq == 0 {
		return ID{MS: i.MS - 1, Seq: math.MaxUint64}
	}
	return ID{MS: i.MS, Seq: i.Seq - 1}
}

// IsZero reports whether i is the position before every entry.
func (i ID) IsZero() bool { return i == ID{} }

func (i ID) String() string {
	return strconv.FormatUint(i.MS, 10) + "-" + strconv.FormatUint(i.Seq, 10)
}

// ParseID reads the "ms-seq" form.
func ParseID(s string) (ID, error) {
	ms, seq, ok := strings.Cut(s, "-")
	if !ok {
		return ID{}, fmt.Errorf("eventbus: log id %q is not ms-seq", s)
	}
	m, err1 := strconv.ParseUint(ms, 10, 64)
	q, err2 := strconv.ParseUint(seq, 10, 64)
	if err1 != nil || err2 != nil {
		return ID{}, fmt.Errorf("eventbus: log id %q is not ms-seq", s)
	}
	return ID{m, q}, nil
}

// Cursor names a delivered event: where it sits in the log, and its Gladly time and id, which
// locate it in Gladly's Events API once the log no longer holds it.
type Cursor struct {
	Pos     ID
	At      time.Time
	EventID string
}

// ErrBadCursor is the answer to a cursor this package did not issue.
var ErrBadCursor = errors.New("eventbus: invalid cursor")

const cursorVersion = "1"

// String is the opaque form handed to clients: base64url of "1:ms-seq:unixMillis:eventId".
func (c Cursor) String() string {
	raw := cursorVersion + ":" + c.Pos.String() + ":" + strconv.FormatInt(c.At.UnixMilli(), 10) + ":" + c.EventID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseCursor reads a cursor from its opaque form.
func ParseCursor(s string) (Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 512 {
		return Cursor{}, ErrBadCursor
	}
	parts := strings.SplitN(string(b), ":", 4)
	if len(parts) != 4 || parts[0] != cursorVersion || parts[3] == "" {
		return Cursor{}, ErrBadCursor
	}
	pos, err := ParseID(parts[1])
	if err != nil {
		return Cursor{}, ErrBadCursor
	}
	ms, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return Cursor{}, ErrBadCursor
	}
	return Cursor{Pos: pos, At: time.UnixMilli(ms).UTC(), EventID: parts[3]}, nil
}
