package main

import (
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/demo"
	"github.com/gladgraph/gladgraph/gladly"
)

func TestDemoFaultsStartTheFake(t *testing.T) {
	t.Parallel()
	f, err := config.ParseDemoFaults("error_rate=1")
	if err != nil {
		t.Fatal(err)
	}
	fake, err := demo.Start(f, gladly.DefaultRequestsPerSecond)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	ts := startTestServer(t, map[string]string{
		"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token,
	}, Layers{})
	// Every upstream call fails: readiness must say Gladly is degraded (without failing: cached
	// reads still work).
	res, body := ts.do(t, "GET", "/readyz", "", nil)
	if res.StatusCode != 200 || !strings.Contains(body, `"gladly":{"status":"degraded"`) {
		t.Errorf("readyz = %d %s", res.StatusCode, body)
	}
}
