package config

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/loaders/redistest"
	"github.com/rs/zerolog"
)

// Secrets used in the tests below: none may appear in any message or log.
const (
	secretToken       = "tok-SECRET-0001"
	secretWebhookPass = "hook-SECRET-0002"
	secretHeaderValue = "header-SECRET-0003"
	secretRedisPass   = "redis-SECRET-0004"
	secretMediaKey    = "short-SECRET-0005"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestErrorsNameEveryVariable(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"LISTEN_ADDR":           "nope",
		"PUBLIC_URL":            "ftp://example.com",
		"GLADLY_API_TOKEN":      secretToken, // without base URL and username
		"GLADLY_RATE_LIMIT":     "0",
		"GLADLY_DEMO_FAULTS":    "error_rate=2",
		"REDIS_URL":             "redis://user:" + secretRedisPass + "@localhost:notaport/0",
		"CACHE_TTL_PROFILE":     "soon",
		"CACHE_TTL_DIRECTORY":   "-1s",
		"LOG_LEVEL":             "loud",
		"LOG_FORMAT":            "xml",
		"GRAPHQL_INTROSPECTION": "maybe",
		"OPERATION_CACHE":       "sometimes",
		"WEBHOOK_PASSWORD":      secretWebhookPass, // without username
		"WEBHOOK_HEADER_NAME":   "Bad Header",
		"WEBHOOK_HEADER_VALUE":  secretHeaderValue,
		"MEDIA_SIGNING_KEY":     secretMediaKey, // too short
		"MEDIA_URL_TTL":         "1ms",
		"MAX_QUERY_COMPLEXITY":  "lots",
		"MAX_QUERY_DEPTH":       "0",
		"MAX_QUERY_ALIASES":     "-1",
		"MAX_QUERY_TOKENS":      "many",
		"MAX_BODY_BYTES":        "-5",
		"REQUEST_TIMEOUT":       "forever",
		"SHUTDOWN_TIMEOUT":      "2d",
	}
	_, err := Load(nil, envOf(env), io.Discard)
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("config.Load = %v, want a *Error", err)
	}
	named := map[string]bool{}
	for _, p := range ce.Problems {
		env, rest, _ := strings.Cut(p, " ")
		named[env] = true
		if want := "(-" + flagNameOf(env) + "):"; !strings.HasPrefix(rest, want) {
			t.Errorf("problem %q does not name the flag %s", p, want)
		}
	}
	for _, v := range []string{
		"LISTEN_ADDR", "PUBLIC_URL", "GLADLY_BASE_URL", "GLADLY_USERNAME", "GLADLY_RATE_LIMIT",
		"GLADLY_DEMO_FAULTS", "REDIS_URL", "CACHE_TTL_PROFILE", "CACHE_TTL_DIRECTORY", "LOG_LEVEL", "LOG_FORMAT",
		"GRAPHQL_INTROSPECTION", "OPERATION_CACHE", "WEBHOOK_USERNAME", "WEBHOOK_HEADER_NAME", "MEDIA_SIGNING_KEY", "MEDIA_URL_TTL",
		"MAX_QUERY_COMPLEXITY", "MAX_QUERY_DEPTH", "MAX_QUERY_ALIASES", "MAX_QUERY_TOKENS", "MAX_BODY_BYTES", "REQUEST_TIMEOUT", "SHUTDOWN_TIMEOUT",
	} {
		if !named[v] {
			t.Errorf("no problem reported for %s", v)
		}
	}
	msg := err.Error()
	for _, s := range []string{secretToken, secretWebhookPass, secretHeaderValue, secretRedisPass, secretMediaKey} {
		if strings.Contains(msg, s) {
			t.Errorf("error message shows a secret %q:\n%s", s, msg)
		}
	}
	if !strings.Contains(msg, `(got "nope")`) {
		t.Errorf("non-secret values should be shown to help fix them:\n%s", msg)
	}
}

