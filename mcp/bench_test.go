package mcp

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// BenchmarkGetContact360 measures a warm get_contact_360 tool call over HTTP: one stateless POST
// to /mcp (JSON-RPC tools/call), run in-process through the GraphQL handler, its Gladly reads
// answered by the response cache after the first call. It reports the median as median-µs.
func BenchmarkGetContact360(b *testing.B) {
	s := newTestServer(b, serverConfig{})
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_contact_360","arguments":{"id":"` + gladlytest.DemoCustomerID + `"}}}`)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	do := func() {
		req, _ := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(out), "Ada Lovelace") || strings.Contains(string(out), `"isError":true`) {
			b.Fatalf("%d %s", resp.StatusCode, out)
		}
	}
	do() // warm: loaders' cache filled
	b.ResetTimer()
	durations := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		do()
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds()), "median-µs")
	b.ReportMetric(float64(s.fake.TotalCalls())/float64(b.N), "gladly-calls/op")
}

// BenchmarkGetContact360GraphQL runs the same operation through the executor alone (no MCP, no
// HTTP): the difference to BenchmarkGetContact360 is what MCP adds.
func BenchmarkGetContact360GraphQL(b *testing.B) {
	gql, _ := newGraphQLHandler(b)
	c, err := DefaultCatalog()
	if err != nil {
		b.Fatal(err)
	}
	t := c.Tool("get_contact_360")
	exec := HandlerExecutor(gql)
	ctx := caller.With(b.Context(), &caller.Caller{Scopes: caller.NewScopes(caller.GladlyScopes...)})
	vars := map[string]any{"id": gladlytest.DemoCustomerID}
	run := func() {
		data, errs, err := exec.Execute(ctx, t.Document, t.OperationName, vars)
		if err != nil || len(errs) > 0 || !bytes.Contains(data, []byte("Ada Lovelace")) {
			b.Fatalf("%v %v %s", err, errs, data)
		}
	}
	run()
	durations := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		run()
		durations = append(durations, time.Since(start))
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds()), "median-µs")
}
