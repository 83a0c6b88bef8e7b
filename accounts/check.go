package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// Checker tries credentials against Gladly before they are stored; nil means Gladly accepted
// them. Errors are *RejectedError (Gladly said no) or *UnreachableError (no usable answer).
type Checker func(ctx context.Context, baseURL, username, token string) error

// RejectedError is Gladly refusing the credentials (or the request), with its reason.
type RejectedError struct {
	StatusCode int
	// Reason is Gladly's errors[] as text; it never holds the credentials.
	Reason string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("Gladly refused the credentials: %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), e.Reason)
}

// UnreachableError is Gladly not answering usefully (network, 5xx, rate limit).
type UnreachableError struct{ Err error }

func (e *UnreachableError) Error() string {
	return "Gladly could not be asked to check the credentials: " + e.Err.Error()
}
func (e *UnreachableError) Unwrap() error { return e.Err }

// CheckGladly returns a Checker that fetches the organization (GET /api/v1/organization): one
// cheap authenticated read that any API user may make. hc nil means a client with a 15 s timeout.
func CheckGladly(hc *http.Client) Checker {
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	return func(ctx context.Context, baseURL, username, token string) error {
		c, err := gladly.NewClient(baseURL, gladly.WithHTTPClient(hc), gladly.WithBasicAuth(username, token),
			gladly.WithRetry(gladly.NoRetry()), gladly.WithRateLimit(gladly.Unlimited{}))
		if err != nil {
			return &ValidationError{Field: "gladlyBaseUrl", Message: strings.TrimPrefix(err.Error(), "gladly: ")}
		}
		_, _, err = c.Organization.Get(ctx)
		if err == nil {
			return nil
		}
		var ge *gladly.Error
		if errors.As(err, &ge) && ge.StatusCode >= 400 && ge.StatusCode < 500 && ge.StatusCode != http.StatusTooManyRequests {
			return &RejectedError{StatusCode: ge.StatusCode, Reason: reason(ge)}
		}
		return &UnreachableError{Err: err}
	}
}

func reason(e *gladly.Error) string {
	var parts []string
	for _, fe := range e.Errors {
		p := fe.Code
		if fe.Detail != "" {
			p += " (" + fe.Detail + ")"
		}
		if fe.Attr != "" {
			p = fe.Attr + " " + p
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "no reason given"
	}
	return strings.Join(parts, "; ")
}
