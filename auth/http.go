package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gladgraph/gladgraph/caller"
)

// Media types of GraphQL responses (GraphQL over HTTP).
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// MiddlewareOption tunes Middleware.
type MiddlewareOption func(*middleware)

// WithResourceMetadata adds resource_metadata="<url>" to WWW-Authenticate on 401 (RFC 9728
// §5.1), which MCP clients follow to find the authorization server.
func WithResourceMetadata(url string) MiddlewareOption {
	return func(m *middleware) { m.resourceMetadata = url }
}

// DeferWebSocketAuth lets a WebSocket upgrade without an Authorization header through with no
// caller in its context, because browsers cannot set headers on an upgrade. Only for a handler
// that authenticates the connection_init payload itself (FromConnectionInit, then
// Authenticate) before it serves anything.
func DeferWebSocketAuth() MiddlewareOption {
	return func(m *middleware) { m.deferWebSocket = true }
}

type middleware struct {
	a                *Authenticator
	next             http.Handler
	resourceMetadata string
	deferWebSocket   bool
}

// Middleware authenticates requests to /graphql and /mcp: it puts the caller in the request's
// context (caller.With) or answers 401/403/503 in GraphQL's error shape itself, so nothing of a
// refused request reaches a resolver or Gladly. CORS preflights (OPTIONS) pass without a
// caller: they carry no credentials and execute nothing.
func (a *Authenticator) Middleware(next http.Handler, opts ...MiddlewareOption) http.Handler {
	m := &middleware{a: a, next: next}
	for _, o := range opts {
		o(m)
	}
	return m
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodOptions {
		m.next.ServeHTTP(w, r)
		return
	}
	h, err := authorizationHeader(r)
	if err == nil && h == "" && m.deferWebSocket && isWebSocketUpgrade(r) {
		m.next.ServeHTTP(w, r)
		return
	}
	var c *caller.Caller
	if err == nil {
		c, err = m.a.authenticate(r.Context(), h)
	}
	if err != nil {
		writeChallenge(w, err, m.resourceMetadata)
		body, _ := json.Marshal(graphQLErrorBody{Errors: []graphQLError{{Message: err.Message, Extensions: graphQLErrorExtensions{Code: err.Code}}}})
		w.Header().Set("Content-Type", responseMediaType(r))
		w.WriteHeader(err.Status)
		_, _ = w.Write(body)
		return
	}
	m.next.ServeHTTP(w, r.WithContext(caller.With(r.Context(), c)))
}

// authorizationHeader is the request's one Authorization header; several are refused (which
// one a proxy chain would honour is anyone's guess).
func authorizationHeader(r *http.Request) (string, *Error) {
	vs := r.Header.Values("Authorization")
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		if vs[0] == "" {
			return "", unauthenticated("the Authorization header is empty")
		}
		return vs[0], nil
	default:
		return "", unauthenticated("the request carries several Authorization headers")
	}
}

func isWebSocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// writeChallenge sets the headers of a refusal: WWW-Authenticate on 401 (RFC 6750 §3, with
// error="invalid_token" when a token was given), Retry-After on 503, and no caching.
func writeChallenge(w http.ResponseWriter, err *Error, resourceMetadata string) {
	w.Header().Set("Cache-Control", "no-store")
	switch err.Status {
	case http.StatusUnauthorized:
		var params []string
		if err.credentialsGiven {
			params = append(params, `error="invalid_token"`)
		}
		if resourceMetadata != "" {
			params = append(params, "resource_metadata="+strconv.Quote(resourceMetadata))
		}
		v := "Bearer"
		if len(params) > 0 {
			v += " " + strings.Join(params, ", ")
		}
		w.Header().Set("WWW-Authenticate", v)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
	}
}

type graphQLErrorBody struct {
	Errors []graphQLError `json:"errors"`
}

type graphQLError struct {
	Message    string                 `json:"message"`
	Extensions graphQLErrorExtensions `json:"extensions"`
}

type graphQLErrorExtensions struct {
	Code string `json:"code"`
}

// responseMediaType answers application/graphql-response+json when the client lists it before
// application/json in Accept, application/json otherwise (GraphQL over HTTP's legacy default).
func responseMediaType(r *http.Request) string {
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		case mediaJSON:
			return mediaJSON
		}
	}
	return mediaJSON
}

// AdminMiddleware guards /admin: the caller holds ADMIN_API_KEY as a bearer token, or a JWT
// with accounts:admin. API keys never reach the admin API (they cannot carry accounts:admin),
// nor do anonymous callers in ModeNone or ModeDemo. Refusals are the admin API's JSON
// {"error": {"code", "message"}}. The admin caller is put in the context; an admin JWT need not
// name an account.
func (a *Authenticator) AdminMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := a.admin(r)
		if err != nil {
			writeChallenge(w, err, "")
			body, _ := json.Marshal(adminErrorBody{Error: adminError{Code: err.Code, Message: err.Message}})
			w.Header().Set("Content-Type", mediaJSON)
			w.WriteHeader(err.Status)
			_, _ = w.Write(body)
			return
		}
		next.ServeHTTP(w, r.WithContext(caller.With(r.Context(), c)))
	})
}

