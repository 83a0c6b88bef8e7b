package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/loaders/redistest"
	"github.com/gladgraph/gladgraph/media"
)

// env runs GraphQL operations in-process (gqlhttp.Executor: the HTTP handler's extensions and
// limits, without HTTP) over a fake Gladly, for tests of the resolvers.
type env struct {
	fake   *gladlytest.Server
	client *gladly.Client
	cache  loaders.Cache
	exec   *gqlhttp.Executor
	// caller is who every operation runs as, as the edge would have authenticated it.
	caller *caller.Caller
	// router marks operations as the router's (ROUTER_SECRET checked by the edge).
	router bool
}

type envConfig struct {
	fakeOpts        []gladlytest.Option
	redis           bool
	limits          *gqlhttp.Limits
	noIntrospection bool
	logTo           io.Writer
	// scopes the caller holds; nil: every Gladly scope (see withScopes).
	scopes       []string
	routerSecret bool
	clientOpts   []gladly.Option
	naive        bool
}

// envOption configures newEnv.
type envOption func(*envConfig)

// withFake passes options to the fake Gladly (WithoutRateLimit is always given first).
func withFake(opts ...gladlytest.Option) envOption {
	return func(c *envConfig) { c.fakeOpts = append(c.fakeOpts, opts...) }
}

// withRedis puts the response cache in Redis (REDIS_URL or a throwaway server) instead of memory.
func withRedis() envOption { return func(c *envConfig) { c.redis = true } }

// withLimits replaces the handler's limits.
func withLimits(l gqlhttp.Limits) envOption { return func(c *envConfig) { c.limits = &l } }

// withLogTo sends the handler's logs (warnings and up) to w instead of the test's log.
func withLogTo(w io.Writer) envOption { return func(c *envConfig) { c.logTo = w } }

// withClient passes options to the Gladly client (after the test defaults).
func withClient(opts ...gladly.Option) envOption {
	return func(c *envConfig) { c.clientOpts = append(c.clientOpts, opts...) }
}

// withoutIntrospection switches introspection off, as outside the demo.
// withNaive serves with the benchmark's N+1 loaders (Naive, no shared cache).
func withNaive() envOption { return func(c *envConfig) { c.naive = true } }

func withoutIntrospection() envOption { return func(c *envConfig) { c.noIntrospection = true } }

// withScopes makes the requests' caller hold only these scopes (default: every Gladly scope).
func withScopes(scopes ...string) envOption {
	return func(c *envConfig) { c.scopes = append([]string{}, scopes...) }
}

// withRouterSecret makes _service and _entities answer only requests from the router.
func withRouterSecret() envOption { return func(c *envConfig) { c.routerSecret = true } }

