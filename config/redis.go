package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/loaders"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// redisTarget is a parsed REDIS_URL: exactly one of its options is set.
type redisTarget struct {
	simple   *redis.Options
	failover *redis.FailoverOptions
	cluster  *redis.ClusterOptions
}

// Short timeouts unless the URL names its own: a slow cache is bypassed, not waited for.
const (
	redisDialTimeout = time.Second
	redisIOTimeout   = 500 * time.Millisecond
)

// redisOptions parses REDIS_URL. Accepted forms:
//
//	redis://[user:password@]host:port[/db][?options]   one server (rediss:// for TLS, unix:// for a socket)
//	redis://host:port?master_name=m[&addr=host:port…]   Sentinel (also redis+sentinel://)
//	redis://host:port?addr=host:port[&addr=…]           Cluster seeds (also redis+cluster:// with one seed)
//
// Options are go-redis's (dial_timeout, read_timeout, pool_size, …). Errors never contain the URL.
func redisOptions(raw string) (*redisTarget, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("must be a URL such as redis://host:6379/0")
	}
	scheme, mode, _ := strings.Cut(u.Scheme, "+")
	q := u.Query()
	if mode == "" {
		switch {
		case q.Has("master_name"):
			mode = "sentinel"
		case q.Has("addr"):
			mode = "cluster"
		}
	}
	if scheme != "redis" && scheme != "rediss" && !(scheme == "unix" && mode == "") {
		return nil, errors.New("scheme must be redis, rediss or unix (redis+sentinel, redis+cluster for those modes)")
	}
	v := *u
	v.Scheme = scheme
	norm := v.String()
	t := &redisTarget{}
	switch mode {
	case "":
		t.simple, err = redis.ParseURL(norm)
	case "sentinel":
		if !q.Has("master_name") {
			return nil, errors.New("sentinel mode needs ?master_name=")
		}
		t.failover, err = redis.ParseFailoverURL(norm)
	case "cluster":
		t.cluster, err = redis.ParseClusterURL(norm)
	default:
		return nil, errors.New("scheme must be redis, rediss or unix (redis+sentinel, redis+cluster for those modes)")
	}
	if err != nil {
		return nil, redisError(err, u)
	}
	t.applyDefaults(q)
	return t, nil
}

// redisError strips from a go-redis parse error anything the URL's secrets could appear in.
func redisError(err error, u *url.URL) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	msg := strings.TrimPrefix(err.Error(), "redis: ")
	if u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "[redacted]")
		}
	}
	for _, k := range []string{"password", "sentinel_password"} {
		if p := u.Query().Get(k); p != "" {
			msg = strings.ReplaceAll(msg, p, "[redacted]")
		}
	}
	return errors.New(msg)
}

