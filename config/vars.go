package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
)

// settings are every configuration variable, in the order -help lists them. Parsers return
// messages that never contain the value: Load adds it for settings that are not secret.
var settings = []setting{
	{env: "LISTEN_ADDR", def: ":4001", usage: "address to listen on (host:port)", set: func(c *Config, v string) error {
		if _, port, err := net.SplitHostPort(v); err != nil {
			return errors.New("must be host:port, e.g. :4001 or 127.0.0.1:4001")
		} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			return errors.New("port must be a number from 0 to 65535")
		}
		c.ListenAddr = v
		return nil
	}},
	{env: "PUBLIC_URL", def: "http://localhost:<port>", usage: "base URL clients reach gladgraph at; used in the media links it hands out", set: func(c *Config, v string) error {
		u, err := url.Parse(v)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			return errors.New("must be an absolute http(s) URL, e.g. https://graph.example.com")
		case u.User != nil:
			return errors.New("must not carry credentials")
		case u.RawQuery != "" || u.Fragment != "":
			return errors.New("must not have a query or fragment")
		}
		c.PublicURL = strings.TrimRight(v, "/")
		return nil
	}},
	{env: "GLADLY_BASE_URL", usage: "Gladly organization: slug, host or URL (unset: run the demo)", set: func(c *Config, v string) error {
		if _, err := gladly.ParseBaseURL(v); err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), "gladly: "))
		}
		c.GladlyBaseURL = v
		return nil
	}},
	{env: "GLADLY_USERNAME", usage: "email address of the Gladly API user", set: func(c *Config, v string) error {
		c.GladlyUsername = v
		return nil
	}},
	{env: "GLADLY_API_TOKEN", secret: true, usage: "API token of the Gladly API user (prefer the environment to the flag)", set: func(c *Config, v string) error {
		c.GladlyToken = v
		return nil
	}},
	{env: "GLADLY_RATE_LIMIT", def: "10", usage: "requests per second gladgraph sends to the Gladly organization", set: func(c *Config, v string) error {
		n, err := parseInt(v, 1, 10000)
		c.GladlyRateLimit = n
		return err
	}},
	{env: "GLADLY_MAX_RETRY_AFTER", def: "1m0s", usage: "longest pause a Gladly 429's Retry-After may impose on the account's client", set: func(c *Config, v string) error {
		d, err := parseDuration(v, time.Second, time.Hour)
		c.GladlyMaxRetryAfter = d
		return err
	}},
	{env: "GLADLY_MAX_RESPONSE_BYTES", def: "32MiB", usage: "largest Gladly answer read (bytes; KiB/MiB suffixes allowed); a larger one fails as UPSTREAM_RESPONSE_TOO_LARGE", set: func(c *Config, v string) error {
		n, err := parseBytes(v)
		c.GladlyMaxResponseBytes = n
		return err
	}},
	{env: "CALLER_UPSTREAM_RATE", def: "5; 0 with AUTH_MODE=none", usage: "Gladly calls per second one caller (API key, JWT subject, else client address) may cost, sustained; 0 switches the per-caller share off", set: func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f != f {
			return errors.New("must be a number of calls per second, e.g. 5 or 0.5")
		}
		if f < 0 || f > 10000 {
			return errors.New("must be from 0 to 10000")
		}
		c.CallerUpstreamRate = f
		return nil
	}},
	{env: "CALLER_UPSTREAM_BURST", def: "100", usage: "Gladly calls one caller may cost at once before CALLER_UPSTREAM_RATE applies", set: func(c *Config, v string) error {
		n, err := parseInt(v, 1, 1_000_000)
		c.CallerUpstreamBurst = n
		return err
	}},
	{env: "GLADLY_DEMO_FAULTS", usage: "upstream faults for the demo, e.g. error_rate=0.2,rate_limit_rate=0.1,latency=20ms", set: func(c *Config, v string) error {
		f, err := ParseDemoFaults(v)
		c.DemoFaults = f
		return err
	}},
	{env: "REDIS_URL", secret: true, usage: "Redis for the shared cache: redis://, rediss://, unix://; sentinel with ?master_name=, cluster with redis+cluster:// or several ?addr= (unset: in-process cache)", set: func(c *Config, v string) error {
		if _, err := redisOptions(v); err != nil {
			return err
		}
		c.RedisURL = v
		return nil
	}},
	ttlSetting("CACHE_TTL_DIRECTORY", "5m0s", "organization, agents, teams, inboxes, topics, audiences", func(c *Config) *time.Duration { return &c.CacheTTL.Directory }),
	ttlSetting("CACHE_TTL_PROFILE", "1m0s", "customer profiles and lookups", func(c *Config) *time.Duration { return &c.CacheTTL.Profile }),
	ttlSetting("CACHE_TTL_TASK", "1m0s", "tasks and task comments", func(c *Config) *time.Duration { return &c.CacheTTL.Task }),
	ttlSetting("CACHE_TTL_CONVERSATION", "30s", "conversations and customers' conversation lists", func(c *Config) *time.Duration { return &c.CacheTTL.Conversation }),
	ttlSetting("CACHE_TTL_ITEM", "1m0s", "conversation items, notes, transcripts", func(c *Config) *time.Duration { return &c.CacheTTL.Item }),
	ttlSetting("CACHE_TTL_ANSWER", "5m0s", "answers and their content, public answers", func(c *Config) *time.Duration { return &c.CacheTTL.Answer }),
	ttlSetting("CACHE_TTL_NOT_FOUND", "10s", "Gladly 404 answers", func(c *Config) *time.Duration { return &c.CacheTTL.NotFound }),
	{env: "OPERATION_CACHE", def: "on", usage: "answer a repeated query from the response it produced, until a write, a webhook or the shortest TTL it read drops it (on or off)", set: func(c *Config, v string) error {
		b, err := parseBool(v)
		c.OperationCache = b
		return err
	}},
	{env: "LOG_LEVEL", def: "info", usage: "trace, debug, info, warn, error or disabled", set: func(c *Config, v string) error {
		l, err := zerolog.ParseLevel(strings.ToLower(v))
		if err != nil || l == zerolog.NoLevel {
			return errors.New("must be one of trace, debug, info, warn, error, disabled")
		}
		c.LogLevel = l
		return nil
	}},
	{env: "LOG_FORMAT", def: "auto", usage: "json, console, or auto (console when stdout is a terminal)", set: func(c *Config, v string) error {
		switch v = strings.ToLower(v); v {
		case "json", "console", "auto":
			c.LogFormat = v
			return nil
		}
		return errors.New("must be json, console or auto")
	}},
	{env: "GRAPHQL_INTROSPECTION", def: "true in the demo, else false", usage: "allow GraphQL introspection (federation's _service works regardless)", set: func(c *Config, v string) error {
		b, err := parseBool(v)
		c.Introspection = b
		return err
	}},
	{env: "WEBHOOK_USERNAME", usage: "Basic username Gladly sends with webhook deliveries", set: func(c *Config, v string) error {
		c.WebhookUsername = v
		return nil
	}},
	{env: "WEBHOOK_PASSWORD", secret: true, usage: "Basic password Gladly sends with webhook deliveries", set: func(c *Config, v string) error {
		c.WebhookPassword = v
		return nil
	}},
	{env: "WEBHOOK_HEADER_NAME", usage: "name of a static header Gladly sends with webhook deliveries", set: func(c *Config, v string) error {
		if !validHeaderName(v) {
			return errors.New("must be an HTTP header name (letters, digits, - and a few other symbols)")
		}
		c.WebhookHeaderName = v
		return nil
	}},
	{env: "WEBHOOK_HEADER_VALUE", secret: true, usage: "value of that header", set: func(c *Config, v string) error {
		c.WebhookHeaderValue = v
		return nil
	}},
	{env: "MEDIA_SIGNING_KEY", secret: true, def: "random per process", usage: "key (32 bytes or more) signing media URLs; set it when several replicas serve one PUBLIC_URL", set: func(c *Config, v string) error {
		if len(v) < 32 {
			return errors.New("must be at least 32 bytes long")
		}
		c.MediaSigningKey = []byte(v)
		return nil
	}},
	{env: "MEDIA_URL_TTL", def: "15m0s", usage: "how long a media URL stays valid", set: func(c *Config, v string) error {
		d, err := parseDuration(v, time.Second, 7*24*time.Hour)
		c.MediaURLTTL = d
		return err
	}},
	{env: "MAX_QUERY_COMPLEXITY", def: "100000", usage: "largest estimated number of objects one query may resolve (each list counts first/last items, 20 when unbounded)", set: func(c *Config, v string) error {
		n, err := parseInt(v, 1, 1_000_000)
		c.Limits.MaxQueryComplexity = n
		return err
	}},
	{env: "MAX_QUERY_DEPTH", def: "15", usage: "deepest GraphQL selection accepted", set: func(c *Config, v string) error {
		n, err := parseInt(v, 1, 1000)
		c.Limits.MaxQueryDepth = n
		return err
	}},
	{env: "MAX_ENTITY_REPRESENTATIONS", def: "500", usage: "most representations one _entities query may carry", set: func(c *Config, v string) error {
		n, err := parseInt(v, 1, 100_000)
		c.Limits.MaxEntityRepresentations = n
		return err
	}},
	{env: "MAX_QUERY_ALIASES", def: "50", usage: "most aliased fields one GraphQL document may carry (checked before parsing)", set: func(c *Config, v string) error {
		n, err := parseInt(v, 1, 100_000)
		c.Limits.MaxQueryAliases = n
		return err
	}},
	{env: "MAX_QUERY_TOKENS", def: "2000", usage: "most lexical tokens one GraphQL document may carry (checked before parsing)", set: func(c *Config, v string) error {
		n, err := parseInt(v, 1, 1_000_000)
		c.Limits.MaxQueryTokens = n
		return err
	}},
	{env: "MAX_OPERATION_UPSTREAM_CALLS", def: "100", usage: "most Gladly calls one operation may cost, estimated before execution with every cache cold; 0: no bound", set: func(c *Config, v string) error {
		n, err := parseInt(v, 0, 1_000_000)
		c.Limits.MaxOperationUpstreamCalls = n
		return err
	}},
	{env: "MAX_RESPONSE_BYTES", def: "16MiB", usage: "largest GraphQL answer sent (bytes); a larger one is replaced by a RESPONSE_TOO_LARGE error", set: func(c *Config, v string) error {
		n, err := parseBytes(v)
		if err == nil && n > 1<<30 {
			return errors.New("must be at most 1GiB")
		}
		c.Limits.MaxResponseBytes = n
		return err
	}},
	{env: "APQ_MAX_BYTES", def: "16MiB", usage: "bytes of automatic persisted queries kept, in Redis or in process (the oldest go first); one query is kept only up to 64KiB", set: func(c *Config, v string) error {
		n, err := parseBytes(v)
		if err == nil && n > 1<<30 {
			return errors.New("must be at most 1GiB")
		}
		c.Limits.APQMaxBytes = n
		return err
	}},
	{env: "QUERY_CACHE_BYTES", def: "32MiB", usage: "bytes of parsed GraphQL documents kept for reuse", set: func(c *Config, v string) error {
		n, err := parseBytes(v)
		if err == nil && n > 1<<30 {
			return errors.New("must be at most 1GiB")
		}
		c.Limits.QueryCacheBytes = n
		return err
	}},
	{env: "MAX_BODY_BYTES", def: "1MiB", usage: "largest request body accepted (bytes; KiB/MiB suffixes allowed)", set: func(c *Config, v string) error {
		n, err := parseBytes(v)
		c.Limits.MaxBodyBytes = n
		return err
	}},
	{env: "REQUEST_TIMEOUT", def: "30s", usage: "time a GraphQL request may take", set: func(c *Config, v string) error {
		d, err := parseDuration(v, time.Millisecond, time.Hour)
		c.Limits.RequestTimeout = d
		return err
	}},
	{env: "SHUTDOWN_TIMEOUT", def: "25s", usage: "time to drain requests on SIGINT/SIGTERM", set: func(c *Config, v string) error {
		d, err := parseDuration(v, 0, time.Hour)
		c.Limits.ShutdownTimeout = d
		return err
	}},
	{env: "SHUTDOWN_DELAY", def: "5s (0 in the demo)", usage: "time to keep serving after SIGTERM while /readyz answers 503, before draining (lets load balancers stop routing here)", set: func(c *Config, v string) error {
		d, err := parseDuration(v, 0, 10*time.Minute)
		c.Limits.ShutdownDelay = d
		return err
	}},
}