func TestConfigPartialGladly(t *testing.T) {
	t.Parallel()
	_, err := Load(nil, envOf(map[string]string{"GLADLY_BASE_URL": "acme"}), io.Discard)
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != 2 {
		t.Fatalf("config.Load = %v, want two problems (username, token)", err)
	}
	if !strings.HasPrefix(ce.Problems[0], "GLADLY_USERNAME ") || !strings.HasPrefix(ce.Problems[1], "GLADLY_API_TOKEN ") {
		t.Errorf("problems = %q", ce.Problems)
	}
}

func TestConfigFaultsOnlyInDemo(t *testing.T) {
	t.Parallel()
	env := map[string]string{"GLADLY_BASE_URL": "acme", "GLADLY_USERNAME": "api@acme.com", "GLADLY_API_TOKEN": secretToken, "GLADLY_DEMO_FAULTS": "latency=10ms"}
	_, err := Load(nil, envOf(env), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "GLADLY_DEMO_FAULTS") {
		t.Fatalf("config.Load = %v, want a GLADLY_DEMO_FAULTS problem", err)
	}
}

func TestConfigSecretNotShownWhenInvalid(t *testing.T) {
	t.Parallel()
	// Each secret setting, given a value it refuses: the message says what is wrong, not the value.
	for env, v := range map[string]string{
		"MEDIA_SIGNING_KEY": secretMediaKey,
		"REDIS_URL":         "redis://:" + secretRedisPass + "@host:6379/0?bogus_option=1",
	} {
		_, err := Load(nil, envOf(map[string]string{env: v}), io.Discard)
		if err == nil {
			t.Errorf("%s=%q accepted", env, v)
			continue
		}
		if strings.Contains(err.Error(), v) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: message shows the value: %v", env, err)
		}
		if !strings.Contains(err.Error(), "value not shown") {
			t.Errorf("%s: message does not say the value is hidden: %v", env, err)
		}
	}
}

func TestConfigURLCredentialsNotEchoed(t *testing.T) {
	t.Parallel()
	for _, env := range []string{"GLADLY_BASE_URL", "PUBLIC_URL"} {
		_, err := Load(nil, envOf(map[string]string{env: "https://api%40acme.com:" + secretToken + "@acme.gladly.com/x/y"}), io.Discard)
		if err == nil {
			t.Errorf("%s with credentials accepted", env)
			continue
		}
		if strings.Contains(err.Error(), secretToken) {
			t.Errorf("%s: message shows the password: %v", env, err)
		}
	}
}

