package loaders

import (
	"context"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// CappedRedisCache is a Cache in Redis whose entries, together, never hold more than a number
// of bytes: past it the entries closest to expiring go first (the oldest, where every entry has
// the same TTL). It keeps what clients send rather than what Gladly answered — automatic
// persisted queries — so that registering distinct documents, however many, cannot grow Redis
// without bound. Entries are written once (a key already there is kept), carry no tags and are
// never invalidated; every key lives under the namespace's hash tag, one slot in a cluster.
type CappedRedisCache struct {
	rdb       redis.UniversalClient
	ns        string // namespace, ending in ':' (Namespace)
	maxBytes  int64
	index     string // sorted set: key → expiry (ms, Redis's clock)
	sizes     string // hash: key → bytes
	total     string // bytes held
	setScript *redis.Script
}

// NewCappedRedisCache returns the cache of namespace ns (Namespace) holding at most maxBytes of
// values.
func NewCappedRedisCache(rdb redis.UniversalClient, ns string, maxBytes int64) *CappedRedisCache {
	return &CappedRedisCache{rdb: rdb, ns: ns, maxBytes: max(maxBytes, 1),
		index: ns + "capped:index", sizes: ns + "capped:sizes", total: ns + "capped:bytes", setScript: cappedSetScript}
}

// cappedSetScript writes ARGV[2..] as (key suffix, value, ttl ms) triples under the namespace
// ARGV[1] unless the key exists, then forgets entries past their expiry and evicts those closest
// to it until the total is within ARGV[#]: KEYS = index, sizes, total.
var cappedSetScript = redis.NewScript(`
local index, sizes, total = KEYS[1], KEYS[2], KEYS[3]
local ns, cap = ARGV[1], tonumber(ARGV[#ARGV])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV - 1, 3 do
  local key, val, ttl = ns .. ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if redis.call('SET', key, val, 'PX', ttl, 'NX') then
    redis.call('ZADD', index, now + ttl, key)
    redis.call('HSET', sizes, key, #val)
    redis.call('INCRBY', total, #val)
  end
end
local function forget(key)
  local n = tonumber(redis.call('HGET', sizes, key) or '0')
  redis.call('HDEL', sizes, key)
  redis.call('DECRBY', total, n)
end
for _, key in ipairs(redis.call('ZRANGEBYSCORE', index, '-inf', now)) do
  forget(key)
  redis.call('ZREM', index, key)
end
while tonumber(redis.call('GET', total) or '0') > cap do
  local oldest = redis.call('ZPOPMIN', index)
  if #oldest == 0 then
    redis.call('SET', total, 0)
    break
  end
  forget(oldest[1])
  redis.call('DEL', oldest[1])
end
return 0
`)

// Get returns the values of keys (nil for a miss) in one round trip.
func (c *CappedRedisCache) Get(ctx context.Context, keys []string) ([][]byte, Stamp, error) {
	if len(keys) == 0 {
		return nil, 0, nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = c.ns + k
	}
	vals, err := c.rdb.MGet(ctx, full...).Result()
	if err != nil {
		return nil, 0, err
	}
	out := make([][]byte, len(keys))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[i] = []byte(s)
		}
	}
	return out, 0, nil
}

// Set writes the entries not already there (at is not used: nothing here is invalidated) and
// evicts down to the byte cap, in one round trip.
func (c *CappedRedisCache) Set(ctx context.Context, _ Stamp, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	args := make([]any, 0, 2+3*len(entries))
	args = append(args, c.ns)
	for _, e := range entries {
		if int64(len(e.Value)) > c.maxBytes || e.TTL <= 0 {
			continue // never kept: it alone would pass the cap
		}
		args = append(args, e.Key, e.Value, strconv.FormatInt(max(e.TTL.Milliseconds(), 1), 10))
	}
	if len(args) == 1 {
		return nil
	}
	args = append(args, c.maxBytes)
	return c.setScript.Run(ctx, c.rdb, []string{c.index, c.sizes, c.total}, args...).Err()
}

// Invalidate does nothing: the entries are immutable (a hash names its document).
func (c *CappedRedisCache) Invalidate(context.Context, []string) error { return nil }

// Ping checks that Redis answers.
func (c *CappedRedisCache) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

// Bytes returns the bytes the entries hold, as counted in Redis.
func (c *CappedRedisCache) Bytes(ctx context.Context) (int64, error) {
	n, err := c.rdb.Get(ctx, c.total).Int64()
	if err == redis.Nil {
		return 0, nil
	}
	return n, err
}