func ttlSetting(env, def, what string, field func(*Config) *time.Duration) setting {
	return setting{env: env, def: def, usage: "cache lifetime of " + what + " (0 disables)", set: func(c *Config, v string) error {
		d, err := parseDuration(v, 0, 24*time.Hour)
		*field(c) = d
		return err
	}}
}

func parseInt(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errors.New("must be a whole number")
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("must be from %d to %d", lo, hi)
	}
	return n, nil
}

func parseDuration(v string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		if v == "0" {
			d, err = 0, nil
		} else {
			return 0, errors.New("must be a duration such as 30s, 5m or 1h30m")
		}
	}
	if d < lo || d > hi {
		return 0, fmt.Errorf("must be from %s to %s", lo, hi)
	}
	return d, nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "t", "true", "yes", "on":
		return true, nil
	case "0", "f", "false", "no", "off":
		return false, nil
	}
	return false, errors.New("must be true or false")
}

func parseBytes(v string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"KB", 1000}, {"MB", 1000 * 1000}, {"B", 1}}
	num, mult := v, int64(1)
	for _, u := range units {
		if strings.HasSuffix(v, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("must be a positive number of bytes, e.g. 1048576, 512KiB or 1MiB")
	}
	if n > (1<<40)/mult {
		return 0, errors.New("must be at most 1TiB")
	}
	return n * mult, nil
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("!#$%&'*+-.^_`|~", r):
		default:
			return false
		}
	}
	return true
}
