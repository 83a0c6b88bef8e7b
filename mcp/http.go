package mcp

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/gladgraph/gladgraph/caller"
)

// defaultMaxBodyBytes bounds an MCP request: a tool call's arguments are small.
const defaultMaxBodyBytes = 1 << 20

// NewHTTPHandler is /mcp: the Model Context Protocol over Streamable HTTP, stateless (no
// Mcp-Session-Id; any replica answers any request), JSON answers. Mount it behind the same
// authentication as /graphql: it reads the caller from the request's context (caller.From).
func NewHTTPHandler(opts Options) (http.Handler, error) {
	s, err := NewServer(opts)
	if err != nil {
		return nil, err
	}
	return s.HTTPHandler(), nil
}

// HTTPHandler is the server's Streamable HTTP handler (see NewHTTPHandler).
func (s *Server) HTTPHandler() http.Handler {
	limit := s.opts.MaxBodyBytes
	if limit <= 0 {
		limit = defaultMaxBodyBytes
	}
	h := sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s.sdk }, &sdk.StreamableHTTPOptions{
		Stateless:                  true,
		JSONResponse:               true,
		Logger:                     s.opts.Logger,
		MaxRequestBodyBytes:        limit,
		DisableLocalhostProtection: s.opts.DisableLocalhostProtection,
	})
	return checkOrigin(s.opts.AllowedOrigins, s.opts.AllowLoopbackOrigins, h)
}

// checkOrigin refuses a browser request from an origin not allowed (DNS rebinding: a page of
// another site, pointed at gladgraph's address, must not drive its tools). Requests without an
// Origin header come from non-browser clients and pass.
func checkOrigin(allowed []string, loopback bool, next http.Handler) http.Handler {
	norm := make([]string, 0, len(allowed))
	for _, o := range allowed {
		norm = append(norm, strings.ToLower(strings.TrimRight(o, "/")))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && !slices.Contains(norm, strings.ToLower(origin)) && !(loopback && isLoopbackOrigin(origin)) {
			writeJSONError(w, http.StatusForbidden, "FORBIDDEN", "origin not allowed")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// ResourceMetadata is the OAuth 2.0 Protected Resource Metadata of /mcp (RFC 9728): where an
// MCP client learns which authorization server issues tokens for it.
type ResourceMetadata struct {
	Resource               string   `json:"resource"`
	AuthorizationServers   []string `json:"authorization_servers,omitempty"`
	ScopesSupported        []string `json:"scopes_supported,omitempty"`
	BearerMethodsSupported []string `json:"bearer_methods_supported"`
	ResourceName           string   `json:"resource_name,omitempty"`
	ResourceDocumentation  string   `json:"resource_documentation,omitempty"`
}

// NewResourceMetadata describes /mcp at publicURL (PUBLIC_URL) with issuer (AUTH_ISSUER; none
// when empty, as for API keys only): bearer tokens in the Authorization header, the Gladly
// scopes of DESIGN.md §8.
func NewResourceMetadata(publicURL, issuer string) ResourceMetadata {
	m := ResourceMetadata{
		Resource:               strings.TrimRight(publicURL, "/") + "/mcp",
		ScopesSupported:        slices.Clone(caller.GladlyScopes),
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "gladgraph MCP",
	}
	if issuer != "" {
		m.AuthorizationServers = []string{issuer}
	}
	return m
}

// ResourceMetadataPath is where clients look for the metadata of PUBLIC_URL/mcp (RFC 9728 §3.1
// inserts the well-known prefix before the resource's path); serve the handler on
// WellKnownResourcePath too, which clients fall back to.
const (
	ResourceMetadataPath  = "/.well-known/oauth-protected-resource/mcp"
	WellKnownResourcePath = "/.well-known/oauth-protected-resource"
)

// ResourceMetadataHandler serves m: public, cacheable, readable cross-origin (browser-based
// clients fetch it before they hold a token).
func ResourceMetadataHandler(m ResourceMetadata) http.Handler {
	body, _ := json.Marshal(m)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
		case http.MethodOptions:
			w.Header().Set("Access-Control-Allow-Methods", "GET")
			w.WriteHeader(http.StatusNoContent)
			return
		default:
			w.Header().Set("Allow", "GET, HEAD, OPTIONS")
			writeJSONError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "GET only")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(body)
	})
}
