package gladly

import (
	"fmt"
	"io"
)

// DefaultMaxResponseBytes caps what one Gladly answer may hold (GLADLY_MAX_RESPONSE_BYTES in the
// server): far above any list Gladly caps, low enough that a broken or hostile answer cannot
// exhaust the process (a 512 MiB answer read whole peaked at 2.3 GiB RSS).
const DefaultMaxResponseBytes = 32 << 20

// ResponseTooLargeError is an answer over the client's byte cap. Nothing past the cap was read.
type ResponseTooLargeError struct {
	Op    string
	Limit int64
}

func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("gladly: %s: the answer exceeds %d bytes", e.Op, e.Limit)
}

// WithMaxResponseBytes caps the bytes read from one answer, streamed ones (events, reports,
// export files) included; n ≤ 0 restores DefaultMaxResponseBytes. Recordings streamed to
// /media are not answers the client reads and are not capped here.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			n = DefaultMaxResponseBytes
		}
		c.maxResponseBytes = n
		return nil
	}
}

// readCapped reads r whole unless it holds more than limit bytes.
func readCapped(r io.Reader, limit int64, req *Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("gladly: %s: read body: %w", req.Op, err)
	}
	if int64(len(b)) > limit {
		return nil, &ResponseTooLargeError{Op: req.Op, Limit: limit}
	}
	return b, nil
}

// cappedBody fails a stream with a *ResponseTooLargeError once it passes its cap.
type cappedBody struct {
	io.ReadCloser
	left int64
	err  *ResponseTooLargeError
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a stream of exactly the cap from a longer one.
		var one [1]byte
		n, err := b.ReadCloser.Read(one[:])
		if n > 0 {
			return 0, b.err
		}
		return 0, err // nil (try again), io.EOF (exactly the cap) or the stream's failure
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
