package gladly_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// endless serves a body of the given size without holding it: a Gladly (or a proxy) gone wrong.
func endless(t *testing.T, contentType string, size int64, first, chunk string) (*httptest.Server, *atomic.Int64) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		n, _ := io.WriteString(w, first)
		sent.Add(int64(n))
		for sent.Load() < size {
			n, err := io.WriteString(w, chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &sent
}

// heapPeak samples the heap in use while f runs and returns the largest figure seen.
func heapPeak(f func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	return peak.Load()
}

// TestOversizedAnswersAreCutAtTheCap: a 512 MiB JSON answer (it peaked at 2.3 GiB RSS read whole)
// and an endless events stream stop at the cap with *ResponseTooLargeError; the heap stays near
// the cap (figures logged, not asserted against a clock).
func TestOversizedAnswersAreCutAtTheCap(t *testing.T) {
	const capBytes = 4 << 20
	record := `{"id":"` + strings.Repeat("a", 22) + `","name":"` + strings.Repeat("n", 200) + `"},`

	jsonSrv, sent := endless(t, "application/json", 512<<20, "[", record)
	cl, err := gladly.NewClient(jsonSrv.URL, gladly.WithRateLimit(gladly.Unlimited{}), gladly.WithRetry(gladly.NoRetry()),
		gladly.WithMaxResponseBytes(capBytes))
	if err != nil {
		t.Fatal(err)
	}
	var callErr error
	peak := heapPeak(func() { _, _, callErr = cl.Agents.List(t.Context()) })
	var big *gladly.ResponseTooLargeError
	if !errors.As(callErr, &big) || big.Limit != capBytes {
		t.Fatalf("512 MiB list: %v; want a *ResponseTooLargeError at %d bytes", callErr, capBytes)
	}
	t.Logf("512 MiB list, cap 4 MiB: heap peak %.1f MiB, server wrote %.1f MiB before the client hung up", float64(peak)/(1<<20), float64(sent.Load())/(1<<20))
	if peak > 64<<20 {
		t.Errorf("heap peaked at %.1f MiB reading a list capped at 4 MiB", float64(peak)/(1<<20))
	}

	event := `{"id":"e","type":"CONVERSATION/CLOSED","timestamp":"2026-12-01T00:00:00Z","content":{"conversationId":"c","customerId":"x"}}` + "\n"
	evSrv, _ := endless(t, "application/x-jsonlines", 512<<20, "", event)
	cl, err = gladly.NewClient(evSrv.URL, gladly.WithRateLimit(gladly.Unlimited{}), gladly.WithRetry(gladly.NoRetry()),
		gladly.WithMaxResponseBytes(capBytes))
	if err != nil {
		t.Fatal(err)
	}
	peak = heapPeak(func() {
		_, callErr = cl.Events.Stream(t.Context(), gladly.ListEventsOptions{StartAt: time.Now().Add(-time.Hour), Entities: []string{gladly.EntityConversation}}, func(*gladly.Event) error { return nil })
	})
	if !errors.As(callErr, &big) {
		t.Fatalf("endless events stream: %v; want a *ResponseTooLargeError", callErr)
	}
	t.Logf("endless events stream, cap 4 MiB: heap peak %.1f MiB", float64(peak)/(1<<20))

	csvSrv, _ := endless(t, "text/csv", 512<<20, "Agent,Handled\n", "Ada Agent,42\n")
	cl, err = gladly.NewClient(csvSrv.URL, gladly.WithRateLimit(gladly.Unlimited{}), gladly.WithReportRateLimit(gladly.Unlimited{}),
		gladly.WithRetry(gladly.NoRetry()), gladly.WithMaxResponseBytes(capBytes))
	if err != nil {
		t.Fatal(err)
	}
	peak = heapPeak(func() {
		_, _, callErr = cl.Reports.Create(t.Context(), &gladly.CreateReportRequest{MetricSet: "AgentSummary", StartAt: "2026-12-01", EndAt: "2026-12-01"})
	})
	if !errors.As(callErr, &big) {
		t.Fatalf("endless report CSV: %v; want a *ResponseTooLargeError", callErr)
	}
	t.Logf("endless report CSV, cap 4 MiB: heap peak %.1f MiB", float64(peak)/(1<<20))
}
