package gladly

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Request is one Gladly operation ready to send. Build it with NewRequest; Do sends it.
type Request struct {
	// Op is the operation's name in Gladly's spec (its operationId), e.g. "getCustomer".
	Op     string
	Method string
	// Path is the API path, e.g. "/api/v1/customer-profiles/abc"; Query its query string.
	Path  string
	Query url.Values
	// Body is the encoded JSON body (nil for none). Kept as bytes so a retry resends it intact.
	Body []byte
	// Accept is the media type asked for (application/json unless set).
	Accept string
	// Retryable marks requests that may be sent again after a failure: GETs, and creates whose
	// body carries an id so that a repeat cannot create a second object.
	Retryable bool
	// Report routes the request through the report limiter (10/min, 2 concurrent).
	Report bool
	// Public sends the request without credentials (Gladly's public answers endpoints).
	Public bool
	// Uncapped exempts a streamed body (DoRaw) from the client's byte cap: recordings relayed
	// to a client as they arrive, never held whole.
	Uncapped bool
	// Stream sends the request without the HTTP client's total timeout: the body may rightly
	// flow for longer than any fixed bound. The wait for the headers and each read of the body
	// are bounded by the stream idle timeout instead (WithStreamIdleTimeout).
	Stream bool
}

// Response wraps Gladly's HTTP response with the headers Gladly defines.
type Response struct {
	*http.Response
	// Limited is true when Gladly capped the list (Gladly-Limited-Data: true).
	Limited bool
	// Location is the Location header of 201 (created) and 301 (moved) answers.
	Location string
	// RateLimit holds Ratelimit-Limit-Second and Ratelimit-Remaining-Second (-1 when absent).
	RateLimit RateLimit
	// Attempts is how many times the request was sent.
	Attempts int
	// Invalid lists the records of a list answer that could not be read (the others were).
	Invalid []InvalidRecord
}

// RateLimit is Gladly's view of the organization's per-second budget.
type RateLimit struct {
	Limit     int
	Remaining int
}

// Call describes one HTTP attempt, for observers (metrics, access logs).
type Call struct {
	Op       string
	Method   string
	Status   int // 0 when no response arrived
	Attempt  int
	Duration time.Duration // time on the wire, limiter wait excluded
	Wait     time.Duration // time spent in the rate limiter
	Err      error
}

// Observer is called once per HTTP attempt.
type Observer func(ctx context.Context, call Call)

// NewRequest builds a request for op. path is relative to the organization's host and must start
// with /api/v1/. body, when not nil, is encoded as JSON.
func (c *Client) NewRequest(op, method, path string, query url.Values, body any) (*Request, error) {
	if !strings.HasPrefix(path, "/api/v1/") {
		return nil, fmt.Errorf("gladly: %s: path %q must start with /api/v1/", op, path)
	}
	r := &Request{Op: op, Method: method, Path: path, Query: query, Retryable: method == http.MethodGet}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("gladly: %s: encode body: %w", op, err)
		}
		r.Body = b
	}
	return r, nil
}

// Do sends req, retrying where req.Retryable allows, and decodes a JSON answer into v (when v is
// not nil and the answer has a body). Non-2xx answers return a *Error (or *RateLimitError,
// *MovedError); an answer that cannot be read as JSON (another content type, invalid JSON, an
// empty 200 to a GET) an *InvalidResponseError; one over the client's byte cap a
// *ResponseTooLargeError. The Response is returned whenever one arrived.
func (c *Client) Do(ctx context.Context, req *Request, v any) (*Response, error) {
	resp, b, err := c.doBytes(ctx, req, v != nil)
	if err != nil || v == nil || b == nil {
		return resp, err
	}
	if err := decodeTolerant(b, v); err != nil {
		return resp, c.invalid(req, resp, "the body is not the JSON this operation returns")
	}
	return resp, nil
}

// doBytes sends req and reads the answer's body (nil when none is wanted or none came).
func (c *Client) doBytes(ctx context.Context, req *Request, want bool) (*Response, []byte, error) {
	resp, err := c.send(ctx, req)
	if err != nil {
		return resp, nil, err
	}
	defer resp.Body.Close()
	if !want || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return resp, nil, nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		return resp, nil, c.invalid(req, resp, "content type "+mediaType(ct)+", not JSON")
	}
	b, err := readCapped(resp.Body, c.maxResponseBytes, req)
	if err != nil {
		return resp, nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		if req.Method == http.MethodGet && resp.StatusCode == http.StatusOK {
			// A read that answers nothing would otherwise become a silent null.
			return resp, nil, c.invalid(req, resp, "empty body")
		}
		return resp, nil, nil
	}
	return resp, b, nil
}

func (c *Client) invalid(req *Request, resp *Response, reason string) error {
	return &InvalidResponseError{Op: req.Op, Method: req.Method, Path: req.Path, Status: statusOf(resp), Reason: reason}
}

