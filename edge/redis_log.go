package edge

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// RedisLogEvery is how often one kind of go-redis message may reach the log.
const RedisLogEvery = time.Minute

// redisLogger sends go-redis's own messages (pool dial failures, …) to the logger instead of the
// standard library's default log, at most one line per kind of message (its format) per
// RedisLogEvery: with Redis down go-redis reports every failed dial, which under load is hundreds
// a second. The changes of state themselves (cache bypassed and back in use, rate limit local and
// shared again) are logged once each by loaders.Resilient and loaders.SharedLimiter; a line here
// says how many of its kind were held back since the last one.
type redisLogger struct {
	l     zerolog.Logger
	every time.Duration
	now   func() time.Time

	mu    sync.Mutex
	kinds map[string]*redisLogKind
}

type redisLogKind struct {
	last       time.Time
	suppressed int
}

// maxRedisLogKinds bounds the kinds remembered (formats are constants in go-redis; this is a guard).
const maxRedisLogKinds = 256

// NewRedisLogger returns go-redis's logger (redis.SetLogger): its messages go to l, throttled.
func NewRedisLogger(l zerolog.Logger) *redisLogger {
	return &redisLogger{l: l, every: RedisLogEvery, now: time.Now, kinds: map[string]*redisLogKind{}}
}

func (r *redisLogger) Printf(_ context.Context, format string, v ...any) {
	now := r.now()
	r.mu.Lock()
	k := r.kinds[format]
	if k == nil {
		if len(r.kinds) >= maxRedisLogKinds {
			clear(r.kinds)
		}
		k = &redisLogKind{}
		r.kinds[format] = k
	} else if now.Sub(k.last) < r.every {
		k.suppressed++
		r.mu.Unlock()
		return
	}
	suppressed := k.suppressed
	k.last, k.suppressed = now, 0
	r.mu.Unlock()

	e := r.l.Warn().Str("component", "redis")
	if suppressed > 0 {
		e = e.Int("suppressed", suppressed).Dur("suppressed_over", r.every)
	}
	e.Msg(fmt.Sprintf(format, v...))
}

var redisLoggerOnce sync.Once

// SetRedisLogger sends go-redis's own log lines (one process-wide logger) to l, throttled; the
// first call wins.
func SetRedisLogger(l zerolog.Logger) {
	redisLoggerOnce.Do(func() { redis.SetLogger(NewRedisLogger(l)) })
}
