package webhooks

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisSeenSet is a SeenSet shared by every replica using one Redis: SET NX with a TTL.
type redisSeenSet struct {
	rdb    redis.UniversalClient
	prefix string // namespaced by tenant: two organizations may share a Redis
	ttl    time.Duration
}

func newRedisSeenSet(rdb redis.UniversalClient, tenant string, ttl time.Duration) *redisSeenSet {
	return &redisSeenSet{rdb: rdb, prefix: "gladgraph:webhook-seen:" + tenant + ":", ttl: ttl}
}

func (s *redisSeenSet) MarkSeen(ctx context.Context, id string) (bool, error) {
	return s.rdb.SetNX(ctx, s.prefix+id, 1, s.ttl).Result()
}

func (s *redisSeenSet) Forget(ctx context.Context, id string) error {
	return s.rdb.Del(ctx, s.prefix+id).Err()
}