// DoRaw sends req like Do but leaves the body unread: the caller streams it and must close it.
// Used for CSV reports, JSON-lines events, export files and recordings.
// The body is capped like Do's (a read past the cap fails with *ResponseTooLargeError) unless
// req.Uncapped.
func (c *Client) DoRaw(ctx context.Context, req *Request) (*Response, error) {
	resp, err := c.send(ctx, req)
	if err != nil || req.Uncapped {
		return resp, err
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, left: c.maxResponseBytes, err: &ResponseTooLargeError{Op: req.Op, Limit: c.maxResponseBytes}}
	return resp, nil
}

// send performs the attempts. On success the returned response's body is open.
func (c *Client) send(ctx context.Context, req *Request) (*Response, error) {
	limiter := c.limiter
	if req.Report {
		limiter = c.reportLimiter
	}
	bo := c.retry.backOff()
	var lastErr error
	var lastResp *Response
	for attempt := 1; ; attempt++ {
		waitStart := time.Now()
		release, err := limiter.Wait(ctx)
		if err != nil {
			if lastErr != nil {
				return lastResp, lastErr
			}
			var pe *PausedError
			if errors.As(err, &pe) {
				return nil, &RateLimitError{Err: &Error{StatusCode: http.StatusTooManyRequests, Op: req.Op, Method: req.Method, Path: req.Path},
					RateLimit: RateLimit{Limit: -1, Remaining: -1}, RetryAfter: pe.RetryAfter, Paused: true}
			}
			return nil, fmt.Errorf("gladly: %s: rate limiter: %w", req.Op, err)
		}
		wait := time.Since(waitStart)

		actx, hc := ctx, c.httpClient
		var idle *idleStream
		if req.Stream {
			idle = newIdleStream(ctx, req.Op, c.streamIdle)
			actx, hc = idle.ctx, c.streamClient
		}
		hreq, err := c.httpRequest(actx, req)
		if err != nil {
			release()
			if idle != nil {
				idle.stop()
			}
			return nil, err
		}
		start := time.Now()
		hresp, err := hc.Do(hreq)
		dur := time.Since(start)
		if idle != nil {
			idle.started()
			var sie *StreamIdleError
			if err != nil && errors.As(context.Cause(idle.ctx), &sie) {
				err = sie // Gladly sent no headers in time, rather than "context canceled"
			}
			if err == nil && hresp.StatusCode < 300 {
				hresp.Body = idle.body(hresp.Body)
			} else {
				defer idle.stop() // after the error body is read
			}
		}

		var resp *Response
		var callErr error
		if err != nil {
			callErr = c.transportError(req, err)
		} else {
			resp = newResponse(hresp, attempt)
			if hresp.StatusCode >= 300 {
				callErr = decodeError(req, hresp, c.maxRetryAfter)
				_ = hresp.Body.Close()
			}
		}
		if resp != nil && resp.StatusCode < 300 {
			// The limiter slot is held until the body is consumed: Gladly counts a report as
			// in flight while it streams.
			resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
		} else {
			release()
		}
		c.observe(ctx, Call{Op: req.Op, Method: req.Method, Status: statusOf(resp), Attempt: attempt, Duration: dur, Wait: wait, Err: callErr})
		if callErr == nil {
			return resp, nil
		}
		lastErr, lastResp = callErr, resp
		if ra := retryAfter(callErr); ra > 0 {
			// Gladly asked the whole organization to wait: every request of this account
			// (on every replica, when the limiter is shared) waits, not just this one.
			limiter.Pause(time.Now().Add(ra))
		}

		if !req.Retryable || !retryableFailure(req, resp, callErr) || ctx.Err() != nil {
			return resp, callErr
		}
		if attempt >= max(c.retry.MaxAttempts, 1) {
			return resp, callErr
		}
		delay := bo.NextBackOff()
		if ra := retryAfter(callErr); ra > delay {
			delay = ra
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			return resp, callErr // no time left for another attempt
		}
		c.logger.Debug().Str("op", req.Op).Int("attempt", attempt).Int("status", statusOf(resp)).
			Dur("delay", delay).Err(callErr).Msg("gladly: retrying")
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return resp, callErr
		case <-t.C:
		}
	}
}

