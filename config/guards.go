package config

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/gladgraph/gladgraph/guard"
)

// Guards are the HTTP guards in front of every route (package guard): which Host names the
// server answers, which browser origins may call it, and how many requests and connections it
// holds at once.
type Guards struct {
	// AllowedHosts are the Host names answered (others get 421); empty: any. See HostsAllowed.
	AllowedHosts []string
	// allowedHostsSet is true when ALLOWED_HOSTS was given ("*" sets it to any host).
	allowedHostsSet bool
	// CORSOrigins may call from a browser; empty: no CORS headers at all.
	CORSOrigins []string
	// MaxInFlight requests run at once; over it 503 with Retry-After. 0: no bound.
	MaxInFlight int
	// MaxConnections stay open at once; over it a new connection is answered 503 and closed.
	// 0: no bound.
	MaxConnections int
}

// HostsAllowed is the list ALLOWED_HOSTS gives, or when unset the demo's default: loopback
// names only (a demo left running on a laptop is not reachable through a DNS-rebinding page).
// Against a real Gladly, unset means any Host (a deployment names its own).
func (c *Config) HostsAllowed() []string {
	if !c.Guards.allowedHostsSet && c.Demo() {
		return guard.LoopbackHosts()
	}
	return c.Guards.AllowedHosts
}

var guardSettings = []setting{
	{env: "ALLOWED_HOSTS", def: "loopback names in the demo, else any", usage: "comma-separated Host names answered (host, host:port, *.domain; * for any); other Hosts get 421 (DNS rebinding). /healthz and /readyz answer any Host", set: func(c *Config, v string) error {
		c.Guards.allowedHostsSet = true
		c.Guards.AllowedHosts = nil
		for _, h := range guard.ParseHosts(v) {
			if h == "*" {
				c.Guards.AllowedHosts = nil
				return nil
			}
			if !validHostEntry(h) {
				return errors.New("must be host names, host:port or *.domain, comma-separated (or * for any)")
			}
			c.Guards.AllowedHosts = append(c.Guards.AllowedHosts, h)
		}
		return nil
	}},
	{env: "CORS_ALLOWED_ORIGINS", usage: "comma-separated browser origins allowed to call gladgraph (https://app.example.com, or * for any); unset: no CORS headers", set: func(c *Config, v string) error {
		c.Guards.CORSOrigins = nil
		for _, o := range guard.ParseOrigins(v) {
			if o != "*" {
				u, err := url.Parse(strings.TrimRight(o, "/"))
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.User != nil || u.RawQuery != "" {
					return errors.New("must be origins like https://app.example.com, comma-separated (or * for any)")
				}
			}
			c.Guards.CORSOrigins = append(c.Guards.CORSOrigins, o)
		}
		return nil
	}},
	{env: "MAX_IN_FLIGHT", def: "1000", usage: "most requests served at once; over it 503 with Retry-After (0: no bound)", set: func(c *Config, v string) error {
		n, err := parseInt(v, 0, 1_000_000)
		c.Guards.MaxInFlight = n
		return err
	}},
	{env: "MAX_CONNECTIONS", def: "4096", usage: "most client connections open at once; a new one over it is answered 503 and closed (0: no bound; keep it under the descriptor limit)", set: func(c *Config, v string) error {
		n, err := parseInt(v, 0, 1_000_000)
		c.Guards.MaxConnections = n
		return err
	}},
}

func init() { settings = append(settings, guardSettings...) }

// validHostEntry accepts a host name or address, optionally with a port, or *.domain.
func validHostEntry(h string) bool {
	host := strings.TrimPrefix(h, "*.")
	if hh, port, err := net.SplitHostPort(host); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return false
		}
		host = hh
	}
	host = strings.Trim(host, "[]")
	if host == "" || len(host) > 253 {
		return false
	}
	if net.ParseIP(host) != nil {
		return true
	}
	for _, r := range host {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
		default:
			return false
		}
	}
	return true
}

// guardFields are the guards' settings as fields() shows them.
func (c *Config) guardFields() [][2]string {
	hosts := strings.Join(c.HostsAllowed(), ",")
	if hosts == "" {
		hosts = "*"
	}
	return [][2]string{
		{"ALLOWED_HOSTS", hosts},
		{"CORS_ALLOWED_ORIGINS", strings.Join(c.Guards.CORSOrigins, ",")},
		{"MAX_IN_FLIGHT", strconv.Itoa(c.Guards.MaxInFlight)},
		{"MAX_CONNECTIONS", strconv.Itoa(c.Guards.MaxConnections)},
	}
}
