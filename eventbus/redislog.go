package eventbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gladgraph/gladgraph/gladly"
)

// RedisLog is a Log in Redis Streams, one stream per account, shared by every replica: XADD
// with an approximate MAXLEN caps it, and an expiry renewed at each append removes the streams
// of accounts that stop receiving events. Needs Redis 7 (XINFO STREAM's max-deleted-entry-id).
type RedisLog struct {
	rdb    redis.UniversalClient
	prefix string
	keys   func(account string) string // the stream's name within prefix (WithKeys); nil: the account
	maxLen int64
	ttl    time.Duration
}

// NewRedisLog returns a log under keys prefix+accountID (e.g. "gladgraph:events:"), capped at
// about maxLen entries per account and kept ttl after the last append.
func NewRedisLog(rdb redis.UniversalClient, prefix string, maxLen int, ttl time.Duration) *RedisLog {
	return &RedisLog{rdb: rdb, prefix: prefix, maxLen: int64(max(maxLen, 1)), ttl: ttl}
}

// WithKeys names each account's stream prefix+keys(account) instead of prefix+account: a name
// that also says which Gladly organization the account is linked to keeps two deployments
// sharing one Redis, or an account id linked again to another organization, off each other's
// events.
func (l *RedisLog) WithKeys(keys func(account string) string) *RedisLog {
	l.keys = keys
	return l
}

func (l *RedisLog) key(account string) string {
	if l.keys != nil {
		return l.prefix + l.keys(account)
	}
	return l.prefix + account
}

// eventField is the stream entry's only field: the event as Gladly sent it.
const eventField = "e"

// Append implements Log.
func (l *RedisLog) Append(ctx context.Context, account string, ev *gladly.Event) (ID, error) {
	body, err := json.Marshal(ev)
	if err != nil {
		return ID{}, err
	}
	key := l.key(account)
	var add *redis.StringCmd
	_, err = l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		add = p.XAdd(ctx, &redis.XAddArgs{Stream: key, MaxLen: l.maxLen, Approx: true, Values: []any{eventField, body}})
		p.Expire(ctx, key, l.ttl)
		return nil
	})
	if err != nil {
		return ID{}, fmt.Errorf("eventbus: append to %s: %w", account, err)
	}
	return ParseID(add.Val())
}

// State implements Log.
func (l *RedisLog) State(ctx context.Context, account string) (State, error) {
	info, err := l.rdb.XInfoStream(ctx, l.key(account)).Result()
	if err != nil {
		if isNoSuchKey(err) {
			return State{}, nil
		}
		return State{}, fmt.Errorf("eventbus: state of %s: %w", account, err)
	}
	var st State
	if st.Last, err = ParseID(info.LastGeneratedID); err != nil {
		return State{}, err
	}
	if st.Floor, err = ParseID(info.MaxDeletedEntryID); err != nil {
		return State{}, err
	}
	st.Complete = true
	if info.Length > 0 {
		e, err := entry(info.FirstEntry)
		if err != nil {
			return State{}, err
		}
		st.First = &e
		if st.Floor.IsZero() {
			// Never trimmed, yet perhaps a stream created again after the old one expired: a
			// position before its first entry belongs to the old one.
			st.Floor = e.ID.prev()
		}
	}
	return st, nil
}

// isNoSuchKey recognises XINFO's answer for a missing stream.
func isNoSuchKey(err error) bool {
	return err != nil && !errors.Is(err, redis.Nil) && strings.Contains(err.Error(), "no such key")
}

// Range implements Log.
func (l *RedisLog) Range(ctx context.Context, account string, after, upTo ID, count int) ([]Entry, error) {
	msgs, err := l.rdb.XRangeN(ctx, l.key(account), "("+after.String(), upTo.String(), int64(count)).Result()
	if err != nil {
		return nil, fmt.Errorf("eventbus: range of %s: %w", account, err)
	}
	return entries(msgs)
}

// readCount bounds one XREAD's answer.
const readCount = 500

// Read implements Log. go-redis cannot interrupt a blocked XREAD: it returns after block at
// the latest, which bounds how long a stopped reader lingers.
func (l *RedisLog) Read(ctx context.Context, account string, after ID, block time.Duration) ([]Entry, error) {
	res, err := l.rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{l.key(account), after.String()}, Count: readCount, Block: block}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("eventbus: read of %s: %w", account, err)
	}
	var out []Entry
	for _, s := range res {
		es, err := entries(s.Messages)
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
	}
	return out, nil
}

func entries(msgs []redis.XMessage) ([]Entry, error) {
	out := make([]Entry, 0, len(msgs))
	for _, m := range msgs {
		e, err := entry(m)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func entry(m redis.XMessage) (Entry, error) {
	id, err := ParseID(m.ID)
	if err != nil {
		return Entry{}, err
	}
	body, _ := m.Values[eventField].(string)
	ev, err := gladly.ParseEvent([]byte(body))
	if err != nil {
		return Entry{}, fmt.Errorf("eventbus: entry %s: %w", m.ID, err)
	}
	return Entry{ID: id, Event: ev}, nil
}
