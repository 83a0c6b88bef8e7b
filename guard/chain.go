package guard

import (
	"net/http"
	"time"
)

// inFlightRetryAfter is the Retry-After of a request refused over MAX_IN_FLIGHT: a request
// takes well under a second, so a place is free again by then.
const inFlightRetryAfter = time.Second

// Settings are the guards' configuration (ALLOWED_HOSTS, CORS_ALLOWED_ORIGINS, MAX_IN_FLIGHT).
type Settings struct {
	Hosts       []string
	CORSOrigins []string
	MaxInFlight int
}

// Chain puts the HTTP guards in front of every route, outermost first: the Host check (421), CORS
// (preflights answered here), the in-flight bound (503 with Retry-After). The health probes skip
// them: the kubelet probes by pod IP, which no ALLOWED_HOSTS names, and a saturated process must
// still say it is alive rather than be restarted for being busy. Refusals cost nothing past this
// point (no access line, no Gladly call).
func Chain(s Settings, h http.Handler) http.Handler {
	g := InFlight(s.MaxInFlight, inFlightRetryAfter, h)
	g = CORS(CORSConfig{Origins: s.CORSOrigins}, g)
	g = AllowedHosts(s.Hosts, g)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			h.ServeHTTP(w, r)
			return
		}
		g.ServeHTTP(w, r)
	})
}
