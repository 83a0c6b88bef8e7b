package config

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/gladly"
)

// Config is the server's configuration, read from the environment and flags (flags win).
// Its String and MarshalZerologObject never show a secret.
type Config struct {
	ListenAddr string
	// PublicURL is the base of links gladgraph hands out (media URLs); no trailing slash.
	// Empty until resolved from the listener when PUBLIC_URL is unset.
	PublicURL string

	// Gladly: all three, or none for the demo.
	GladlyBaseURL   string
	GladlyUsername  string
	GladlyToken     string
	GladlyRateLimit int // requests per second for the organization
	// GladlyMaxRetryAfter caps the pause a 429's Retry-After imposes on an account's client.
	GladlyMaxRetryAfter time.Duration
	// GladlyMaxResponseBytes caps one Gladly answer.
	GladlyMaxResponseBytes int64
	// CallerUpstreamRate is each caller's share of an account's Gladly calls per second
	// (0: off); CallerUpstreamBurst is what a caller may spend at once.
	CallerUpstreamRate  float64
	CallerUpstreamBurst int
	// DemoFaults are injected into the demo's in-process Gladly.
	DemoFaults DemoFaults

	RedisURL string // empty: in-process cache
	CacheTTL CacheTTLs
	// OperationCache answers repeated queries from the account's cache before execution
	// (package opcache); on by default.
	OperationCache bool

	LogLevel  zerolog.Level
	LogFormat string // json, console or auto

	// Introspection enables GraphQL introspection (_service stays reachable regardless).
	Introspection bool

	// Webhook receiver credentials; with none configured the receiver is disabled (404).
	WebhookUsername    string
	WebhookPassword    string
	WebhookHeaderName  string
	WebhookHeaderValue string

	MediaSigningKey []byte
	// MediaKeyGenerated is true when no key was configured and a random one was made.
	MediaKeyGenerated bool
	MediaURLTTL       time.Duration

	Limits Limits

	// Auth is how callers are authenticated (AUTH_*, ROUTER_SECRET, ADMIN_API_KEY); its
	// DefaultAccount is DefaultAccount().
	Auth auth.Config
	// DatabaseURL is the PostgreSQL of the linked accounts; empty: the one account of GLADLY_*
	// or the demo's two.
	DatabaseURL string
	// AccountsKeys is ACCOUNTS_ENCRYPTION_KEYS (validated by accounts.ParseKeyring).
	AccountsKeys string
	// MCPAllowArbitraryOperations offers the execute_graphql MCP tool.
	MCPAllowArbitraryOperations bool
	// MCPAllowedOrigins may call /mcp from a browser.
	MCPAllowedOrigins []string
	// Guards: ALLOWED_HOSTS, CORS_ALLOWED_ORIGINS, MAX_IN_FLIGHT, MAX_CONNECTIONS (guards.go).
	Guards Guards
	// Subscriptions bound the GraphQL subscriptions (config/subscriptions.go).
	Subscriptions Subscriptions
}

// CacheTTLs are the response cache's lifetimes by class of data. Zero disables caching of
// that class.
type CacheTTLs struct {
	Directory    time.Duration // organization, agents, teams, inboxes, topics, audiences
	Profile      time.Duration // customer profiles and lookups
	Task         time.Duration // tasks and task comments
	Conversation time.Duration // conversations and customers' conversation lists
	Item         time.Duration // conversation items, notes, transcripts
	Answer       time.Duration // answers, their content, public answers
	NotFound     time.Duration // 404 answers, for any class
}

// Limits bound what one request may ask.
type Limits struct {
	MaxQueryComplexity       int
	MaxQueryDepth            int
	MaxEntityRepresentations int
	MaxQueryAliases          int
	MaxQueryTokens           int
	MaxBodyBytes             int64
	// MaxOperationUpstreamCalls bounds one operation's estimated Gladly calls (0: none).
	MaxOperationUpstreamCalls int
	// MaxResponseBytes bounds one GraphQL answer; APQMaxBytes the persisted
	// queries; QueryCacheBytes the parsed documents kept.
	MaxResponseBytes int64
	APQMaxBytes      int64
	QueryCacheBytes  int64
	RequestTimeout   time.Duration
	ShutdownTimeout  time.Duration
	// ShutdownDelay is how long the server keeps serving after SIGTERM while readiness answers
	// 503, so that load balancers stop sending traffic before the listener closes.
	ShutdownDelay time.Duration
}

// Demo reports whether the server runs against the in-process fake Gladly.
func (c *Config) Demo() bool { return c.GladlyBaseURL == "" && c.DatabaseURL == "" }

// WebhooksEnabled reports whether webhook credentials are configured.
func (c *Config) WebhooksEnabled() bool {
	return c.WebhookUsername != "" || c.WebhookHeaderName != ""
}

