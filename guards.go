package main

import (
	"net/http"
	"time"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/guard"
)

// inFlightRetryAfter is the Retry-After of a request refused over MAX_IN_FLIGHT: a request
// takes well under a second, so a place is free again by then.
const inFlightRetryAfter = time.Second

// guarded puts the HTTP guards in front of every route, outermost first: the Host check
// (ALLOWED_HOSTS, 421), CORS (CORS_ALLOWED_ORIGINS; preflights answered here), the in-flight
// bound (MAX_IN_FLIGHT, 503 with Retry-After). The health probes skip them: the kubelet probes
// by pod IP, which no ALLOWED_HOSTS names, and a saturated process must still say it is alive
// rather than be restarted for being busy. Refusals cost nothing past this point (no access line,
// no Gladly call).
func guarded(cfg *config.Config, h http.Handler) http.Handler {
	g := guard.InFlight(cfg.Guards.MaxInFlight, inFlightRetryAfter, h)
	g = guard.CORS(guard.CORSConfig{Origins: cfg.Guards.CORSOrigins}, g)
	g = guard.AllowedHosts(cfg.HostsAllowed(), g)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			h.ServeHTTP(w, r)
			return
		}
		g.ServeHTTP(w, r)
	})
}
