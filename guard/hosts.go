package guard

import (
	"net"
	"net/http"
	"strings"
)

// AllowedHosts answers 421 Misdirected Request to a request whose Host is not one of hosts
// (ALLOWED_HOSTS). A page on an attacker's domain that re-resolves its name to an internal
// address (DNS rebinding) then reaches nothing: its requests carry the attacker's Host. An entry
// is a host name or address, matched case-insensitively on any port ("gladgraph.internal",
// "10.0.0.7", "::1"), a host with a port matched exactly ("gladgraph.internal:4001"), or a
// wildcard for subdomains ("*.example.com", not example.com itself). With no hosts every Host is
// accepted.
func AllowedHosts(hosts []string, next http.Handler) http.Handler {
	if len(hosts) == 0 {
		return next
	}
	m := newHostMatcher(hosts)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !m.allows(r.Host) {
			http.Error(w, "misdirected request: this server does not answer for that host", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// LoopbackHosts is the demo's default: only the local machine's own names, so a demo left
// running is not reachable through a rebinding page.
func LoopbackHosts() []string { return []string{"localhost", "127.0.0.1", "::1"} }

// ParseHosts reads a comma- or space-separated list (the ALLOWED_HOSTS value).
func ParseHosts(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

type hostMatcher struct {
	any      map[string]bool // host on any port
	exact    map[string]bool // host:port
	suffixes []string        // ".example.com"
}

func newHostMatcher(hosts []string) *hostMatcher {
	m := &hostMatcher{any: map[string]bool{}, exact: map[string]bool{}}
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case h == "":
		case strings.HasPrefix(h, "*."):
			m.suffixes = append(m.suffixes, h[1:])
		default:
			if host, port, err := net.SplitHostPort(h); err == nil && port != "" {
				m.exact[net.JoinHostPort(host, port)] = true
				continue
			}
			m.any[strings.Trim(h, "[]")] = true
		}
	}
	return m
}

func (m *hostMatcher) allows(hostport string) bool {
	hostport = strings.ToLower(strings.TrimSuffix(hostport, "."))
	host := hostport
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host = h
		if m.exact[net.JoinHostPort(h, p)] {
			return true
		}
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if host == "" {
		return false
	}
	if m.any[host] {
		return true
	}
	for _, s := range m.suffixes {
		if strings.HasSuffix(host, s) && len(host) > len(s) {
			return true
		}
	}
	return false
}
