package config

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func TestGuardSettings(t *testing.T) {
	t.Parallel()
	real := map[string]string{"GLADLY_BASE_URL": "acme", "GLADLY_USERNAME": "api@acme.com", "GLADLY_API_TOKEN": "t", "AUTH_MODE": "none"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	load := func(env map[string]string) (*Config, error) { return Load(nil, envOf(env), io.Discard) }

	demo, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := demo.HostsAllowed(); !slices.Equal(got, []string{"localhost", "127.0.0.1", "::1"}) {
		t.Errorf("demo's default hosts: %q, want loopback only", got)
	}
	if demo.Guards.MaxInFlight != 1000 || demo.Guards.MaxConnections != 4096 || len(demo.Guards.CORSOrigins) != 0 {
		t.Errorf("defaults: %+v", demo.Guards)
	}
	if c, err := load(real); err != nil || len(c.HostsAllowed()) != 0 {
		t.Errorf("against a real Gladly, unset ALLOWED_HOSTS: %q %v; want any host", c.HostsAllowed(), err)
	}
	if c, err := load(with(nil, "ALLOWED_HOSTS", "*")); err != nil || len(c.HostsAllowed()) != 0 {
		t.Errorf("ALLOWED_HOSTS=* in the demo: %v %v", c, err)
	}
	c, err := load(with(real, "ALLOWED_HOSTS", "graph.internal, graph.example.com:8443 *.corp.example,10.0.0.7",
		"CORS_ALLOWED_ORIGINS", "https://app.example.com,http://localhost:3000", "MAX_IN_FLIGHT", "0", "MAX_CONNECTIONS", "50"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.HostsAllowed()) != 4 || len(c.Guards.CORSOrigins) != 2 || c.Guards.MaxInFlight != 0 || c.Guards.MaxConnections != 50 {
		t.Errorf("parsed: %+v", c.Guards)
	}
	if s := c.String(); !strings.Contains(s, "graph.example.com:8443") || !strings.Contains(s, "https://app.example.com") {
		t.Errorf("String() does not show the guards: %s", s)
	}
	for _, kv := range [][2]string{
		{"ALLOWED_HOSTS", "https://graph.example.com"},
		{"ALLOWED_HOSTS", "graph.example.com:99999"},
		{"ALLOWED_HOSTS", "graph/example"},
		{"CORS_ALLOWED_ORIGINS", "app.example.com"},
		{"CORS_ALLOWED_ORIGINS", "https://app.example.com/path"},
		{"MAX_IN_FLIGHT", "-1"},
		{"MAX_CONNECTIONS", "many"},
	} {
		if _, err := load(with(real, kv[0], kv[1])); err == nil || !strings.Contains(err.Error(), kv[0]) {
			t.Errorf("%s=%q: %v, want an error naming it", kv[0], kv[1], err)
		}
	}
}
