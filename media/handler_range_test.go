package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/metrics"
)

// oneRecording is Gladly's getMedia for one recording of a given content type; it counts the
// bytes read from the upstream body and its closes.
type oneRecording struct {
	ct     string
	data   []byte
	read   atomic.Int64
	closed atomic.Int32
	// breakAfter, when set, fails the stream after that many bytes.
	breakAfter int
}

type countingReader struct {
	r *bytes.Reader
	o *oneRecording
}

func (c countingReader) Read(p []byte) (int, error) {
	if c.o.breakAfter > 0 {
		left := c.o.breakAfter - int(c.o.read.Load())
		if left <= 0 {
			return 0, errors.New("connection reset by Gladly")
		}
		p = p[:min(len(p), left)]
	}
	n, err := c.r.Read(p)
	c.o.read.Add(int64(n))
	return n, err
}

func (c countingReader) Close() error { c.o.closed.Add(1); return nil }

func (o *oneRecording) GetRecording(context.Context, string) (io.ReadCloser, *gladly.Response, error) {
	h := http.Header{}
	if o.ct != "" {
		h.Set("Content-Type", o.ct)
	}
	return countingReader{r: bytes.NewReader(o.data), o: o}, &gladly.Response{Response: &http.Response{StatusCode: 200, Header: h, ContentLength: int64(len(o.data))}}, nil
}