func (t *redisTarget) applyDefaults(q url.Values) {
	set := func(name string, d *time.Duration, def time.Duration) {
		if !q.Has(name) {
			*d = def
		}
	}
	tune := loaders.Tuning(loaders.DefaultFetchConcurrency)
	setInt := func(name string, d *int, def int) {
		if !q.Has(name) {
			*d = def
		}
	}
	// The breaker's settings (loaders.RedisTuning), each unless the URL names it.
	pool := func(size, idle, retries, dialRetries *int, poolTimeout, minBackoff, maxBackoff *time.Duration, ctxTimeout *bool) {
		setInt("pool_size", size, tune.PoolSize)
		setInt("min_idle_conns", idle, tune.MinIdleConns)
		setInt("max_retries", retries, tune.MaxRetries)
		*dialRetries = tune.DialerRetries
		set("pool_timeout", poolTimeout, tune.PoolTimeout)
		set("min_retry_backoff", minBackoff, tune.RetryBackoff)
		set("max_retry_backoff", maxBackoff, tune.RetryBackoff)
		*ctxTimeout = tune.ContextTimeoutEnabled
	}
	switch {
	case t.simple != nil:
		o := t.simple
		pool(&o.PoolSize, &o.MinIdleConns, &o.MaxRetries, &o.DialerRetries, &o.PoolTimeout, &o.MinRetryBackoff, &o.MaxRetryBackoff, &o.ContextTimeoutEnabled)
		set("dial_timeout", &t.simple.DialTimeout, redisDialTimeout)
		set("read_timeout", &t.simple.ReadTimeout, redisIOTimeout)
		set("write_timeout", &t.simple.WriteTimeout, redisIOTimeout)
	case t.failover != nil:
		o := t.failover
		pool(&o.PoolSize, &o.MinIdleConns, &o.MaxRetries, &o.DialerRetries, &o.PoolTimeout, &o.MinRetryBackoff, &o.MaxRetryBackoff, &o.ContextTimeoutEnabled)
		set("dial_timeout", &t.failover.DialTimeout, redisDialTimeout)
		set("read_timeout", &t.failover.ReadTimeout, redisIOTimeout)
		set("write_timeout", &t.failover.WriteTimeout, redisIOTimeout)
	case t.cluster != nil:
		o := t.cluster
		pool(&o.PoolSize, &o.MinIdleConns, &o.MaxRetries, &o.DialerRetries, &o.PoolTimeout, &o.MinRetryBackoff, &o.MaxRetryBackoff, &o.ContextTimeoutEnabled)
		set("dial_timeout", &t.cluster.DialTimeout, redisDialTimeout)
		set("read_timeout", &t.cluster.ReadTimeout, redisIOTimeout)
		set("write_timeout", &t.cluster.WriteTimeout, redisIOTimeout)
	}
}

// client returns a client of the right kind; it connects lazily.
func (t *redisTarget) client() redis.UniversalClient {
	switch {
	case t.failover != nil:
		return redis.NewFailoverClient(t.failover)
	case t.cluster != nil:
		return redis.NewClusterClient(t.cluster)
	default:
		return redis.NewClient(t.simple)
	}
}

// mode names the deployment form for logs.
func (t *redisTarget) mode() string {
	switch {
	case t.failover != nil:
		return "sentinel"
	case t.cluster != nil:
		return "cluster"
	}
	return "single"
}

// redisDisplay shows REDIS_URL without credentials or options.
func redisDisplay(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "[invalid]"
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// RedisClient returns a client for REDIS_URL of the right kind (it connects lazily), or nil when
// no Redis is configured: the cache is then in-process.
func (c *Config) RedisClient() (redis.UniversalClient, error) {
	if c.RedisURL == "" {
		return nil, nil
	}
	t, err := redisOptions(c.RedisURL)
	if err != nil { // validated at load; kept for safety
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	return t.client(), nil
}

// LogCache logs which response cache the server uses (Redis without its credentials).
func (c *Config) LogCache(logger zerolog.Logger) {
	if c.RedisURL == "" {
		logger.Info().Str("cache", "in-process").Msg("cache: in-process (set REDIS_URL to share it between replicas)")
		return
	}
	t, _ := redisOptions(c.RedisURL)
	mode := ""
	if t != nil {
		mode = t.mode()
	}
	logger.Info().Str("cache", "redis").Str("redis", redisDisplay(c.RedisURL)).Str("redis_mode", mode).Msg("cache: Redis")
}

// RedisClientFromURL is RedisClient for a REDIS_URL read outside Load: the accounts CLI, which
// runs without the server's configuration, purges an unlinked account's cache with it.
func RedisClientFromURL(raw string) (redis.UniversalClient, error) {
	return (&Config{RedisURL: raw}).RedisClient()
}

// LogStart logs, once at start, where the cache lives, the warnings a deployment must not miss,
// and the configuration itself (secrets shown as set or unset only).
func (c *Config) LogStart(logger zerolog.Logger) {
	c.LogCache(logger)
	if c.MediaKeyGenerated {
		logger.Warn().Msg("MEDIA_SIGNING_KEY is not set: media URLs are signed with a random key of this process; they stop working at restart and on other replicas")
	}
	if c.Auth.Mode == "none" {
		logger.Warn().Msg("AUTH_MODE=none: every caller acts on the one account with every scope; only run this behind a gateway that authenticates")
	}
	logger.Info().Object("config", c).Msg("configuration")
}
