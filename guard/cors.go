package guard

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CORSConfig is the browser origins allowed to call gladgraph (CORS_ALLOWED_ORIGINS).
type CORSConfig struct {
	// Origins are exact origins ("https://app.example.com") or "*" for any. Empty: no CORS
	// headers at all, so browsers keep cross-origin pages out.
	Origins []string
	// Credentials lets allowed origins send cookies and Authorization (never with "*").
	Credentials bool
	// MaxAge is how long a browser may cache a preflight answer (default 10 minutes).
	MaxAge time.Duration
}

// corsMethods are the methods GraphQL over HTTP uses.
const corsMethods = "GET, POST, OPTIONS"

// corsHeaders are the request headers a cross-origin client may send.
const corsHeaders = "Authorization, Content-Type, Accept, Apollo-Require-Preflight, X-Apollo-Operation-Name, X-Request-Id"

// CORS answers preflight requests and marks the answers of allowed origins. With no origins
// configured it adds nothing and passes every request on unchanged.
func CORS(cfg CORSConfig, next http.Handler) http.Handler {
	if len(cfg.Origins) == 0 {
		return next
	}
	anyOrigin := false
	allowed := map[string]bool{}
	for _, o := range cfg.Origins {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "*" {
			anyOrigin = true
		} else if o != "" {
			allowed[strings.ToLower(o)] = true
		}
	}
	maxAge := cfg.MaxAge
	if maxAge <= 0 {
		maxAge = 10 * time.Minute
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		h := w.Header()
		h.Add("Vary", "Origin")
		ok := origin != "" && (anyOrigin || allowed[strings.ToLower(origin)])
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if ok {
			if anyOrigin && !cfg.Credentials {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
				if cfg.Credentials {
					h.Set("Access-Control-Allow-Credentials", "true")
				}
			}
		}
		if preflight {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			if ok {
				h.Set("Access-Control-Allow-Methods", corsMethods)
				h.Set("Access-Control-Allow-Headers", corsHeaders)
				h.Set("Access-Control-Max-Age", strconv.Itoa(int(maxAge.Seconds())))
			}
			// A refused origin gets the same 204 without the headers: the browser blocks it.
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ParseOrigins reads a comma- or space-separated list (the CORS_ALLOWED_ORIGINS value).
func ParseOrigins(v string) []string { return ParseHosts(v) }
