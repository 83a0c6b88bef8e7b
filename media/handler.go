package media

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
)

// RecordingGetter is (*gladly.ItemsService).GetRecording: the recording of a conversation item,
// streamed (the caller closes it).
type RecordingGetter interface {
	GetRecording(ctx context.Context, itemID string) (io.ReadCloser, *gladly.Response, error)
}

// mediaWriteTimeout bounds each write to the client: a recording may take long to stream, but
// a client that stops reading must not hold the connection and Gladly's stream forever.
const mediaWriteTimeout = 30 * time.Second

// mediaHandler serves GET /media/{itemId}?exp=…&sig=…: the URLs ConversationItem.media.url hands
// out. The signature is the only credential (browsers cannot send gladgraph's Gladly token).
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
	ct := ""
	if resp != nil && resp.Response != nil {
		ct = resp.Header.Get("Content-Type")
		if resp.ContentLength >= 0 {
			hdr.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
		}
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	hdr.Set("Content-Type", ct)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if left := h.signer.Expiry(q.Get("exp")).Sub(h.now()); left > 0 {
		hdr.Set("Cache-Control", "private, max-age="+strconv.Itoa(int(left.Seconds())))
	}
	w.WriteHeader(http.StatusOK)

	// Streamed chunk by chunk, nothing held back; each write gets its own deadline.
	rc := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			_ = rc.SetWriteDeadline(time.Now().Add(mediaWriteTimeout))
			_, werr := w.Write(buf[:n])
			if werr == nil {
				werr = rc.Flush() // a player starts on the first bytes, not on a full buffer
			}
			if werr != nil && !errors.Is(werr, http.ErrNotSupported) {
				log.Debug().Err(werr).Msg("media: client went away")
				return // the deferred Close ends Gladly's stream
			}
		}
		if errors.Is(rerr, io.EOF) {
			return
		}
		if rerr != nil && r.Context().Err() != nil {
			return // the client left; Gladly's stream was cancelled with it
		}
		if rerr != nil {
			// The status line is out: the only honest signal left is a broken connection.
			log.Warn().Err(rerr).Str("item_id", id).Msg("media: Gladly's stream broke")
			panic(http.ErrAbortHandler)
		}
	}
}
