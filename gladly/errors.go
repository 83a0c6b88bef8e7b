package gladly

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Error codes Gladly documents for its errors[] entries.
const (
	CodeBlank            = "blank"
	CodeInvalid          = "invalid"
	CodeMoved            = "moved"
	CodeNotANumber       = "not_a_number"
	CodePresent          = "present"
	CodeTaken            = "taken"
	CodeTooLong          = "too_long"
	CodeWrongLength      = "wrong_length"
	CodeInvalidState     = "invalid_state"
	CodeNotExist         = "not_exist"
	CodeInUse            = "in_use"
	CodeTemporaryFailure = "temporary_failure"
	CodeVersionOutdated  = "version_outdated"
)

// FieldError is one entry of Gladly's errors[]: the attribute at fault, a machine code, a human
// detail and, for some codes, extra data (the conflicting id, a merged customer's new id).
type FieldError struct {
	Attr   string         `json:"attr,omitempty"`
	Code   string         `json:"code"`
	Detail string         `json:"detail,omitempty"`
	Meta   map[string]any `json:"meta,omitempty"`
}

// Error is a non-2xx answer from Gladly.
type Error struct {
	StatusCode int
	Op         string
	Method     string
	Path       string // the API path, without query string
	Errors     []FieldError
}

func (e *Error) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "gladly: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	for i, fe := range e.Errors {
		if i == 0 {
			sb.WriteString(": ")
		} else {
			sb.WriteString("; ")
		}
		if fe.Attr != "" {
			sb.WriteString(fe.Attr)
			sb.WriteByte(' ')
		}
		sb.WriteString(fe.Code)
		if fe.Detail != "" {
			sb.WriteString(" (")
			sb.WriteString(fe.Detail)
			sb.WriteByte(')')
		}
	}
	return sb.String()
}

// HasCode reports whether any entry carries code.
func (e *Error) HasCode(code string) bool {
	for _, fe := range e.Errors {
		if fe.Code == code {
			return true
		}
	}
	return false
}

// RateLimitError is a 429 answer. RetryAfter is Gladly's hint when it sent one (capped by
// WithMaxRetryAfter), else zero. Paused marks a request refused by gladgraph itself, without
// reaching Gladly, because an earlier 429 paused the account beyond the request's deadline.
type RateLimitError struct {
	Err        *Error
	RateLimit  RateLimit
	RetryAfter time.Duration
	Paused     bool
}

func (e *RateLimitError) Error() string { return e.Err.Error() }
func (e *RateLimitError) Unwrap() error { return e.Err }

// MovedError is a 301 answer: the customer was merged into NewID.
type MovedError struct {
	Err      *Error
	OldID    string
	NewID    string
	Location string
}

func (e *MovedError) Error() string { return e.Err.Error() }
func (e *MovedError) Unwrap() error { return e.Err }

// TransportError is a request that got no HTTP answer (connection refused, reset, timeout).
type TransportError struct {
	Op     string
	Method string
	Path   string
	Err    error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("gladly: %s %s: %v", e.Method, e.Path, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// ArgumentError is a call refused before anything was sent (an empty id, a bad option).
type ArgumentError struct{ Detail string }

func (e *ArgumentError) Error() string { return "gladly: invalid argument: " + e.Detail }

// StatusCode returns the HTTP status of a Gladly error, or 0.
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports a 404 answer.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsConflict reports a 409 answer (an id, name, email or phone already taken).
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// IsRateLimited reports a 429 answer.
func IsRateLimited(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

// IsUnauthorized reports a 401 answer (bad or missing credentials).
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsForbidden reports a 403 answer (the API user lacks a permission).
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsMoved reports a 301 answer and returns the id the resource moved to.
func IsMoved(err error) (newID string, ok bool) {
	var m *MovedError
	if errors.As(err, &m) {
		return m.NewID, true
	}
	return "", false
}

// IsUnavailable reports a failure of Gladly itself: no answer, or a 5xx.
func IsUnavailable(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return true
	}
	return StatusCode(err) >= 500
}

const maxErrorBody = 64 << 10

// decodeError reads a non-2xx answer. Gladly's documented bodies vary: {"errors":[…]},
// {"errors":{…}} (several 404 examples), a bare […] (deleteJob) and no body at all.
// Retry-After is read as seconds or an HTTP-date and capped at maxRetryAfter.
func decodeError(req *Request, h *http.Response, maxRetryAfter time.Duration) error {
	body, _ := io.ReadAll(io.LimitReader(h.Body, maxErrorBody))
	e := &Error{StatusCode: h.StatusCode, Op: req.Op, Method: req.Method, Path: req.Path, Errors: parseFieldErrors(body)}
	switch h.StatusCode {
	case http.StatusTooManyRequests:
		rl := &RateLimitError{Err: e, RateLimit: newResponse(h, 0).RateLimit}
		rl.RetryAfter, _ = ParseRetryAfter(h.Header.Get("Retry-After"), time.Now(), maxRetryAfter)
		return rl
	case http.StatusMovedPermanently:
		m := &MovedError{Err: e, Location: h.Header.Get("Location")}
		for _, fe := range e.Errors {
			if fe.Code == CodeMoved && fe.Meta != nil {
				m.OldID, _ = fe.Meta["old"].(string)
				m.NewID, _ = fe.Meta["new"].(string)
			}
		}
		if m.NewID != "" {
			return m
		}
	}
	if h.StatusCode < 400 {
		// A redirect Gladly does not document (a 301 without its "moved" body, a 302 to a
		// login or maintenance page): not an answer of the API.
		return &InvalidResponseError{Op: req.Op, Method: req.Method, Path: req.Path, Status: h.StatusCode, Reason: "redirect", Err: e}
	}
	return e
}

func parseFieldErrors(body []byte) []FieldError {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	var list []FieldError
	if body[0] == '[' {
		if json.Unmarshal(body, &list) == nil {
			return list
		}
		return nil
	}
	var env struct {
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil || len(env.Errors) == 0 {
		return nil
	}
	if json.Unmarshal(env.Errors, &list) == nil {
		return list
	}
	var one FieldError
	if json.Unmarshal(env.Errors, &one) == nil {
		return []FieldError{one}
	}
	return nil
}

func retryAfter(err error) time.Duration {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfter
	}
	return 0
}
