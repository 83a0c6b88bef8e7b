package gladly

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxRetryAfter caps the pause a Retry-After header can impose (see WithMaxRetryAfter): a
// Gladly answering "Retry-After: 3600" by mistake must not silence an account for an hour.
const DefaultMaxRetryAfter = 60 * time.Second

// ParseRetryAfter reads a Retry-After value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date,
// relative to now. It reports false for an absent or unreadable value; a date in the past is a
// zero wait. The result is capped at limit when limit > 0.
func ParseRetryAfter(v string, now time.Time, limit time.Duration) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	n, err := strconv.ParseInt(v, 10, 64)
	if errors.Is(err, strconv.ErrRange) && v[0] != '-' {
		n, err = int64(maxDuration/time.Second), nil // digits beyond int64: "never", capped below
	}
	if err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(maxDuration/time.Second) {
			n = int64(maxDuration / time.Second)
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = max(t.Sub(now), 0)
	} else {
		return 0, false
	}
	if limit > 0 && d > limit {
		d = limit
	}
	return d, true
}

const maxDuration = time.Duration(1<<63 - 1)

// WithMaxRetryAfter caps how long a 429's Retry-After pauses the account's requests (default
// DefaultMaxRetryAfter; GLADLY_MAX_RETRY_AFTER in the server). d ≤ 0 restores the default.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			d = DefaultMaxRetryAfter
		}
		c.maxRetryAfter = d
		return nil
	}
}
