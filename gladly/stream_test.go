package gladly_test

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// TestRecordingOutlastsTheTotalTimeout: a recording that keeps flowing is relayed whole even when
// it takes far longer than the HTTP client's total timeout (60 s in production; 300 ms here, the
// stream ~0.8 s): the total timeout is for JSON answers, a stream is bounded per read.
func TestRecordingOutlastsTheTotalTimeout(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithRecordingPace(20*time.Millisecond))
	cl := newClient(t, srv, gladly.WithHTTPClient(&http.Client{Timeout: 300 * time.Millisecond}),
		gladly.WithStreamIdleTimeout(5*time.Second))
	start := time.Now()
	body, resp, err := cl.Items.GetRecording(t.Context(), gladlytest.DemoPhoneCallItemID)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	n, err := io.Copy(io.Discard, body)
	if err != nil {
		t.Fatalf("after %d bytes and %s: %v", n, time.Since(start), err)
	}
	if want, _ := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); n != want {
		t.Errorf("read %d bytes, want %d", n, want)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Logf("the stream took %s only: it did not test the total timeout", d) // informative
	}
	// JSON answers keep the total timeout.
	if _, _, err := cl.Organization.Get(t.Context()); err != nil {
		t.Errorf("a JSON call after the stream: %v", err)
	}
}

// TestRecordingStallFails: a recording that stops flowing fails with *StreamIdleError after the
// idle timeout, and its connection is given up.
func TestRecordingStallFails(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithRecordingPace(time.Hour))
	cl := newClient(t, srv, gladly.WithStreamIdleTimeout(200*time.Millisecond))
	body, _, err := cl.Items.GetRecording(t.Context(), gladlytest.DemoPhoneCallItemID)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	n, err := io.Copy(io.Discard, body)
	var idle *gladly.StreamIdleError
	if !errors.As(err, &idle) {
		t.Fatalf("a stalled recording after %d bytes: %v, want *StreamIdleError", n, err)
	}
	if n == 0 {
		t.Errorf("the first chunk was not relayed before the stall")
	}
}