func defaultConfig() Config {
	return Config{
		ListenAddr:             ":4001",
		GladlyRateLimit:        gladly.DefaultRequestsPerSecond,
		GladlyMaxRetryAfter:    gladly.DefaultMaxRetryAfter,
		GladlyMaxResponseBytes: gladly.DefaultMaxResponseBytes,
		CallerUpstreamRate:     5,
		CallerUpstreamBurst:    100,
		CacheTTL: CacheTTLs{
			Directory:    5 * time.Minute,
			Profile:      60 * time.Second,
			Task:         60 * time.Second,
			Conversation: 30 * time.Second,
			Item:         60 * time.Second,
			Answer:       5 * time.Minute,
			NotFound:     10 * time.Second,
		},
		LogLevel:      zerolog.InfoLevel,
		LogFormat:     "auto",
		MediaURLTTL:   15 * time.Minute,
		Guards:        Guards{MaxInFlight: 1000, MaxConnections: 4096},
		Subscriptions: defaultSubscriptions(),
		Limits: Limits{
			MaxQueryComplexity:        100000,
			MaxQueryDepth:             15,
			MaxEntityRepresentations:  500,
			MaxQueryAliases:           50,
			MaxQueryTokens:            2000,
			MaxBodyBytes:              1 << 20,
			MaxOperationUpstreamCalls: 100,
			MaxResponseBytes:          16 << 20,
			APQMaxBytes:               16 << 20,
			QueryCacheBytes:           32 << 20,
			RequestTimeout:            30 * time.Second,
			ShutdownTimeout:           25 * time.Second,
			ShutdownDelay:             5 * time.Second,
		},
		OperationCache: true,
	}
}

// setting is one configuration variable and its flag.
type setting struct {
	env    string
	usage  string
	def    string // shown in -help
	secret bool   // never shown: not in errors, usage defaults, String or logs
	set    func(c *Config, v string) error
}

func (s setting) flagName() string {
	return strings.ReplaceAll(strings.ToLower(s.env), "_", "-")
}

// Error lists every configuration problem found (the command exits 2 on it).
type Error struct{ Problems []string }

func (e *Error) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}

// Load reads the configuration from getenv and args (flags override the environment)
// and validates it, reporting every problem at once. flag.ErrHelp is returned for -help.
// With WithEnviron, unknown GLADLY_* and GLADGRAPH_* variables are problems too; unknown flags
// with those prefixes always are.
func Load(args []string, getenv func(string) string, usageOut io.Writer, opts ...LoadOption) (*Config, error) {
	var lo loadOptions
	for _, o := range opts {
		o(&lo)
	}
	if unknown := unknownNames(lo.environ, args); len(unknown) > 0 {
		// Before parsing: the flag package would stop at the first unknown flag with no hint.
		return nil, &Error{Problems: unknown}
	}
	fs := flag.NewFlagSet("gladgraph", flag.ContinueOnError)
	fs.SetOutput(usageOut)
	flagVals := make(map[string]*string, len(settings))
	for _, s := range settings {
		u := s.usage + " [$" + s.env + "]"
		if s.def != "" {
			u += " (default " + s.def + ")"
		}
		flagVals[s.env] = fs.String(s.flagName(), "", u)
	}
	fs.Usage = func() {
		fmt.Fprintf(usageOut, "Usage: gladgraph [flags]\n\nEvery flag can also be set through the environment variable named in brackets; flags win.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, &Error{Problems: []string{fmt.Sprintf("unexpected argument %q (configuration is given by flags and environment variables)", fs.Arg(0))}}
	}
	raw := make(map[string]string, len(settings))
	for _, s := range settings {
		raw[s.env] = strings.TrimSpace(getenv(s.env))
	}
	fs.Visit(func(f *flag.Flag) {
		for _, s := range settings {
			if s.flagName() == f.Name {
				raw[s.env] = strings.TrimSpace(*flagVals[s.env])
			}
		}
	})

	c := defaultConfig()
	var problems []string
	problem := func(env, msg string) {
		problems = append(problems, fmt.Sprintf("%s (-%s): %s", env, flagNameOf(env), msg))
	}
	for _, s := range settings {
		v := raw[s.env]
		if v == "" {
			continue
		}
		if err := s.set(&c, v); err != nil {
			msg := err.Error()
			if s.secret {
				msg += " (value not shown)"
			} else {
				msg += fmt.Sprintf(" (got %q)", withoutUserinfo(v))
			}
			problem(s.env, msg)
		}
	}

	// Gladly: all or nothing. A token without a base URL would otherwise silently start the demo.
	gl := map[string]bool{"GLADLY_BASE_URL": raw["GLADLY_BASE_URL"] != "", "GLADLY_USERNAME": raw["GLADLY_USERNAME"] != "", "GLADLY_API_TOKEN": raw["GLADLY_API_TOKEN"] != ""}
	if n := count(gl); n > 0 && n < 3 {
		for _, env := range []string{"GLADLY_BASE_URL", "GLADLY_USERNAME", "GLADLY_API_TOKEN"} {
			if !gl[env] {
				problem(env, "required when any of GLADLY_BASE_URL, GLADLY_USERNAME, GLADLY_API_TOKEN is set (set all three, or none to run the demo)")
			}
		}
	}
	if gl["GLADLY_BASE_URL"] && raw["GLADLY_DEMO_FAULTS"] != "" {
		problem("GLADLY_DEMO_FAULTS", "only applies to the demo; unset it or GLADLY_BASE_URL")
	}
	pair := func(a, b string) { // settings that only make sense together
		switch {
		case raw[a] != "" && raw[b] == "":
			problem(b, "required with "+a)
		case raw[a] == "" && raw[b] != "":
			problem(a, "required with "+b)
		}
	}
	pair("WEBHOOK_USERNAME", "WEBHOOK_PASSWORD")
	pair("WEBHOOK_HEADER_NAME", "WEBHOOK_HEADER_VALUE")
	if raw["WEBHOOK_HEADER_NAME"] != "" && strings.EqualFold(raw["WEBHOOK_HEADER_NAME"], "Authorization") {
		problem("WEBHOOK_HEADER_NAME", "must not be Authorization (use WEBHOOK_USERNAME and WEBHOOK_PASSWORD for Basic credentials)")
	}
	checkAccess(&c, raw, problem)
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}

	if raw["GRAPHQL_INTROSPECTION"] == "" {
		// The demo exists to be explored; a production subgraph need not publish its schema
		// to anyone who asks (routers compose through _service, which stays reachable).
		c.Introspection = c.Demo()
	}
	if raw["CALLER_UPSTREAM_RATE"] == "" && c.Auth.Mode == auth.ModeNone {
		// Behind a gateway that authenticates, every request comes from the gateway as one
		// anonymous caller: a per-caller share would be the whole traffic's.
		c.CallerUpstreamRate = 0
	}
	if c.MediaSigningKey == nil {
		c.MediaSigningKey = make([]byte, 32)
		_, _ = rand.Read(c.MediaSigningKey)
		c.MediaKeyGenerated = true
	}
	return &c, nil
}

