package media

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/gladly"
)

// RecordingGetter is (*gladly.ItemsService).GetRecording: the recording of a conversation item,
// streamed (the caller closes it).
type RecordingGetter interface {
	GetRecording(ctx context.Context, itemID string) (io.ReadCloser, *gladly.Response, error)
}

// mediaWriteTimeout bounds each write to the client: a recording may take long to stream, but
// a client that stops reading must not hold the connection and Gladly's stream forever. Reads
// from Gladly are bounded the same way by the Gladly client (gladly.WithStreamIdleTimeout), never
// by a total timeout: a long call is relayed whole at the listener's pace.
const mediaWriteTimeout = 30 * time.Second

// mediaHandler serves GET and HEAD /media/{itemId}?exp=…&sig=…: the URLs ConversationItem.media.url
// hands out. The signature is the only credential (browsers cannot send gladgraph's Gladly token).
type mediaHandler struct {
	signer     *Signer
	recordings RecordingGetter
	now        func() time.Time
}

// NewHandler returns the handler of GET /media/{itemId}: it checks the URL's signature with
// signer and streams the recording from recordings (a *gladly.ItemsService).
func NewHandler(signer *Signer, recordings RecordingGetter) http.Handler {
	return &mediaHandler{signer: signer, recordings: recordings, now: time.Now}
}

func (h *mediaHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := zerolog.Ctx(r.Context())
	id := r.PathValue("itemId")
	q := r.URL.Query()
	if err := h.signer.Verify(id, q.Get("exp"), q.Get("sig")); err != nil {
		log.Debug().Err(err).Msg("media: refused URL")
		http.Error(w, "forbidden", http.StatusForbidden) // the same answer for every reason
		return
	}
	// Gladly's getMedia documents neither HEAD nor Range: the headers come from a GET whose
	// body is closed unread (HEAD), and a range is cut from the stream (Range).
	body, resp, err := h.recordings.GetRecording(r.Context(), id)
	if err != nil {
		switch {
		case r.Context().Err() != nil:
			log.Debug().Msg("media: client went away before the recording arrived")
		case gladly.IsNotFound(err):
			http.Error(w, "not found", http.StatusNotFound)
		default:
			log.Warn().Err(err).Str("item_id", id).Msg("media: fetching the recording from Gladly failed")
			http.Error(w, "upstream error", http.StatusBadGateway)
		}
		return
	}
	defer body.Close()

	hdr := w.Header()
	size, ct := int64(-1), ""
	if resp != nil && resp.Response != nil {
		ct = resp.Header.Get("Content-Type")
		size = resp.ContentLength
	}
	setContentType(hdr, ct)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if left := h.signer.Expiry(q.Get("exp")).Sub(h.now()); left > 0 {
		hdr.Set("Cache-Control", "private, max-age="+strconv.Itoa(int(left.Seconds())))
	}
	if size >= 0 {
		hdr.Set("Accept-Ranges", "bytes")
	}

	status, start, length := http.StatusOK, int64(0), size
	if rng := r.Header.Get("Range"); rng != "" && size >= 0 && r.Header.Get("If-Range") == "" {
		// If-Range asks for the range only if the recording is unchanged; Gladly gives no
		// validator to compare, so such a request gets the whole recording (RFC 9110 §13.1.5).
		s, n, ok, satisfiable := parseRange(rng, size)
		switch {
		case ok && !satisfiable:
			hdr.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
			http.Error(w, "range not satisfiable", http.StatusRequestedRangeNotSatisfiable)
			return
		case ok:
			status, start, length = http.StatusPartialContent, s, n
			hdr.Set("Content-Range", "bytes "+strconv.FormatInt(s, 10)+"-"+strconv.FormatInt(s+n-1, 10)+"/"+strconv.FormatInt(size, 10))
		}
		// A range this handler does not serve (several ranges, other units) gets the whole
		// recording, as RFC 9110 allows.
	}
	if length >= 0 {
		hdr.Set("Content-Length", strconv.FormatInt(length, 10))
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return // the deferred Close ends Gladly's stream unread
	}

	// Streamed chunk by chunk, nothing held back; each write gets its own deadline.
	src := io.Reader(body)
	if start > 0 {
		if _, err := io.CopyN(io.Discard, body, start); err != nil {
			h.aborted(r, id, "upstream_broke", err)
			return
		}
	}
	if status == http.StatusPartialContent {
		src = io.LimitReader(body, length)
	}
	rc := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			_ = rc.SetWriteDeadline(time.Now().Add(mediaWriteTimeout))
			_, werr := w.Write(buf[:n])
			if werr == nil {
				werr = rc.Flush() // a player starts on the first bytes, not on a full buffer
			}
			if werr != nil && !errors.Is(werr, http.ErrNotSupported) {
				h.aborted(r, id, "client_gone", werr)
				return // the deferred Close ends Gladly's stream
			}
		}
		if errors.Is(rerr, io.EOF) {
			return
		}
		if rerr != nil {
			reason := "upstream_broke"
			var idle *gladly.StreamIdleError
			switch {
			case r.Context().Err() != nil:
				reason = "client_gone" // Gladly's stream was cancelled with the request
			case errors.As(rerr, &idle):
				reason = "upstream_stalled"
			}
			h.aborted(r, id, reason, rerr)
			if reason == "client_gone" {
				return
			}
			// The status line is out: the only honest signal left is a broken connection.
			panic(http.ErrAbortHandler)
		}
	}
}

// aborted logs a stream cut after its status line went out, and marks the request so that the
// access line says so rather than report a 200 success.
func (h *mediaHandler) aborted(r *http.Request, id, reason string, err error) {
	edge.MarkAborted(r.Context(), reason)
	ev := zerolog.Ctx(r.Context()).Warn()
	if reason == "client_gone" {
		ev = zerolog.Ctx(r.Context()).Info() // a listener closing the player is no fault
	}
	ev.Err(err).Str("item_id", id).Str("reason", reason).Msg("media: stream aborted")
}

// setContentType serves audio and video as what they are, and anything else Gladly might send
// (text/html from an error page, an image, a script) as an opaque download: served inline on
// gladgraph's origin it would run there.
func setContentType(hdr http.Header, ct string) {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (strings.HasPrefix(mt, "audio/") || strings.HasPrefix(mt, "video/")) {
		hdr.Set("Content-Type", mt)
		return
	}
	hdr.Set("Content-Type", "application/octet-stream")
	hdr.Set("Content-Disposition", "attachment")
}

// parseRange reads a single byte range ("bytes=0-99", "bytes=100-", "bytes=-100") of a body of
// size bytes. ok is false for anything else (several ranges, other units, malformed): the
// whole body is then served. A well-formed range that starts past the end is not satisfiable.
func parseRange(v string, size int64) (start, length int64, ok, satisfiable bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	num := func(s string) (int64, bool) {
		if s == "" || strings.TrimLeft(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	if first == "" { // the last n bytes
		n, good := num(last)
		if !good {
			return 0, 0, false, false
		}
		if n == 0 || size == 0 {
			return 0, 0, true, false
		}
		n = min(n, size)
		return size - n, n, true, true
	}
	s, good := num(first)
	if !good {
		return 0, 0, false, false
	}
	end := size - 1
	if last != "" {
		e, good := num(last)
		if !good || e < s {
			return 0, 0, false, false
		}
		end = min(e, size-1)
	}
	if s >= size {
		return 0, 0, true, false
	}
	return s, end - s + 1, true, true
}
