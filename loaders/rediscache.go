package loaders

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisCache is the Cache shared by every gladgraph replica: go-redis's UniversalClient (a single
// server, Sentinel or Cluster). Each operation is one round trip: a read is one script returning
// the server's clock and the values, a write-back one script that checks invalidation marks and
// writes, an invalidation one script that drops tagged entries and marks the tags. Scripts run on
// the server's clock, so replicas never compare their own clocks.
type RedisCache struct {
	rdb redis.UniversalClient
	ns  string
}

// NewRedisCache returns a cache keeping its keys under namespace ns (see Namespace).
func NewRedisCache(rdb redis.UniversalClient, ns string) *RedisCache {
	return &RedisCache{rdb: rdb, ns: ns}
}

// Keys: <ns>k:<key> values, <ns>t:<tag> sets of value keys, <ns>m:<tag> invalidation marks.
func (c *RedisCache) valueKey(k string) string { return c.ns + "k:" + k }
func (c *RedisCache) tagKey(t string) string   { return c.ns + "t:" + t }
func (c *RedisCache) markKey(t string) string  { return c.ns + "m:" + t }

var readScript = redis.NewScript(`
local t = redis.call('TIME')
local vals = {}
for i = 1, #KEYS do
  vals[i] = redis.call('GET', KEYS[i])
end
return {tonumber(t[1]) * 1000000 + tonumber(t[2]), vals}
`)

// Get reads keys and the server's clock in one script.
func (c *RedisCache) Get(ctx context.Context, keys []string) ([][]byte, Stamp, error) {
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = c.valueKey(k)
	}
	res, err := readScript.Run(ctx, c.rdb, full).Slice()
	if err != nil {
		return nil, 0, fmt.Errorf("redis read: %w", err)
	}
	if len(res) != 2 {
		return nil, 0, fmt.Errorf("redis read: unexpected reply of %d elements", len(res))
	}
	at, _ := res[0].(int64)
	raw, _ := res[1].([]any)
	vals := make([][]byte, len(keys))
	for i := range keys {
		if i < len(raw) {
			if s, ok := raw[i].(string); ok {
				vals[i] = []byte(s)
			}
		}
	}
	return vals, Stamp(at), nil
}

// The write-back: ARGV = at, then per entry value, ttl (ms), tag count; KEYS = per entry its key
// then, per tag, the tag's set and its mark. An entry is skipped when a mark is at or after at.
var writeScript = redis.NewScript(`
local at = tonumber(ARGV[1])
local ki, ai, written = 1, 2, 0
while ai <= #ARGV do
  local key = KEYS[ki]
  local val, ttl, ntags = ARGV[ai], tonumber(ARGV[ai + 1]), tonumber(ARGV[ai + 2])
  ai = ai + 3
  local stale = false
  for t = 0, ntags - 1 do
    local m = redis.call('GET', KEYS[ki + 2 + t * 2])
    if m and tonumber(m) >= at then stale = true end
  end
  if not stale then
    redis.call('SET', key, val, 'PX', ttl)
    for t = 0, ntags - 1 do
      local set = KEYS[ki + 1 + t * 2]
      redis.call('SADD', set, key)
      if redis.call('PTTL', set) < ttl then redis.call('PEXPIRE', set, ttl) end
    end
    written = written + 1
  end
  ki = ki + 1 + ntags * 2
end
return written
`)

// Set writes entries back in one script.
func (c *RedisCache) Set(ctx context.Context, at Stamp, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	keys := make([]string, 0, len(entries)*3)
	args := make([]any, 0, 1+len(entries)*3)
	args = append(args, int64(at))
	for _, e := range entries {
		keys = append(keys, c.valueKey(e.Key))
		for _, t := range e.Tags {
			keys = append(keys, c.tagKey(t), c.markKey(t))
		}
		ttl := max(e.TTL.Milliseconds(), 1)
		args = append(args, e.Value, ttl, len(e.Tags))
	}
	if err := writeScript.Run(ctx, c.rdb, keys, args...).Err(); err != nil {
		return fmt.Errorf("redis write-back: %w", err)
	}
	return nil
}

var invalidateScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
for i = 1, #KEYS, 2 do
  local members = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #members, 500 do
    redis.call('UNLINK', unpack(members, j, math.min(j + 499, #members)))
  end
  redis.call('UNLINK', KEYS[i])
  redis.call('SET', KEYS[i + 1], now, 'PX', ARGV[1])
end
return now
`)

// Invalidate drops the entries of tags and marks the tags, in one script.
func (c *RedisCache) Invalidate(ctx context.Context, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	keys := make([]string, 0, 2*len(tags))
	for _, t := range tags {
		keys = append(keys, c.tagKey(t), c.markKey(t))
	}
	if err := invalidateScript.Run(ctx, c.rdb, keys, strconv.FormatInt(invalidationMemory.Milliseconds(), 10)).Err(); err != nil {
		return fmt.Errorf("redis invalidate: %w", err)
	}
	return nil
}

// Ping checks the connection.
func (c *RedisCache) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

// Flush drops every key of the namespace: the fallback when invalidations were lost in numbers
// too large to replay.
func (c *RedisCache) Flush(ctx context.Context) error {
	flushNode := func(ctx context.Context, node redis.UniversalClient) error {
		iter := node.Scan(ctx, 0, c.ns+"*", 1000).Iterator()
		batch := make([]string, 0, 500)
		for iter.Next(ctx) {
			batch = append(batch, iter.Val())
			if len(batch) == cap(batch) {
				if err := node.Unlink(ctx, batch...).Err(); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		if len(batch) > 0 {
			return node.Unlink(ctx, batch...).Err()
		}
		return nil
	}
	if cc, ok := c.rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return flushNode(ctx, n) })
	}
	return flushNode(ctx, c.rdb)
}

// redisOpTimeout bounds one cache round trip: a slow Redis must cost a query milliseconds, not
// seconds (the circuit then takes Redis out of the path).
const redisOpTimeout = 150 * time.Millisecond
