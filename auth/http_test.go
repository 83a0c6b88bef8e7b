package auth

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gladgraph/gladgraph/caller"
)

// upstream is the handler behind the middleware: it records the caller it saw and how often it
// ran, so a refused request provably reached nothing.
type upstream struct {
	calls atomic.Int64
	last  atomic.Pointer[caller.Caller]
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.calls.Add(1)
	if c := caller.From(r.Context()); c != nil {
		u.last.Store(c)
	}
	w.WriteHeader(http.StatusOK)
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, srv *httptest.Server, method string, header http.Header) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+"/graphql", strings.NewReader(`{"query":"{__typename}"}`))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	rs := newRSASigner(t, "k", "RS256")
	is := newIssuer(t, rs)
	accounts := newMemAccounts("acme")
	accounts.set("gone", AccountDisabled)
	keys := newMemKeys()
	key := keys.issue(t, "acme", []string{caller.ContactsRead}, nil)
	a := newTestAuthenticator(t, ModeRequired, is, accounts, keys, nil)
	good := "Bearer " + rs.token(t, nil, claims("acme", nil))
	expired := "Bearer " + rs.token(t, nil, claims("acme", map[string]any{"exp": 1}))
	disabled := "Bearer " + rs.token(t, nil, claims("gone", nil))

	const metadata = "https://gladgraph.example.test/.well-known/oauth-protected-resource"
	tests := []struct {
		name        string
		opts        []MiddlewareOption
		method      string
		header      http.Header
		status      int
		code        string
		challenge   string
		contentType string
		account     string
	}{
		{name: "no credentials", header: nil, status: 401, code: CodeUnauthenticated, challenge: "Bearer", contentType: mediaJSON},
		{name: "no credentials, MCP", opts: []MiddlewareOption{WithResourceMetadata(metadata)}, status: 401, code: CodeUnauthenticated, challenge: `Bearer resource_metadata="` + metadata + `"`, contentType: mediaJSON},
		{name: "expired token", header: http.Header{"Authorization": {expired}}, status: 401, code: CodeUnauthenticated, challenge: `Bearer error="invalid_token"`, contentType: mediaJSON},
		{name: "expired token, MCP", opts: []MiddlewareOption{WithResourceMetadata(metadata)}, header: http.Header{"Authorization": {expired}}, status: 401, code: CodeUnauthenticated, challenge: `Bearer error="invalid_token", resource_metadata="` + metadata + `"`, contentType: mediaJSON},
		{name: "graphql-response+json client", header: http.Header{"Authorization": {expired}, "Accept": {"application/graphql-response+json, application/json;q=0.9"}}, status: 401, code: CodeUnauthenticated, challenge: `Bearer error="invalid_token"`, contentType: mediaGraphQLResponse},
		{name: "json first", header: http.Header{"Authorization": {expired}, "Accept": {"application/json, application/graphql-response+json"}}, status: 401, code: CodeUnauthenticated, challenge: `Bearer error="invalid_token"`, contentType: mediaJSON},
		{name: "disabled account", header: http.Header{"Authorization": {disabled}}, status: 403, code: CodeForbidden, contentType: mediaJSON},
		{name: "two Authorization headers", header: http.Header{"Authorization": {good, good}}, status: 401, code: CodeUnauthenticated, challenge: `Bearer error="invalid_token"`, contentType: mediaJSON},
		{name: "empty Authorization header", header: http.Header{"Authorization": {""}}, status: 401, code: CodeUnauthenticated, challenge: `Bearer error="invalid_token"`, contentType: mediaJSON},
		{name: "WebSocket upgrade without credentials", header: http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}}, status: 401, code: CodeUnauthenticated, challenge: "Bearer", contentType: mediaJSON},
		{name: "WebSocket upgrade deferred to connection_init", opts: []MiddlewareOption{DeferWebSocketAuth()}, method: http.MethodGet, header: http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}}, status: 200},
		{name: "WebSocket upgrade with a bad header is still checked", opts: []MiddlewareOption{DeferWebSocketAuth()}, method: http.MethodGet, header: http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Authorization": {expired}}, status: 401, code: CodeUnauthenticated, challenge: `Bearer error="invalid_token"`, contentType: mediaJSON},
		{name: "preflight", method: http.MethodOptions, status: 200},
		{name: "JWT", header: http.Header{"Authorization": {good}}, status: 200, account: "acme"},
		{name: "API key", header: http.Header{"Authorization": {"Bearer " + key}}, status: 200, account: "acme"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up := &upstream{}
			srv := httptest.NewServer(a.Middleware(up, tc.opts...))
			t.Cleanup(srv.Close)
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			resp := do(t, srv, method, tc.header)
			if resp.status != tc.status {
				t.Fatalf("status %d, want %d (%s)", resp.status, tc.status, resp.body)
			}
			if tc.status == 200 {
				if up.calls.Load() != 1 {
					t.Fatalf("upstream ran %d times, want 1", up.calls.Load())
				}
				if c := up.last.Load(); tc.account != "" && (c == nil || c.AccountID != tc.account) {
					t.Fatalf("upstream saw caller %+v, want account %s", c, tc.account)
				}
				return
			}
			if n := up.calls.Load(); n != 0 {
				t.Fatalf("a refused request reached upstream %d times", n)
			}
			if got := resp.header.Get("WWW-Authenticate"); got != tc.challenge {
				t.Errorf("WWW-Authenticate %q, want %q", got, tc.challenge)
			}
			if got := resp.header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			var body struct {
				Errors []struct {
					Message    string `json:"message"`
					Extensions struct {
						Code string `json:"code"`
					} `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal([]byte(resp.body), &body); err != nil {
				t.Fatalf("body %q: %v", resp.body, err)
			}
			if len(body.Errors) != 1 || body.Errors[0].Extensions.Code != tc.code || body.Errors[0].Message == "" {
				t.Fatalf("body %s, want one error coded %s", resp.body, tc.code)
			}
			for _, h := range tc.header.Values("Authorization") {
				if _, tok, ok := strings.Cut(h, " "); ok && strings.Contains(resp.body, tok[:len(tok)/2]) {
					t.Fatalf("body %s quotes the token", resp.body)
				}
			}
		})
	}
}

func TestAdminMiddleware(t *testing.T) {
	t.Parallel()
	rs := newRSASigner(t, "k", "RS256")
	is := newIssuer(t, rs)
	keys := newMemKeys()
	// A store holding accounts:admin on a key must still not open the admin API with it.
	adminKey := keys.issue(t, "demo", []string{caller.AccountsAdmin, caller.ContactsRead}, nil)
	const secret = "0123456789abcdef0123456789abcdef-admin"
	a := newTestAuthenticator(t, ModeDemo, is, newMemAccounts("demo"), keys, func(c *Config) { c.AdminAPIKey = secret })
	tests := []struct {
		name   string
		header http.Header
		status int
		code   string
		kind   caller.Kind
	}{
		{name: "ADMIN_API_KEY", header: http.Header{"Authorization": {"Bearer " + secret}}, status: 200, kind: caller.KindAdmin},
		{name: "JWT with accounts:admin and no account", header: http.Header{"Authorization": {"Bearer " + rs.token(t, nil, claims("", map[string]any{"scope": "accounts:admin"}))}}, status: 200, kind: caller.KindJWT},
		{name: "anonymous in the demo", status: 401, code: CodeUnauthenticated},
		{name: "wrong admin key", header: http.Header{"Authorization": {"Bearer " + secret[:len(secret)-1] + "X"}}, status: 401, code: CodeUnauthenticated},
		{name: "admin key as a prefix", header: http.Header{"Authorization": {"Bearer " + secret + "0"}}, status: 401, code: CodeUnauthenticated},
		{name: "admin key under Basic", header: http.Header{"Authorization": {"Basic " + secret}}, status: 401, code: CodeUnauthenticated},
		{name: "API key carrying accounts:admin in the store", header: http.Header{"Authorization": {"Bearer " + adminKey}}, status: 403, code: CodeForbidden},
		{name: "JWT without accounts:admin", header: http.Header{"Authorization": {"Bearer " + rs.token(t, nil, claims("demo", map[string]any{"scope": "contacts:read"}))}}, status: 403, code: CodeForbidden},
		{name: "expired JWT with accounts:admin", header: http.Header{"Authorization": {"Bearer " + rs.token(t, nil, claims("", map[string]any{"scope": "accounts:admin", "exp": 1}))}}, status: 401, code: CodeUnauthenticated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			up := &upstream{}
			srv := httptest.NewServer(a.AdminMiddleware(up))
			t.Cleanup(srv.Close)
			resp := do(t, srv, http.MethodPost, tc.header)
			if resp.status != tc.status {
				t.Fatalf("status %d, want %d (%s)", resp.status, tc.status, resp.body)
			}
			if tc.status == 200 {
				if c := up.last.Load(); c == nil || c.Kind != tc.kind || !c.Has(caller.AccountsAdmin) {
					t.Fatalf("admin handler saw %+v, want a %s caller with accounts:admin", c, tc.kind)
				}
				return
			}
			if up.calls.Load() != 0 {
				t.Fatal("a refused request reached the admin API")
			}
			if ct := resp.header.Get("Content-Type"); ct != mediaJSON {
				t.Errorf("Content-Type %q", ct)
			}
			var body struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal([]byte(resp.body), &body); err != nil || body.Error.Code != tc.code || body.Error.Message == "" {
				t.Fatalf("body %s (%v), want error coded %s", resp.body, err, tc.code)
			}
			if strings.Contains(resp.body, secret[:16]) {
				t.Fatal("the body quotes the admin key")
			}
		})
	}
}

func TestRouterAuthorized(t *testing.T) {
	t.Parallel()
	const secret = "router-secret-0123456789"
	tests := []struct {
		name   string
		secret string
		values []string
		want   bool
	}{
		{name: "match", secret: secret, values: []string{secret}, want: true},
		{name: "missing", secret: secret},
		{name: "different", secret: secret, values: []string{"router-secret-0123456780"}},
		{name: "prefix", secret: secret, values: []string{secret[:10]}},
		{name: "longer", secret: secret, values: []string{secret + "x"}},
		{name: "twice", secret: secret, values: []string{secret, secret}},
		{name: "Bearer-prefixed", secret: secret, values: []string{"Bearer " + secret}},
		{name: "no secret configured", secret: "", values: []string{""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			for _, v := range tc.values {
				r.Header.Add(RouterAuthorizationHeader, v)
			}
			if got := RouterAuthorized(r, tc.secret); got != tc.want {
				t.Fatalf("RouterAuthorized = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFromConnectionInit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload map[string]any
		want    string
	}{
		{name: "Apollo Router's token", payload: map[string]any{"token": "Bearer abc"}, want: "Bearer abc"},
		{name: "Authorization", payload: map[string]any{"Authorization": "Bearer abc"}, want: "Bearer abc"},
		{name: "authorization lower case", payload: map[string]any{"authorization": "Bearer abc"}, want: "Bearer abc"},
		{name: "TOKEN upper case", payload: map[string]any{"TOKEN": "Bearer abc"}, want: "Bearer abc"},
		{name: "inside headers", payload: map[string]any{"headers": map[string]any{"Authorization": "Bearer abc"}}, want: "Bearer abc"},
		{name: "Authorization before token", payload: map[string]any{"token": "Bearer t", "Authorization": "Bearer a"}, want: "Bearer a"},
		{name: "same name in two cases, sorted", payload: map[string]any{"authorization": "Bearer l", "Authorization": "Bearer u"}, want: "Bearer u"},
		{name: "not a string", payload: map[string]any{"token": 42}},
		{name: "empty", payload: map[string]any{}},
		{name: "nil", payload: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := FromConnectionInit(tc.payload); got != tc.want {
				t.Fatalf("FromConnectionInit = %q, want %q", got, tc.want)
			}
		})
	}
}
