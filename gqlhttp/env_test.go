package gqlhttp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
)

// env is the GraphQL-over-HTTP handler over a fake Gladly and an in-process cache: the tests here
// look at what HTTP adds (status codes, headers, limits, APQ); graph/ tests the resolvers.
type env struct {
	fake    *gladlytest.Server
	cache   loaders.Cache
	handler http.Handler
}

type envOption func(*gqlhttp.Config)

// withLimits replaces the handler's limits (default: a server's, serverDefaultLimits).
func withLimits(l gqlhttp.Limits) envOption { return func(c *gqlhttp.Config) { c.Limits = l } }

// withLogTo sends the handler's logs (warnings and up) to w instead of the test's log.
func withLogTo(w io.Writer) envOption {
	return func(c *gqlhttp.Config) { c.Log = zerolog.New(w).Level(zerolog.WarnLevel) }
}

func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	client, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	cache := loaders.NewMemoryCache(64 << 20)
	cfg := gqlhttp.Config{
		Gladly:        client,
		Loaders:       loaders.NewFactory(client, loaders.NewStore(cache)),
		Media:         media.NewSigner([]byte("test-media-key-0123456789abcdef"), client.Tenant(), "http://gladgraph.test", 15*time.Minute),
		Log:           zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
		Introspection: true,
		Limits:        serverDefaultLimits,
		APQ:           cache,
	}
	for _, o := range opts {
		o(&cfg)
	}
	return &env{fake: fake, cache: cache, handler: gqlhttp.NewHandler(cfg)}
}

// gqlResponse is a GraphQL response as a client decodes it; its errors as gqlparser's.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

type gqlError = gqlerror.Error

// do POSTs one GraphQL request as JSON and decodes the response.
func (e *env) do(t *testing.T, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	rec := e.raw(t, http.MethodPost, "/graphql", body, map[string]string{"Content-Type": "application/json"})
	var resp gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response is not JSON (%d): %s", rec.Code, rec.Body.String())
	}
	return resp
}

// query runs a request that must succeed without errors and decodes its data into out.
func (e *env) query(t *testing.T, query string, vars map[string]any, out any) {
	t.Helper()
	resp := e.do(t, query, vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("GraphQL errors: %s", jsonString(resp.Errors))
	}
	if out != nil {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			t.Fatalf("decode data: %v\n%s", err, resp.Data)
		}
	}
}

func (e *env) raw(t *testing.T, method, target string, body []byte, headers map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, target, bytes.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// assertNothingSent fails the test when anything reached Gladly since the last ResetStats.
func assertNothingSent(t *testing.T, e *env) {
	t.Helper()
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("%d Gladly calls for input refused locally, want none: %v", n, e.fake.CallsByOp())
	}
}