// fetch sends method to a signed URL of item on srv with the headers hdr.
func fetch(t *testing.T, srv *httptest.Server, signer *Signer, method string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	u, _ := url.Parse(signer.Sign("item"))
	req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL+u.RequestURI(), nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// closedAfterAWhile is how many times the upstream body was closed, once the handler had time to
// return (the client may read the whole answer before the handler's deferred Close runs).
func closedAfterAWhile(o *oneRecording) int32 {
	for range 500 {
		if o.closed.Load() > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return o.closed.Load()
}

// TestMediaRange: a single byte range is answered 206 with that part (players seek with it), a
// range past the end 416, and what this handler does not serve (several ranges, malformed, with
// If-Range) the whole recording.
func TestMediaRange(t *testing.T) {
	t.Parallel()
	audio := make([]byte, 100_000)
	for i := range audio {
		audio[i] = byte(i * 7)
	}
	size := len(audio)
	signer := NewSigner(testKey, "t", "http://x", time.Minute)
	for _, tc := range []struct {
		rng, ifRange string
		status       int
		from, to     int // the part expected (to exclusive)
	}{
		{rng: "bytes=0-99", status: 206, from: 0, to: 100},
		{rng: "bytes=50000-50009", status: 206, from: 50000, to: 50010},
		{rng: "bytes=99990-", status: 206, from: 99990, to: size},
		{rng: "bytes=-10", status: 206, from: size - 10, to: size},
		{rng: "bytes=99000-200000", status: 206, from: 99000, to: size},
		{rng: "bytes=-200000", status: 206, from: 0, to: size},
		{rng: "bytes=100000-", status: 416},
		{rng: "bytes=500000-500010", status: 416},
		{rng: "bytes=0-1,5-6", status: 200, from: 0, to: size},
		{rng: "bytes=9-2", status: 200, from: 0, to: size},
		{rng: "items=0-1", status: 200, from: 0, to: size},
		{rng: "bytes=0-99", ifRange: `"v1"`, status: 200, from: 0, to: size},
	} {
		rec := &oneRecording{ct: "audio/mpeg", data: audio}
		srv := mediaServer(t, rec, signer)
		hdr := map[string]string{"Range": tc.rng}
		if tc.ifRange != "" {
			hdr["If-Range"] = tc.ifRange
		}
		res, body := fetch(t, srv, signer, http.MethodGet, hdr)
		if res.StatusCode != tc.status {
			t.Errorf("Range %q: %d, want %d", tc.rng, res.StatusCode, tc.status)
			continue
		}
		switch tc.status {
		case 416:
			if cr := res.Header.Get("Content-Range"); cr != "bytes */"+strconv.Itoa(size) {
				t.Errorf("Range %q: Content-Range %q", tc.rng, cr)
			}
		case 206:
			want := "bytes " + strconv.Itoa(tc.from) + "-" + strconv.Itoa(tc.to-1) + "/" + strconv.Itoa(size)
			if cr := res.Header.Get("Content-Range"); cr != want {
				t.Errorf("Range %q: Content-Range %q, want %q", tc.rng, cr, want)
			}
			fallthrough
		default:
			if !bytes.Equal(body, audio[tc.from:tc.to]) {
				t.Errorf("Range %q: %d bytes, not bytes %d-%d", tc.rng, len(body), tc.from, tc.to-1)
			}
			if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(tc.to-tc.from) {
				t.Errorf("Range %q: Content-Length %q", tc.rng, cl)
			}
			if res.Header.Get("Accept-Ranges") != "bytes" {
				t.Errorf("Range %q: no Accept-Ranges: bytes", tc.rng)
			}
		}
		if n := closedAfterAWhile(rec); n != 1 {
			t.Errorf("Range %q: upstream closed %d times", tc.rng, n)
		}
		if tc.status == 206 && tc.to < size && rec.read.Load() > int64(tc.to)+32<<10 {
			t.Errorf("Range %q: read %d bytes from Gladly, past the range's end", tc.rng, rec.read.Load())
		}
	}
}

// TestMediaHead: HEAD answers the headers (length, type) without reading the recording.
func TestMediaHead(t *testing.T) {
	t.Parallel()
	rec := &oneRecording{ct: "audio/mpeg", data: bytes.Repeat([]byte("mp3"), 100_000)}
	signer := NewSigner(testKey, "t", "http://x", time.Minute)
	srv := mediaServer(t, rec, signer)
	res, body := fetch(t, srv, signer, http.MethodHead, nil)
	if res.StatusCode != http.StatusOK || len(body) != 0 {
		t.Fatalf("HEAD: %d with %d bytes", res.StatusCode, len(body))
	}
	if res.ContentLength != 300_000 || res.Header.Get("Content-Type") != "audio/mpeg" {
		t.Errorf("HEAD: Content-Length %d, Content-Type %q", res.ContentLength, res.Header.Get("Content-Type"))
	}
	if n := rec.read.Load(); n != 0 {
		t.Errorf("HEAD read %d bytes of the recording from Gladly", n)
	}
	if n := closedAfterAWhile(rec); n != 1 {
		t.Errorf("HEAD: upstream closed %d times, want 1", n)
	}
	if res, _ := fetch(t, srv, signer, http.MethodHead, map[string]string{"Range": "bytes=10-19"}); res.StatusCode != 206 || res.ContentLength != 10 {
		t.Errorf("HEAD with a range: %d, Content-Length %d", res.StatusCode, res.ContentLength)
	}
}

// TestMediaContentTypes: only audio and video are served inline; whatever else Gladly sends is
// an opaque download, never HTML or script on gladgraph's origin. nosniff always.
func TestMediaContentTypes(t *testing.T) {
	t.Parallel()
	signer := NewSigner(testKey, "t", "http://x", time.Minute)
	for ct, want := range map[string]string{
		"audio/mpeg":                   "audio/mpeg",
		"AUDIO/MPEG":                   "audio/mpeg",
		"video/mp4; codecs=\"avc1\"":   "video/mp4",
		"text/html; charset=utf-8":     "",
		"image/svg+xml":                "",
		"application/javascript":       "",
		"":                             "",
		"audio":                        "",
		"text/html, audio/mpeg":        "",
		"application/octet-stream":     "",
		"multipart/x-mixed-replace; x": "",
	} {
		srv := mediaServer(t, &oneRecording{ct: ct, data: []byte("<script>alert(1)</script>")}, signer)
		res, _ := fetch(t, srv, signer, http.MethodGet, nil)
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%q: no nosniff", ct)
		}
		got, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition")
		if want != "" {
			if got != want || cd != "" {
				t.Errorf("%q: served as %q (%q), want %q inline", ct, got, cd, want)
			}
			continue
		}
		if got != "application/octet-stream" || cd != "attachment" {
			t.Errorf("%q: served as %q (Content-Disposition %q), want an application/octet-stream attachment", ct, got, cd)
		}
	}
}

// TestMediaAbortedStreamLogged: a recording cut after its status line went out is logged as
// aborted (handler and access line), not as a 200 success.
func TestMediaAbortedStreamLogged(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu = make(chan struct{}, 1)
	logger := zerolog.New(zerolog.SyncWriter(&lockedWriter{w: &logs, mu: mu}))
	rec := &oneRecording{ct: "audio/mpeg", data: bytes.Repeat([]byte{1}, 200_000), breakAfter: 40_000}
	signer := NewSigner(testKey, "t", "http://x", time.Minute)
	rt := edge.NewRouter(metrics.New(), time.Minute)
	rt.HandleStream("GET /media/{itemId}", "/media/{itemId}", NewHandler(signer, rec))
	srv := httptest.NewServer(rt.Handler(logger))
	t.Cleanup(srv.Close)

	u, _ := url.Parse(signer.Sign("item"))
	res, err := srv.Client().Get(srv.URL + u.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	n, rerr := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if rerr == nil {
		t.Errorf("the client read %d bytes and a clean end of a broken stream", n)
	}
	// The access line is written as the handler returns; the client may see the cut first.
	var out string
	for range 200 {
		mu <- struct{}{}
		out = logs.String()
		<-mu
		if strings.Contains(out, `"message":"request"`) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(out, `"reason":"upstream_broke"`) || !strings.Contains(out, "media: stream aborted") {
		t.Errorf("no aborted-stream line: %s", out)
	}
	var access string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, `"message":"request"`) {
			access = line
		}
	}
	if !strings.Contains(access, `"aborted":"upstream_broke"`) || !strings.Contains(access, `"level":"warn"`) {
		t.Errorf("the access line does not say aborted: %s", access)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu chan struct{}
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu <- struct{}{}
	defer func() { <-l.mu }()
	return l.w.Write(p)
}

// patternReader yields n bytes without holding them: a recording larger than memory should be.
type patternReader struct{ left int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(b)), p.left))
	for i := range b[:n] {
		b[i] = byte(i)
	}
	p.left -= int64(n)
	return n, nil
}

