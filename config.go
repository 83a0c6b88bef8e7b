package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

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
	// DemoFaults are injected into the demo's in-process Gladly.
	DemoFaults DemoFaults

	RedisURL string // empty: in-process cache
	CacheTTL CacheTTLs

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
	MaxBodyBytes             int64
	RequestTimeout           time.Duration
	ShutdownTimeout          time.Duration
}

// Demo reports whether the server runs against the in-process fake Gladly.
func (c *Config) Demo() bool { return c.GladlyBaseURL == "" }

// WebhooksEnabled reports whether webhook credentials are configured.
func (c *Config) WebhooksEnabled() bool {
	return c.WebhookUsername != "" || c.WebhookHeaderName != ""
}

func defaultConfig() Config {
	return Config{
		ListenAddr:      ":4001",
		GladlyRateLimit: gladly.DefaultRequestsPerSecond,
		CacheTTL: CacheTTLs{
			Directory:    5 * time.Minute,
			Profile:      60 * time.Second,
			Task:         60 * time.Second,
			Conversation: 30 * time.Second,
			Item:         60 * time.Second,
			Answer:       5 * time.Minute,
			NotFound:     10 * time.Second,
		},
		LogLevel:    zerolog.InfoLevel,
		LogFormat:   "auto",
		MediaURLTTL: 15 * time.Minute,
		Limits: Limits{
			MaxQueryComplexity:       1000,
			MaxQueryDepth:            15,
			MaxEntityRepresentations: 500,
			MaxBodyBytes:             1 << 20,
			RequestTimeout:           30 * time.Second,
			ShutdownTimeout:          25 * time.Second,
		},
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

// ConfigError lists every configuration problem found.
type ConfigError struct{ Problems []string }

func (e *ConfigError) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}

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
	{env: "GLADLY_DEMO_FAULTS", usage: "upstream faults for the demo, e.g. error_rate=0.2,rate_limit_rate=0.1,latency=20ms", set: func(c *Config, v string) error {
		f, err := parseDemoFaults(v)
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
	{env: "MAX_QUERY_COMPLEXITY", def: "1000", usage: "largest GraphQL query complexity accepted", set: func(c *Config, v string) error {
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
}

func ttlSetting(env, def, what string, field func(*Config) *time.Duration) setting {
	return setting{env: env, def: def, usage: "cache lifetime of " + what + " (0 disables)", set: func(c *Config, v string) error {
		d, err := parseDuration(v, 0, 24*time.Hour)
		*field(c) = d
		return err
	}}
}

// loadConfig reads the configuration from getenv and args (flags override the environment)
// and validates it, reporting every problem at once. flag.ErrHelp is returned for -help.
func loadConfig(args []string, getenv func(string) string, usageOut io.Writer) (*Config, error) {
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
		return nil, &ConfigError{Problems: []string{fmt.Sprintf("unexpected argument %q (configuration is given by flags and environment variables)", fs.Arg(0))}}
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
	if len(problems) > 0 {
		return nil, &ConfigError{Problems: problems}
	}

	if raw["GRAPHQL_INTROSPECTION"] == "" {
		// The demo exists to be explored; a production subgraph need not publish its schema
		// to anyone who asks (routers compose through _service, which stays reachable).
		c.Introspection = c.Demo()
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

// defaultPublicURL is http://localhost:<port> for the address actually listened on.
func defaultPublicURL(addr net.Addr) string {
	host, port := "localhost", "4001"
	if ta, ok := addr.(*net.TCPAddr); ok {
		port = strconv.Itoa(ta.Port)
		if !ta.IP.IsUnspecified() && !ta.IP.IsLoopback() {
			host = ta.IP.String()
		}
	}
	return "http://" + net.JoinHostPort(host, port)
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
	return [][2]string{
		{"LISTEN_ADDR", c.ListenAddr},
		{"PUBLIC_URL", c.PublicURL},
		{"GLADLY_BASE_URL", c.GladlyBaseURL},
		{"GLADLY_USERNAME", c.GladlyUsername},
		{"GLADLY_API_TOKEN", redacted(c.GladlyToken != "")},
		{"GLADLY_RATE_LIMIT", strconv.Itoa(c.GladlyRateLimit)},
		{"GLADLY_DEMO_FAULTS", c.DemoFaults.String()},
		{"REDIS_URL", redisDisplay(c.RedisURL)},
		{"CACHE_TTL_DIRECTORY", d(c.CacheTTL.Directory)},
		{"CACHE_TTL_PROFILE", d(c.CacheTTL.Profile)},
		{"CACHE_TTL_TASK", d(c.CacheTTL.Task)},
		{"CACHE_TTL_CONVERSATION", d(c.CacheTTL.Conversation)},
		{"CACHE_TTL_ITEM", d(c.CacheTTL.Item)},
		{"CACHE_TTL_ANSWER", d(c.CacheTTL.Answer)},
		{"CACHE_TTL_NOT_FOUND", d(c.CacheTTL.NotFound)},
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
		{"MAX_BODY_BYTES", strconv.FormatInt(c.Limits.MaxBodyBytes, 10)},
		{"REQUEST_TIMEOUT", d(c.Limits.RequestTimeout)},
		{"SHUTDOWN_TIMEOUT", d(c.Limits.ShutdownTimeout)},
	}
}
