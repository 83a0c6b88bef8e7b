package gladly

import (
	"time"

	"github.com/cenkalti/backoff/v5"
)

// RetryPolicy bounds the retries of safe requests (GETs and creates carrying an id) after network
// errors, 429 and 502/503/504, and of GETs after 500 as well. Retries also stop when the next wait
// would pass the context's deadline. The zero value disables retries.
type RetryPolicy struct {
	MaxAttempts     int           // attempts in all, first included; 0 or 1 means no retry
	InitialInterval time.Duration // first wait
	MaxInterval     time.Duration // cap on one wait
	Multiplier      float64       // growth per attempt
	Jitter          float64       // randomization factor in [0,1): each wait is ±Jitter of its base
}

// DefaultRetryPolicy: up to 6 attempts, waits from 100 ms doubling to 4 s, ±50 % jitter.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 6, InitialInterval: 100 * time.Millisecond, MaxInterval: 4 * time.Second, Multiplier: 2, Jitter: 0.5}
}

// NoRetry disables retries.
func NoRetry() RetryPolicy { return RetryPolicy{MaxAttempts: 1} }

func (p RetryPolicy) backOff() *backoff.ExponentialBackOff {
	b := backoff.NewExponentialBackOff()
	if p.InitialInterval > 0 {
		b.InitialInterval = p.InitialInterval
	}
	if p.MaxInterval > 0 {
		b.MaxInterval = p.MaxInterval
	}
	if p.Multiplier >= 1 {
		b.Multiplier = p.Multiplier
	}
	b.RandomizationFactor = p.Jitter
	b.Reset()
	return b
}