// withoutUserinfo hides the user:password part of a URL-shaped value before it is echoed: a
// base URL pasted with credentials in it must not end up in logs.
func withoutUserinfo(v string) string {
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok {
		return v
	}
	authority, path, _ := strings.Cut(rest, "/")
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return v
	}
	out := scheme + "://[redacted]@" + authority[at+1:]
	if len(rest) > len(authority) {
		out += "/" + path
	}
	return out
}

func flagNameOf(env string) string { return setting{env: env}.flagName() }

func count(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}

// DefaultPublicURL is http://localhost:<port> for the address actually listened on.
func DefaultPublicURL(addr net.Addr) string {
	host, port := "localhost", "4001"
	if ta, ok := addr.(*net.TCPAddr); ok {
		port = strconv.Itoa(ta.Port)
		if !ta.IP.IsUnspecified() && !ta.IP.IsLoopback() {
			host = ta.IP.String()
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// String shows the configuration with every secret replaced by whether it is set.
func (c *Config) String() string {
	var sb strings.Builder
	for _, kv := range c.fields() {
		fmt.Fprintf(&sb, "%s=%s\n", kv[0], kv[1])
	}
	return sb.String()
}

// MarshalZerologObject logs the configuration without secrets.
func (c *Config) MarshalZerologObject(e *zerolog.Event) {
	for _, kv := range c.fields() {
		e.Str(strings.ToLower(kv[0]), kv[1])
	}
}

func redacted(set bool) string {
	if set {
		return "[redacted]"
	}
	return "[unset]"
}

func (c *Config) fields() [][2]string {
	d := func(v time.Duration) string { return v.String() }
	mediaKey := redacted(len(c.MediaSigningKey) > 0)
	if c.MediaKeyGenerated {
		mediaKey = "[random per process]"
	}
	fields := [][2]string{
		{"LISTEN_ADDR", c.ListenAddr},
		{"PUBLIC_URL", c.PublicURL},
		{"GLADLY_BASE_URL", c.GladlyBaseURL},
		{"GLADLY_USERNAME", c.GladlyUsername},
		{"GLADLY_API_TOKEN", redacted(c.GladlyToken != "")},
		{"GLADLY_RATE_LIMIT", strconv.Itoa(c.GladlyRateLimit)},
		{"GLADLY_MAX_RETRY_AFTER", d(c.GladlyMaxRetryAfter)},
		{"GLADLY_MAX_RESPONSE_BYTES", strconv.FormatInt(c.GladlyMaxResponseBytes, 10)},
		{"CALLER_UPSTREAM_RATE", strconv.FormatFloat(c.CallerUpstreamRate, 'g', -1, 64)},
		{"CALLER_UPSTREAM_BURST", strconv.Itoa(c.CallerUpstreamBurst)},
		{"GLADLY_DEMO_FAULTS", c.DemoFaults.String()},
		{"REDIS_URL", redisDisplay(c.RedisURL)},
		{"CACHE_TTL_DIRECTORY", d(c.CacheTTL.Directory)},
		{"CACHE_TTL_PROFILE", d(c.CacheTTL.Profile)},
		{"CACHE_TTL_TASK", d(c.CacheTTL.Task)},
		{"CACHE_TTL_CONVERSATION", d(c.CacheTTL.Conversation)},
		{"CACHE_TTL_ITEM", d(c.CacheTTL.Item)},
		{"CACHE_TTL_ANSWER", d(c.CacheTTL.Answer)},
		{"CACHE_TTL_NOT_FOUND", d(c.CacheTTL.NotFound)},
		{"OPERATION_CACHE", strconv.FormatBool(c.OperationCache)},
		{"LOG_LEVEL", c.LogLevel.String()},
		{"LOG_FORMAT", c.LogFormat},
		{"GRAPHQL_INTROSPECTION", strconv.FormatBool(c.Introspection)},
		{"WEBHOOK_USERNAME", c.WebhookUsername},
		{"WEBHOOK_PASSWORD", redacted(c.WebhookPassword != "")},
		{"WEBHOOK_HEADER_NAME", c.WebhookHeaderName},
		{"WEBHOOK_HEADER_VALUE", redacted(c.WebhookHeaderValue != "")},
		{"MEDIA_SIGNING_KEY", mediaKey},
		{"MEDIA_URL_TTL", d(c.MediaURLTTL)},
		{"MAX_QUERY_COMPLEXITY", strconv.Itoa(c.Limits.MaxQueryComplexity)},
		{"MAX_QUERY_DEPTH", strconv.Itoa(c.Limits.MaxQueryDepth)},
		{"MAX_ENTITY_REPRESENTATIONS", strconv.Itoa(c.Limits.MaxEntityRepresentations)},
		{"MAX_QUERY_ALIASES", strconv.Itoa(c.Limits.MaxQueryAliases)},
		{"MAX_QUERY_TOKENS", strconv.Itoa(c.Limits.MaxQueryTokens)},
		{"MAX_OPERATION_UPSTREAM_CALLS", strconv.Itoa(c.Limits.MaxOperationUpstreamCalls)},
		{"MAX_RESPONSE_BYTES", strconv.FormatInt(c.Limits.MaxResponseBytes, 10)},
		{"APQ_MAX_BYTES", strconv.FormatInt(c.Limits.APQMaxBytes, 10)},
		{"QUERY_CACHE_BYTES", strconv.FormatInt(c.Limits.QueryCacheBytes, 10)},
		{"MAX_BODY_BYTES", strconv.FormatInt(c.Limits.MaxBodyBytes, 10)},
		{"REQUEST_TIMEOUT", d(c.Limits.RequestTimeout)},
		{"SHUTDOWN_TIMEOUT", d(c.Limits.ShutdownTimeout)},
		{"SHUTDOWN_DELAY", d(c.Limits.ShutdownDelay)},
		{"AUTH_MODE", string(c.Auth.Mode)},
		{"AUTH_JWKS_URL", withoutUserinfo(c.Auth.JWKSURL)},
		{"AUTH_ISSUER", c.Auth.Issuer},
		{"AUTH_AUDIENCE", c.Auth.Audience},
		{"AUTH_ACCOUNT_CLAIM", c.Auth.AccountClaim},
		{"ROUTER_SECRET", redacted(c.Auth.RouterSecret != "")},
		{"ADMIN_API_KEY", redacted(c.Auth.AdminAPIKey != "")},
		{"DATABASE_URL", redacted(c.DatabaseURL != "")},
		{"ACCOUNTS_ENCRYPTION_KEYS", redacted(c.AccountsKeys != "")},
		{"MCP_ALLOW_ARBITRARY_OPERATIONS", strconv.FormatBool(c.MCPAllowArbitraryOperations)},
		{"MCP_ALLOWED_ORIGINS", strings.Join(c.MCPAllowedOrigins, ",")},
	}
	fields = append(fields, c.guardFields()...)
	fields = append(fields, c.Subscriptions.fields()...)
	return fields
}

// ExitCode is the process's exit status for an error of run: 2 for a configuration error, else 1.
func ExitCode(err error) int {
	var ce *Error
	if errors.As(err, &ce) {
		return 2
	}
	return 1
}
