package eventbus

import (
	"context"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// Entry is one event at its position in an account's log.
type Entry struct {
	ID    ID
	Event *gladly.Event
}

// State is what a subscriber needs to know of a log before replaying from it.
type State struct {
	// Last is the position of the newest entry ever appended (zero when none).
	Last ID
	// Floor is the newest position the log has dropped (trimmed or expired), or, for a log that
	// started empty at some time, the position of that start: the log holds every entry after
	// Floor, and nothing it had at or before it. Complete is false when that is unknown (the
	// log does not exist, e.g. Redis lost it or it expired).
	Floor    ID
	Complete bool
	// First is the oldest entry still held (nil when the log is empty).
	First *Entry
}

// Holds reports whether the log holds every entry after pos.
func (s State) Holds(pos ID) bool { return s.Complete && !pos.Less(s.Floor) }

// Log is an append-only, capped log of events per account.
type Log interface {
	// Append adds ev to the account's log and returns its position.
	Append(ctx context.Context, account string, ev *gladly.Event) (ID, error)
	// State describes the account's log.
	State(ctx context.Context, account string) (State, error)
	// Range returns up to count entries with after < position <= upTo, oldest first.
	Range(ctx context.Context, account string, after, upTo ID, count int) ([]Entry, error)
	// Read returns the entries after the position, oldest first, waiting up to block for one
	// to be appended when there is none (then it returns none and no error).
	Read(ctx context.Context, account string, after ID, block time.Duration) ([]Entry, error)
}