func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	var cfg envConfig
	for _, o := range opts {
		o(&cfg)
	}
	fake := gladlytest.NewServer(t, append([]gladlytest.Option{gladlytest.WithoutRateLimit()}, cfg.fakeOpts...)...)
	client, err := gladly.NewClient(fake.URL, append([]gladly.Option{gladly.WithBasicAuth(fake.Username, fake.Token),
		gladly.WithRateLimit(gladly.Unlimited{}),
		gladly.WithRetry(gladly.RetryPolicy{MaxAttempts: 4, InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond, Multiplier: 2})},
		cfg.clientOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	var cache loaders.Cache = loaders.NewMemoryCache(64 << 20)
	if cfg.redis {
		rs := redistest.New(t)
		cache = loaders.NewRedisCache(rs.Client(t), rs.Prefix+loaders.Namespace("test", client.Tenant()))
	}
	var logTo io.Writer = zerolog.NewTestWriter(t)
	if cfg.logTo != nil {
		logTo = cfg.logTo
	}
	log := zerolog.New(logTo).Level(zerolog.WarnLevel)
	// Every test runs under the limits a server has by default (config/config.go).
	limits := gqlhttp.Limits{MaxComplexity: 100000, MaxDepth: 15, MaxEntities: 500, MaxAliases: 50, MaxTokens: 2000}
	if cfg.limits != nil {
		limits = *cfg.limits
	}
	factory := loaders.NewFactory(client, loaders.NewStore(cache))
	if cfg.naive {
		factory = loaders.NewFactory(client, loaders.NewStore(cache, loaders.WithoutCache()), loaders.Naive())
	}
	x := gqlhttp.NewExecutor(gqlhttp.Config{
		Gladly:        client,
		Loaders:       factory,
		Media:         media.NewSigner([]byte("test-media-key-0123456789abcdef"), client.Tenant(), "http://gladgraph.test", 15*time.Minute),
		Log:           log,
		Introspection: !cfg.noIntrospection,
		Limits:        limits,
		APQ:           cache,
		Access:        graph.NewAccess(graph.AccessOptions{RouterSecretSet: cfg.routerSecret}),
	})
	scopes := cfg.scopes
	if scopes == nil {
		scopes = caller.GladlyScopes
	}
	who := &caller.Caller{Kind: caller.KindAPIKey, Subject: "test", AccountID: "test", Scopes: caller.NewScopes(scopes...)}
	return &env{fake: fake, client: client, cache: cache, exec: x, caller: who}
}

// gqlResponse is a GraphQL response.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// do runs one GraphQL request (POST, JSON) and returns the decoded response.
func (e *env) do(t *testing.T, query string, vars map[string]any) gqlResponse {
	t.Helper()
	return e.doOperation(t, query, "", vars)
}

// doOperation runs the named operation of a document with several.
func (e *env) doOperation(t *testing.T, query, operationName string, vars map[string]any) gqlResponse {
	t.Helper()
	ctx := caller.With(t.Context(), e.caller)
	if e.router {
		ctx = caller.WithRouter(ctx)
	}
	res := e.exec.Execute(ctx, &graphql.RawParams{Query: query, OperationName: operationName, Variables: jsonVariables(t, vars)})
	body, err := json.Marshal(res)
	if err != nil {
		t.Fatalf("response is not JSON: %v", err)
	}
	var resp gqlResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("response is not JSON: %s", body)
	}
	if len(res.Data) == 0 {
		resp.Data = nil // a request error: no data entry at all, as over HTTP
	}
	return resp
}

// jsonVariables passes variables as a JSON body would: numbers as json.Number.
func jsonVariables(t *testing.T, vars map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(vars)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// query runs a request that must succeed without errors and decodes its data into out.
func (e *env) query(t *testing.T, query string, vars map[string]any, out any) {
	t.Helper()
	resp := e.do(t, query, vars)
	if len(resp.Errors) > 0 {
		msgs := make([]string, len(resp.Errors))
		for i, er := range resp.Errors {
			msgs[i] = er.Message + " " + jsonString(er.Extensions) + " at " + jsonString(er.Path)
		}
		t.Fatalf("GraphQL errors:\n%s", strings.Join(msgs, "\n"))
	}
	if out != nil {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			t.Fatalf("decode data: %v\n%s", err, resp.Data)
		}
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// userError is the shape of a payload's userErrors entries.
type userError struct {
	Field   []string `json:"field"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
}

// namedNode and namedConn decode a connection of objects with an id and a name.
type namedNode struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type namedConn struct {
	TotalCount int         `json:"totalCount"`
	Truncated  bool        `json:"truncated"`
	Nodes      []namedNode `json:"nodes"`
}

// assertCalls fails the test when Gladly was not called exactly as want says, per operation.
func assertCalls(t *testing.T, e *env, want map[string]int) {
	t.Helper()
	for op, n := range want {
		if got := e.fake.Calls(op); got != n {
			t.Errorf("%s called %d times, want %d", op, got, n)
		}
	}
}

// assertNothingSent fails the test when anything reached Gladly since the last ResetStats.
func assertNothingSent(t *testing.T, e *env) {
	t.Helper()
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("%d Gladly calls for input refused locally, want none: %v", n, e.fake.CallsByOp())
	}
}

// wantCalls fails the test unless the fake saw exactly these calls since its stats were reset.
func wantCalls(t *testing.T, e *env, want map[string]int) {
	t.Helper()
	got := e.fake.CallsByOp()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Gladly calls (-want +got):\n%s", diff)
	}
}
