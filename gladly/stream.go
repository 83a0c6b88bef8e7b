package gladly

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// DefaultStreamIdleTimeout is how long a streamed answer (a recording) may go without a byte
// before it is given up: the bound of a stream that may rightly last longer than any total
// timeout (a two-hour call recording relayed at the listener's pace).
const DefaultStreamIdleTimeout = 30 * time.Second

// WithStreamIdleTimeout sets how long a streamed answer (Request.Stream) may wait for its
// headers, and then for each read, before it fails with *StreamIdleError.
func WithStreamIdleTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return errors.New("gladly: stream idle timeout must be positive")
		}
		c.streamIdle = d
		return nil
	}
}

// StreamIdleError is the failure of a streamed answer that sent nothing for Idle.
type StreamIdleError struct {
	Op   string
	Idle time.Duration
}

func (e *StreamIdleError) Error() string {
	return fmt.Sprintf("gladly: %s: no data for %s", e.Op, e.Idle)
}

// streamHTTPClient is hc without its total timeout (http.Client.Timeout would cut a long
// recording mid-stream however steadily it flows); streams are bounded by idleStream instead.
func streamHTTPClient(hc *http.Client) *http.Client {
	cp := *hc
	cp.Timeout = 0
	return &cp
}

// idleStream bounds one streamed attempt: the wait for its headers and then each read of its
// body get d each; past that the attempt's context is cancelled with a *StreamIdleError.
type idleStream struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timer   *time.Timer
	d       time.Duration
	waiting atomic.Bool // waiting on Gladly (headers or a read), not on the reader
}

func newIdleStream(parent context.Context, op string, d time.Duration) *idleStream {
	s := &idleStream{d: d}
	s.ctx, s.cancel = context.WithCancelCause(parent)
	s.waiting.Store(true)
	s.timer = time.AfterFunc(d, func() {
		if s.waiting.Load() {
			s.cancel(&StreamIdleError{Op: op, Idle: d})
		}
	})
	return s
}

// started is called once the headers are in: from then on only reads are timed.
func (s *idleStream) started() {
	s.waiting.Store(false)
	s.timer.Stop()
}

// stop ends the attempt's context (a failed attempt, or the body closed).
func (s *idleStream) stop() {
	s.timer.Stop()
	s.cancel(nil)
}

// body wraps rc so that each read must make progress within d.
func (s *idleStream) body(rc io.ReadCloser) io.ReadCloser { return &idleBody{ReadCloser: rc, s: s} }

type idleBody struct {
	io.ReadCloser
	s *idleStream
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.s.waiting.Store(true)
	b.s.timer.Reset(b.s.d)
	n, err := b.ReadCloser.Read(p)
	b.s.waiting.Store(false)
	b.s.timer.Stop()
	if err != nil && !errors.Is(err, io.EOF) {
		var idle *StreamIdleError
		if cause := context.Cause(b.s.ctx); errors.As(cause, &idle) {
			return n, idle
		}
	}
	return n, err
}

func (b *idleBody) Close() error {
	err := b.ReadCloser.Close()
	b.s.stop()
	return err
}