func TestConfigDefaultsAndOverrides(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"LISTEN_ADDR":       ":1234",
		"GLADLY_BASE_URL":   "acme.gladly.qa",
		"GLADLY_USERNAME":   "api@acme.com",
		"GLADLY_API_TOKEN":  secretToken,
		"CACHE_TTL_PROFILE": "0",
		"MAX_BODY_BYTES":    "512KiB",
		"MAX_QUERY_TOKENS":  "5000",
		"WEBHOOK_USERNAME":  "gladly",
		"WEBHOOK_PASSWORD":  secretWebhookPass,
		"REDIS_URL":         "redis://:" + secretRedisPass + "@localhost:6379/2",
	}
	cfg, err := Load([]string{"-listen-addr", "127.0.0.1:9", "-log-level", "debug"}, envOf(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"flag beats env", cfg.ListenAddr, "127.0.0.1:9"},
		{"log level from flag", cfg.LogLevel, zerolog.DebugLevel},
		{"not the demo", cfg.Demo(), false},
		{"introspection off outside the demo", cfg.Introspection, false},
		{"profile TTL 0 disables", cfg.CacheTTL.Profile, time.Duration(0)},
		{"directory TTL default", cfg.CacheTTL.Directory, 5 * time.Minute},
		{"body limit", cfg.Limits.MaxBodyBytes, int64(512 << 10)},
		{"token limit", cfg.Limits.MaxQueryTokens, 5000},
		{"alias limit default", cfg.Limits.MaxQueryAliases, 50},
		{"webhooks on", cfg.WebhooksEnabled(), true},
		{"generated media key", cfg.MediaKeyGenerated, true},
		{"media key length", len(cfg.MediaSigningKey), 32},
		{"operation cache on by default", cfg.OperationCache, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	shown := cfg.String()
	var logged strings.Builder
	lg := zerolog.New(&logged)
	lg.Info().Object("config", cfg).Send()
	for _, out := range []string{shown, logged.String()} {
		for _, s := range []string{secretToken, secretWebhookPass, secretRedisPass} {
			if strings.Contains(out, s) {
				t.Errorf("configuration output shows secret %q:\n%s", s, out)
			}
		}
		if !strings.Contains(strings.ToLower(out), "gladly_api_token") || !strings.Contains(out, "[redacted]") {
			t.Errorf("configuration output should list the token as redacted:\n%s", out)
		}
	}
}

func TestConfigDemoIntrospection(t *testing.T) {
	t.Parallel()
	cfg, err := Load(nil, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Demo() || !cfg.Introspection {
		t.Errorf("demo = %v, introspection = %v; want both true", cfg.Demo(), cfg.Introspection)
	}
	cfg, err = Load([]string{"-graphql-introspection=false"}, envOf(nil), io.Discard)
	if err != nil || cfg.Introspection {
		t.Errorf("explicit false: %v, %v", cfg, err)
	}
}

func TestConfigHelpAndArguments(t *testing.T) {
	t.Parallel()
	var usage strings.Builder
	if _, err := Load([]string{"-help"}, envOf(nil), &usage); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-help: %v", err)
	}
	if !strings.Contains(usage.String(), "$GLADLY_API_TOKEN") {
		t.Errorf("usage does not name the environment variables:\n%s", usage.String())
	}
	if _, err := Load([]string{"serve"}, envOf(nil), io.Discard); err == nil {
		t.Error("a positional argument was accepted")
	}
}

func TestRedisURLForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url, mode string // mode "" = refused
	}{
		{"redis://localhost:6379/0", "single"},
		{"rediss://user:pw@cache.example.com:6380/1", "single"},
		{"unix:///run/redis.sock?db=2", "single"},
		{"redis://sentinel1:26379?master_name=main&addr=sentinel2:26379", "sentinel"},
		{"redis+sentinel://sentinel1:26379/0?master_name=main", "sentinel"},
		{"redis://node1:7000?addr=node2:7000&addr=node3:7000", "cluster"},
		{"rediss+cluster://node1:7000", "cluster"},
		{"redis+sentinel://sentinel1:26379", ""},
		{"http://localhost:6379", ""},
		{"redis://localhost:6379?no_such_option=1", ""},
		{"redis://localhost:6379/x", ""},
		{"redis+bogus://localhost", ""},
	}
	for _, tt := range tests {
		got, err := redisOptions(tt.url)
		switch {
		case tt.mode == "" && err == nil:
			t.Errorf("redisOptions(%q) accepted", tt.url)
		case tt.mode != "" && err != nil:
			t.Errorf("redisOptions(%q): %v", tt.url, err)
		case tt.mode != "" && got.mode() != tt.mode:
			t.Errorf("redisOptions(%q) mode = %s, want %s", tt.url, got.mode(), tt.mode)
		}
	}
	if got := redisDisplay("rediss://user:pw@cache.example.com:6380/1?password=x"); got != "rediss://cache.example.com:6380/1" {
		t.Errorf("redisDisplay = %q", got)
	}
}

