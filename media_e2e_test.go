package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

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