type adminErrorBody struct {
	Error adminError `json:"error"`
}

type adminError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// adminCaller is the caller holding ADMIN_API_KEY.
var adminCaller = callerTemplate{&caller.Caller{Kind: caller.KindAdmin, Subject: "admin-api-key", Scopes: caller.NewScopes(caller.AccountsAdmin)}}

func (a *Authenticator) admin(r *http.Request) (*caller.Caller, *Error) {
	h, err := authorizationHeader(r)
	if err != nil {
		return nil, err
	}
	if h == "" {
		return nil, &Error{Status: http.StatusUnauthorized, Code: CodeUnauthenticated,
			Message: "the admin API needs Authorization: Bearer with ADMIN_API_KEY or a JWT holding accounts:admin"}
	}
	token, err := bearerToken(h)
	if err != nil {
		return nil, err
	}
	if a.cfg.AdminAPIKey != "" && secretEqual(token, a.cfg.AdminAPIKey) {
		return adminCaller.clone(), nil
	}
	if strings.HasPrefix(token, apiKeyPrefix) {
		if _, err := a.apiKey(r.Context(), token); err != nil {
			return nil, err
		}
		return nil, forbidden("API keys cannot use the admin API (accounts:admin is never granted to them)")
	}
	if a.jwt == nil {
		return nil, unauthenticated("the bearer token is neither ADMIN_API_KEY nor a JWT (JWTs are not configured)")
	}
	claims, err := a.jwt.verify(r.Context(), token)
	if err != nil {
		return nil, err
	}
	if !claims.scopes.Has(caller.AccountsAdmin) {
		return nil, forbidden("the admin API needs the accounts:admin scope")
	}
	return &caller.Caller{Kind: caller.KindJWT, Subject: claims.subject, AccountID: claims.account, Scopes: claims.scopes}, nil
}

// secretEqual compares in constant time, lengths included: both sides are hashed first.
func secretEqual(given, want string) bool {
	g, w := sha256.Sum256([]byte(given)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// RouterAuthorizationHeader carries ROUTER_SECRET from the router (DESIGN.md §8).
const RouterAuthorizationHeader = "Router-Authorization"

// RouterAuthorized reports whether r carries Router-Authorization equal to secret, compared in
// constant time. An empty secret authorizes nobody: whether _service and _entities are open when
// ROUTER_SECRET is unset is the caller's decision (DESIGN.md §8: _service open, _entities by
// scopes).
func RouterAuthorized(r *http.Request, secret string) bool {
	if secret == "" {
		return false
	}
	vs := r.Header.Values(RouterAuthorizationHeader)
	return len(vs) == 1 && secretEqual(vs[0], secret)
}

// FromConnectionInit finds the Authorization value in a GraphQL-over-WebSocket connection_init
// payload: {"token": "Bearer …"} (Apollo Router), {"Authorization": "Bearer …"}, or the same
// inside {"headers": {…}}; keys in any case. It answers "" when there is none; the value is
// then given to Authenticate, which verifies it like a header.
func FromConnectionInit(payload map[string]any) string {
	if v := authorizationIn(payload); v != "" {
		return v
	}
	for k, h := range payload {
		if strings.EqualFold(k, "headers") {
			if m, ok := h.(map[string]any); ok {
				if v := authorizationIn(m); v != "" {
					return v
				}
			}
		}
	}
	return ""
}

// authorizationIn takes "authorization" before "token". Keys differing only in case are taken
// in sorted order, so the answer does not depend on map iteration.
func authorizationIn(m map[string]any) string {
	for _, name := range []string{"authorization", "token"} {
		var keys []string
		for k := range m {
			if strings.EqualFold(k, name) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			if s, ok := m[k].(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

// MarkRouter marks requests carrying ROUTER_SECRET in Router-Authorization, for _service and
// _entities (graph.Access).
func MarkRouter(secret string, next http.Handler) http.Handler {
	if secret == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if RouterAuthorized(r, secret) {
			r = r.WithContext(caller.WithRouter(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

// WithClientAddress puts the client's address in the request's context: the identity of a
// caller that has not authenticated, for its share of Gladly calls (CALLER_UPSTREAM_RATE). The
// port is left out: every connection of one client is one caller.
func WithClientAddress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		if host != "" {
			r = r.WithContext(caller.WithAddress(r.Context(), host))
		}
		next.ServeHTTP(w, r)
	})
}
