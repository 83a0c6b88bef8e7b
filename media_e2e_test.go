package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/media"
)

// The /media route through the whole server (the handler's own tests are in media/).

func TestMediaRouteRefusesUnsigned(t *testing.T) {
	t.Parallel()
	ts := startTestServer(t, nil, Layers{})
	if res, _ := ts.do(t, "GET", "/media/some-item", "", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned media URL through the server = %d, want 403", res.StatusCode)
	}
}

// TestMediaDemoRecording streams the demo's phone-call recording from the fake Gladly through a
// signed URL, end to end. It needs a Gladly client with GetRecording.
func TestMediaDemoRecording(t *testing.T) {
	t.Parallel()
	var b *Backend
	ts := startTestServerWith(t, nil, func(bk *Backend) (Layers, error) { b = bk; return Layers{}, nil })
	if _, ok := any(b.Gladly.Items).(media.RecordingGetter); !ok {
		t.Skip("this build's gladly client has no GetRecording")
	}
	u, err := url.Parse(b.Media.Sign(gladlytest.DemoPhoneCallItemID))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.String(), ts.cfg.PublicURL+"/media/") {
		t.Errorf("media URL %s is not under PUBLIC_URL %s", u, ts.cfg.PublicURL)
	}
	res, body := ts.do(t, "GET", u.RequestURI(), "", nil)
	if res.StatusCode != http.StatusOK || len(body) == 0 {
		t.Fatalf("demo recording = %d, %d bytes", res.StatusCode, len(body))
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "audio/") {
		t.Errorf("Content-Type = %q, want audio", ct)
	}
	// A signed URL for an item without a recording is a 404, not a 502.
	noRec := b.Media.Sign("no-such-item")
	nu, _ := url.Parse(noRec)
	if res, _ := ts.do(t, "GET", nu.RequestURI(), "", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("missing recording = %d, want 404", res.StatusCode)
	}
}

// TestMediaRangeHeadAndTypeThroughServer: through the whole server, the demo's recording answers
// HEAD with its headers and no body, a byte range with 206 and that part, a range past the end
// with 416, always nosniff.
func TestMediaRangeHeadAndTypeThroughServer(t *testing.T) {
	t.Parallel()
	var b *Backend
	ts := startTestServerWith(t, nil, func(bk *Backend) (Layers, error) { b = bk; return Layers{}, nil })
	u, _ := url.Parse(b.Media.Sign(gladlytest.DemoPhoneCallItemID))
	full, body := ts.do(t, "GET", u.RequestURI(), "", nil)
	if full.StatusCode != http.StatusOK || full.ContentLength != int64(len(body)) || full.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("GET: %d, Content-Length %d for %d bytes, Accept-Ranges %q", full.StatusCode, full.ContentLength, len(body), full.Header.Get("Accept-Ranges"))
	}
	head, hbody := ts.do(t, "HEAD", u.RequestURI(), "", nil)
	if head.StatusCode != http.StatusOK || hbody != "" || head.ContentLength != full.ContentLength || head.Header.Get("Content-Type") != "audio/mpeg" {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %d, Content-Type %q", head.StatusCode, len(hbody), head.ContentLength, head.Header.Get("Content-Type"))
	}
	part, pbody := ts.do(t, "GET", u.RequestURI(), "", map[string]string{"Range": "bytes=144-287"})
	if part.StatusCode != http.StatusPartialContent || pbody != body[144:288] ||
		part.Header.Get("Content-Range") != "bytes 144-287/"+strconv.Itoa(len(body)) {
		t.Errorf("Range: %d, %d bytes, Content-Range %q", part.StatusCode, len(pbody), part.Header.Get("Content-Range"))
	}
	if pbody != "" && pbody[0] != '\xff' {
		t.Errorf("the second frame does not start with a frame sync")
	}
	past, _ := ts.do(t, "GET", u.RequestURI(), "", map[string]string{"Range": "bytes=" + strconv.Itoa(len(body)) + "-"})
	if past.StatusCode != http.StatusRequestedRangeNotSatisfiable || past.Header.Get("Content-Range") != "bytes */"+strconv.Itoa(len(body)) {
		t.Errorf("Range past the end: %d, Content-Range %q", past.StatusCode, past.Header.Get("Content-Range"))
	}
	for _, res := range []*http.Response{full, head, part, past} {
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: no nosniff", res.Request.Method, res.Request.Header.Get("Range"))
		}
	}
}

// TestMediaAbortedStreamThroughServer: a listener that leaves mid-recording (Gladly streaming
// slowly) leaves an access line saying the stream was aborted, not a 200 success; a recording
// that outlasts the Gladly client's JSON timeout is not what cuts it.
func TestMediaAbortedStreamThroughServer(t *testing.T) {
	t.Parallel()
	fake := gladlytest.NewServer(t, gladlytest.WithRecordingPace(100*time.Millisecond))
	var b *Backend
	ts := startTestServerWith(t, map[string]string{
		"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token,
	}, func(bk *Backend) (Layers, error) { b = bk; return Layers{}, nil })
	u, _ := url.Parse(b.Media.Sign(gladlytest.DemoPhoneCallItemID))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+u.RequestURI(), nil)
	res, err := ts.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 1000)); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("first bytes: %d %v", res.StatusCode, err)
	}
	cancel()
	res.Body.Close()
	var access string
	for range 500 {
		for _, line := range strings.Split(ts.logs.String(), "\n") {
			if strings.Contains(line, `"message":"request"`) && strings.Contains(line, `"path":"/media/`) {
				access = line
			}
		}
		if access != "" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(access, `"aborted":"client_gone"`) {
		t.Errorf("the access line of a stream the client left: %s", access)
	}
}