// Every deployment form gets the breaker's client settings (one dial attempt, one retry, context
// deadlines on the socket) unless the URL names its own; and against a dead Redis a call fails at
// once with the refusal, not with the caller's deadline after go-redis's dial retries, which the
// breaker does not count (the cache then never opened and every read waited out its timeout).
func TestRedisClientTunedForTheBreaker(t *testing.T) {
	t.Parallel()
	want := loaders.Tuning(loaders.DefaultFetchConcurrency)
	tuned := func(size, idle, retries, dials int, poolTimeout, backoff time.Duration, ctxTimeout bool) loaders.RedisTuning {
		return loaders.RedisTuning{PoolSize: size, MinIdleConns: idle, MaxRetries: retries, DialerRetries: dials,
			PoolTimeout: poolTimeout, RetryBackoff: backoff, ContextTimeoutEnabled: ctxTimeout}
	}
	for _, u := range []string{"redis://localhost:6379/0", "redis+sentinel://s1:26379/0?master_name=m", "redis+cluster://n1:7000"} {
		tgt, err := redisOptions(u)
		if err != nil {
			t.Fatal(err)
		}
		var got loaders.RedisTuning
		switch {
		case tgt.simple != nil:
			o := tgt.simple
			got = tuned(o.PoolSize, o.MinIdleConns, o.MaxRetries, o.DialerRetries, o.PoolTimeout, o.MaxRetryBackoff, o.ContextTimeoutEnabled)
		case tgt.failover != nil:
			o := tgt.failover
			got = tuned(o.PoolSize, o.MinIdleConns, o.MaxRetries, o.DialerRetries, o.PoolTimeout, o.MaxRetryBackoff, o.ContextTimeoutEnabled)
		default:
			o := tgt.cluster
			got = tuned(o.PoolSize, o.MinIdleConns, o.MaxRetries, o.DialerRetries, o.PoolTimeout, o.MaxRetryBackoff, o.ContextTimeoutEnabled)
		}
		if got != want {
			t.Errorf("%s: %+v, want %+v", u, got, want)
		}
	}
	tgt, err := redisOptions("redis://localhost:6379/0?pool_size=7&max_retries=3")
	if err != nil {
		t.Fatal(err)
	}
	if tgt.simple.PoolSize != 7 || tgt.simple.MaxRetries != 3 {
		t.Errorf("the URL's own pool_size and max_retries: %d, %d", tgt.simple.PoolSize, tgt.simple.MaxRetries)
	}

	c := &Config{RedisURL: redistest.ClosedURL(t)}
	rdb, err := c.RedisClient()
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	for range 3 {
		ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
		err := rdb.Get(ctx, "k").Err()
		cancel()
		var ne *net.OpError
		if !errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a call to a dead Redis ended with %v, want the refusal", err)
		}
	}
}