func (c *Client) httpRequest(ctx context.Context, req *Request) (*http.Request, error) {
	u := *c.baseURL
	p, err := url.PathUnescape(req.Path)
	if err != nil {
		return nil, fmt.Errorf("gladly: %s: bad path: %w", req.Op, err)
	}
	u.Path, u.RawPath = p, req.Path
	if len(req.Query) > 0 {
		u.RawQuery = req.Query.Encode()
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(context.WithValue(ctx, operationKey{}, req.Op), req.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("gladly: %s: build request: %w", req.Op, err)
	}
	if req.Body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	accept := req.Accept
	if accept == "" {
		accept = "application/json"
	}
	hreq.Header.Set("Accept", accept)
	hreq.Header.Set("User-Agent", "gladgraph-gladly-go")
	if !req.Public && (c.username != "" || c.token != "") {
		hreq.SetBasicAuth(c.username, c.token)
	}
	return hreq, nil
}

// transportError wraps a network failure without the URL (its query may hold an email address).
func (c *Client) transportError(req *Request, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return &TransportError{Op: req.Op, Method: req.Method, Path: req.Path, Err: err}
}

func (c *Client) observe(ctx context.Context, call Call) {
	for _, o := range c.observers {
		o(ctx, call)
	}
}

func newResponse(h *http.Response, attempt int) *Response {
	r := &Response{Response: h, Attempts: attempt, RateLimit: RateLimit{Limit: -1, Remaining: -1}}
	if v := h.Header.Get("Gladly-Limited-Data"); v != "" {
		r.Limited, _ = strconv.ParseBool(v)
	}
	r.Location = h.Header.Get("Location")
	if n, err := strconv.Atoi(h.Header.Get("Ratelimit-Limit-Second")); err == nil {
		r.RateLimit.Limit = n
	}
	if n, err := strconv.Atoi(h.Header.Get("Ratelimit-Remaining-Second")); err == nil {
		r.RateLimit.Remaining = n
	}
	return r
}

func statusOf(r *Response) int {
	if r == nil {
		return 0
	}
	return r.StatusCode
}

// retryableFailure reports whether a failed attempt may be repeated (for a retryable request):
// network errors, 429 and 502/503/504 always; 500 only for GETs, which read and so cannot land
// twice, and whose 500s are as often passing as a 503 (a failed node, a deploy). A 500 on a
// create is not repeated: the create may have failed on its input and would fail again. 501 and
// the other 5xx never: they do not pass.
func retryableFailure(req *Request, resp *Response, err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return true
	}
	switch statusOf(resp) {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusInternalServerError:
		return req.Method == http.MethodGet
	}
	return false
}

// releasingBody releases a limiter slot when the body is closed.
type releasingBody struct {
	io.ReadCloser
	release func()
	done    bool
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	if !b.done {
		b.done = true
		b.release()
	}
	return err
}

// maxPathID bounds the ids put in a path: Gladly's are 22 to 50 characters, and a huge one would
// only make a huge request line.
const maxPathID = 256

// apiPath fills each %s of format with a path-escaped id, so that an id cannot change the path.
// Ids that would address another endpoint anyway are refused: an empty id (the collection), "."
// and ".." (which clients, proxies and servers resolve as path segments: /customer-profiles/..
// is /api/v1/), ids with a slash or backslash (which some servers decode from %2F and %5C), and
// ids over maxPathID. No Gladly id has any of these.
func apiPath(format string, ids ...string) (string, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		switch {
		case id == "":
			return "", &ArgumentError{Detail: "empty id in " + format}
		case id == "." || id == "..":
			return "", &ArgumentError{Detail: fmt.Sprintf("id %q is not an id", id)}
		case strings.ContainsAny(id, "/\\"):
			return "", &ArgumentError{Detail: "an id cannot contain / or \\"}
		case len(id) > maxPathID:
			return "", &ArgumentError{Detail: fmt.Sprintf("an id cannot be longer than %d characters", maxPathID)}
		}
		args[i] = url.PathEscape(id)
	}
	return fmt.Sprintf(format, args...), nil
}

// call builds and sends one request: the shape every service method shares.
func (c *Client) call(ctx context.Context, op, method string, query url.Values, body, v any, format string, ids ...string) (*Response, error) {
	p, err := apiPath(format, ids...)
	if err != nil {
		return nil, err
	}
	req, err := c.NewRequest(op, method, p, query, body)
	if err != nil {
		return nil, err
	}
	return c.Do(ctx, req, v)
}

// getList fetches a JSON array of T record by record: a record that cannot be read fails alone
// and is reported in Response.Invalid, the others are returned.
func getList[T any](ctx context.Context, c *Client, op string, query url.Values, format string, ids ...string) ([]T, *Response, error) {
	p, err := apiPath(format, ids...)
	if err != nil {
		return nil, nil, err
	}
	req, err := c.NewRequest(op, http.MethodGet, p, query, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, b, err := c.doBytes(ctx, req, true)
	if err != nil {
		return nil, resp, err
	}
	items, bad, err := DecodeList[T](op, b)
	if err != nil {
		return nil, resp, c.invalid(req, resp, "the body is not a JSON array")
	}
	resp.Invalid = bad
	return items, resp, nil
}

// get fetches one JSON document (an object or a list) of type T.
func get[T any](ctx context.Context, c *Client, op string, query url.Values, format string, ids ...string) (T, *Response, error) {
	var v T
	resp, err := c.call(ctx, op, http.MethodGet, query, nil, &v, format, ids...)
	if err != nil {
		var zero T
		return zero, resp, err
	}
	return v, resp, nil
}

type operationKey struct{}

// OperationFrom returns the Gladly operation (its operationId, e.g. "getCustomer") an outgoing
// request's context belongs to, for RoundTrippers that name what they observe (tracing) without
// parsing URLs; "" outside a Client call.
func OperationFrom(ctx context.Context) string {
	op, _ := ctx.Value(operationKey{}).(string)
	return op
}
