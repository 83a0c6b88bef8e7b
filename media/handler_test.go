package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// fakeRecordings stands in for (*gladly.ItemsService).GetRecording.
type fakeRecordings struct {
	audio  map[string][]byte
	body   func() io.ReadCloser // when set, served for every item
	closed atomic.Int32
}

type closeCounter struct {
	io.Reader
	n *atomic.Int32
}

func (c closeCounter) Close() error { c.n.Add(1); return nil }

func (f *fakeRecordings) GetRecording(ctx context.Context, id string) (io.ReadCloser, *gladly.Response, error) {
	if id == "broken" {
		return nil, nil, &gladly.Error{StatusCode: http.StatusServiceUnavailable}
	}
	var rc io.ReadCloser
	size := int64(-1)
	switch b, ok := f.audio[id]; {
	case f.body != nil:
		rc = f.body()
	case ok:
		rc, size = closeCounter{Reader: bytes.NewReader(b), n: &f.closed}, int64(len(b))
	default:
		return nil, nil, &gladly.Error{StatusCode: http.StatusNotFound}
	}
	h := http.Header{"Content-Type": {"audio/mpeg"}}
	return rc, &gladly.Response{Response: &http.Response{StatusCode: 200, Header: h, ContentLength: size}}, nil
}

func mediaServer(t *testing.T, rec RecordingGetter, signer *Signer) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET /media/{itemId}", &mediaHandler{signer: signer, recordings: rec, now: time.Now})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestMediaSignedURLs(t *testing.T) {
	t.Parallel()
	audio := bytes.Repeat([]byte("ID3-audio-"), 10_000) // several chunks
	rec := &fakeRecordings{audio: map[string][]byte{"item-1": audio, "item-2": []byte("other")}}
	key := []byte("0123456789abcdef0123456789abcdef")
	const base = "http://graph.example.com"
	signer := func(now time.Time) *Signer {
		return NewSigner(key, "tenant", base, 15*time.Minute).WithClock(func() time.Time { return now })
	}
	srv := mediaServer(t, rec, signer(time.Now()))

	get := func(u string) (*http.Response, []byte) {
		t.Helper()
		res, err := srv.Client().Get(strings.Replace(u, base, srv.URL, 1))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}

	good := signer(time.Now()).Sign("item-1")
	res, body := get(good)
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, audio) {
		t.Fatalf("valid URL = %d, %d bytes; want 200 and the recording", res.StatusCode, len(body))
	}
	if res.Header.Get("Content-Type") != "audio/mpeg" || res.Header.Get("Content-Length") != strconv.Itoa(len(audio)) {
		t.Errorf("headers = %v", res.Header)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private, max-age=") {
		t.Errorf("Cache-Control = %q", cc)
	}
	if rec.closed.Load() != 1 {
		t.Errorf("upstream body closed %d times, want 1", rec.closed.Load())
	}

	u, _ := url.Parse(good)
	q := u.Query()
	wrongItem := base + "/media/item-2?" + q.Encode()
	forged := *u
	fq := u.Query()
	fq.Set("sig", strings.Repeat("A", 43))
	forged.RawQuery = fq.Encode()
	laterExp := *u
	lq := u.Query()
	lq.Set("exp", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	laterExp.RawQuery = lq.Encode()
	expired := signer(time.Now().Add(-time.Hour)).Sign("item-1")

	for name, target := range map[string]string{
		"expired":       expired,
		"forged":        forged.String(),
		"exp stretched": laterExp.String(),
		"other item":    wrongItem,
		"unsigned":      srv.URL + "/media/item-1",
		"malformed exp": srv.URL + "/media/item-1?exp=x&sig=" + q.Get("sig"),
	} {
		res, body := get(target)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, res.StatusCode)
		}
		if string(body) != "forbidden\n" {
			t.Errorf("%s: body %q tells more than forbidden", name, body)
		}
	}

	if res, _ := get(signer(time.Now()).Sign("missing")); res.StatusCode != http.StatusNotFound {
		t.Errorf("recording Gladly does not have: %d, want 404", res.StatusCode)
	}
	if res, _ := get(signer(time.Now()).Sign("broken")); res.StatusCode != http.StatusBadGateway {
		t.Errorf("Gladly failing: %d, want 502", res.StatusCode)
	}
}

// endlessAudio yields a chunk, then blocks until the request's stream is closed.
type endlessAudio struct {
	sent   bool
	closed chan struct{}
}

func (e *endlessAudio) Read(p []byte) (int, error) {
	if !e.sent {
		e.sent = true
		return copy(p, bytes.Repeat([]byte{1}, 1024)), nil
	}
	<-e.closed
	return 0, errors.New("closed")
}

func (e *endlessAudio) Close() error {
	select {
	case <-e.closed:
	default:
		close(e.closed)
	}
	return nil
}

func TestMediaClientDisconnect(t *testing.T) {
	t.Parallel()
	stream := &endlessAudio{closed: make(chan struct{})}
	// Like Gladly's body, this stream ends when the request context does.
	var rec RecordingGetter = recordingFunc(func(ctx context.Context, _ string) (io.ReadCloser, *gladly.Response, error) {
		go func() { <-ctx.Done(); stream.Close() }()
		return stream, &gladly.Response{Response: &http.Response{Header: http.Header{}, ContentLength: -1}}, nil
	})
	signer := NewSigner([]byte("0123456789abcdef0123456789abcdef"), "t", "http://x", time.Minute)
	srv := mediaServer(t, rec, signer)
	u, _ := url.Parse(signer.Sign("item"))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+u.RequestURI(), nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 1024)); err != nil {
		t.Fatalf("first chunk: %v", err)
	}
	cancel()
	res.Body.Close()
	select {
	case <-stream.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream stream was not closed after the client left")
	}
}

type recordingFunc func(ctx context.Context, id string) (io.ReadCloser, *gladly.Response, error)

func (f recordingFunc) GetRecording(ctx context.Context, id string) (io.ReadCloser, *gladly.Response, error) {
	return f(ctx, id)
}