func (p *patternReader) Close() error { return nil }

// TestMediaLargeRecordingBounded: a 256 MiB recording (and a range of it) is relayed in chunks;
// the heap stays flat (figures logged; the bound is in bytes, not time).
func TestMediaLargeRecordingBounded(t *testing.T) {
	const size = 256 << 20
	rec := recordingFunc(func(context.Context, string) (io.ReadCloser, *gladly.Response, error) {
		return &patternReader{left: size}, &gladly.Response{Response: &http.Response{StatusCode: 200,
			Header: http.Header{"Content-Type": {"audio/mpeg"}}, ContentLength: size}}, nil
	})
	signer := NewSigner(testKey, "t", "http://x", time.Minute)
	srv := mediaServer(t, rec, signer)
	for _, rng := range []string{"", "bytes=134217728-"} {
		var peak atomic.Uint64
		done := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-time.After(5 * time.Millisecond):
				}
				runtime.ReadMemStats(&ms)
				if h := ms.HeapInuse; h > peak.Load() {
					peak.Store(h)
				}
			}
		}()
		u, _ := url.Parse(signer.Sign("item"))
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+u.RequestURI(), nil)
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		close(done)
		want := int64(size)
		if rng != "" {
			want = size / 2
		}
		if err != nil || n != want {
			t.Fatalf("Range %q: %d bytes, %v; want %d", rng, n, err, want)
		}
		t.Logf("256 MiB recording, Range %q: %d MiB relayed, heap peak %.1f MiB", rng, n>>20, float64(peak.Load())/(1<<20))
		if peak.Load() > 64<<20 {
			t.Errorf("Range %q: heap peaked at %.1f MiB relaying a recording", rng, float64(peak.Load())/(1<<20))
		}
	}
}