// The bounds of issue 14 are settings like any other: defaults, overrides, and values out of
// range refused naming the variable. The per-caller share is off by default behind a gateway
// (AUTH_MODE=none: every request is one anonymous caller) unless set.
func TestConfigUpstreamAndResponseBounds(t *testing.T) {
	t.Parallel()
	c, err := Load(nil, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.CallerUpstreamRate != 5 || c.CallerUpstreamBurst != 100 || c.Limits.MaxOperationUpstreamCalls != 100 ||
		c.GladlyMaxRetryAfter != time.Minute || c.GladlyMaxResponseBytes != 32<<20 || c.Limits.MaxResponseBytes != 16<<20 ||
		c.Limits.APQMaxBytes != 16<<20 || c.Limits.QueryCacheBytes != 32<<20 {
		t.Errorf("defaults: %+v %+v", c, c.Limits)
	}
	c, err = Load(nil, envOf(map[string]string{"CALLER_UPSTREAM_RATE": "0.5", "CALLER_UPSTREAM_BURST": "20", "MAX_OPERATION_UPSTREAM_CALLS": "0",
		"GLADLY_MAX_RETRY_AFTER": "5s", "GLADLY_MAX_RESPONSE_BYTES": "1MiB", "MAX_RESPONSE_BYTES": "512KiB", "APQ_MAX_BYTES": "1MiB", "QUERY_CACHE_BYTES": "2MiB"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.CallerUpstreamRate != 0.5 || c.CallerUpstreamBurst != 20 || c.Limits.MaxOperationUpstreamCalls != 0 || c.GladlyMaxRetryAfter != 5*time.Second ||
		c.GladlyMaxResponseBytes != 1<<20 || c.Limits.MaxResponseBytes != 512<<10 || c.Limits.APQMaxBytes != 1<<20 || c.Limits.QueryCacheBytes != 2<<20 {
		t.Errorf("overrides: %+v %+v", c, c.Limits)
	}
	gw := map[string]string{"GLADLY_BASE_URL": "acme", "GLADLY_USERNAME": "a@b.c", "GLADLY_API_TOKEN": secretToken, "AUTH_MODE": "none"}
	if c, err = Load(nil, envOf(gw), io.Discard); err != nil || c.CallerUpstreamRate != 0 {
		t.Errorf("AUTH_MODE=none: rate %v, %v", c.CallerUpstreamRate, err)
	}
	gw["CALLER_UPSTREAM_RATE"] = "3"
	if c, err = Load(nil, envOf(gw), io.Discard); err != nil || c.CallerUpstreamRate != 3 {
		t.Errorf("AUTH_MODE=none with a rate set: rate %v, %v", c.CallerUpstreamRate, err)
	}
	bad := map[string]string{"CALLER_UPSTREAM_RATE": "-1", "CALLER_UPSTREAM_BURST": "0", "MAX_OPERATION_UPSTREAM_CALLS": "-3",
		"GLADLY_MAX_RETRY_AFTER": "0s", "GLADLY_MAX_RESPONSE_BYTES": "lots", "MAX_RESPONSE_BYTES": "2TiB", "APQ_MAX_BYTES": "0", "QUERY_CACHE_BYTES": "-1"}
	_, err = Load(nil, envOf(bad), io.Discard)
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("Load = %v", err)
	}
	for env := range bad {
		if !strings.Contains(ce.Error(), env) {
			t.Errorf("%s=%s accepted: %v", env, bad[env], ce)
		}
	}
	if _, err := Load(nil, envOf(map[string]string{"CALLER_UPSTREAM_RATE": "NaN"}), io.Discard); err == nil {
		t.Error("CALLER_UPSTREAM_RATE=NaN accepted")
	}
}

func TestConfigUnknownGladlyNames(t *testing.T) {
	t.Parallel()
	// The misspelling that used to start the demo silently.
	_, err := Load(nil, func(string) string { return "" }, io.Discard,
		WithEnviron([]string{"PATH=/bin", "GLADLY_BASEURL=https://acme.gladly.com", "GLADGRAPH_LISTEN_ADDR=:80", "HOME=/root"}))
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("Load = %v, want a configuration error", err)
	}
	msg := err.Error()
	for _, want := range []string{"GLADLY_BASEURL: unknown variable; did you mean GLADLY_BASE_URL?", "GLADGRAPH_LISTEN_ADDR: unknown variable; did you mean LISTEN_ADDR?"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "acme.gladly.com") {
		t.Errorf("the value was echoed:\n%s", msg)
	}
	if strings.Contains(msg, "PATH") || strings.Contains(msg, "HOME") {
		t.Errorf("variables without the prefixes were judged:\n%s", msg)
	}

	_, err = Load([]string{"-gladly-baseurl=https://acme.gladly.com"}, func(string) string { return "" }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-gladly-baseurl: unknown flag; did you mean -gladly-base-url?") {
		t.Errorf("unknown flag: %v", err)
	}

	// Known names pass, in either form.
	env := map[string]string{"GLADLY_DEMO_FAULTS": "latency=1ms"}
	if _, err := Load([]string{"-gladly-rate-limit", "5"}, func(k string) string { return env[k] }, io.Discard,
		WithEnviron([]string{"GLADLY_DEMO_FAULTS=latency=1ms", "OTEL_SERVICE_NAME=x"})); err != nil {
		t.Errorf("known names refused: %v", err)
	}
}
