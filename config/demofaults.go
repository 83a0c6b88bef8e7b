package config

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// DemoFaults are the upstream faults GLADLY_DEMO_FAULTS injects into the demo's fake Gladly, so
// that frontend developers can watch their UI cope with a slow or failing helpdesk.
type DemoFaults struct {
	Latency time.Duration // added to every answer
	Jitter  time.Duration // ± around Latency
	Faults  gladlytest.Faults
	raw     string
}

// demoFaultKeys lists what GLADLY_DEMO_FAULTS accepts, for the error message.
var demoFaultKeys = []string{"error_rate", "rate_limit_rate", "rate_limit_burst", "slow_rate", "slow", "drop_rate", "latency", "jitter"}

// ParseDemoFaults reads GLADLY_DEMO_FAULTS: "key=value,key=value". Unknown keys, repeated keys and bad values are
// errors: a typo must not silently run a demo without the faults asked for.
func ParseDemoFaults(s string) (DemoFaults, error) {
	f := DemoFaults{raw: s}
	seen := map[string]bool{}
	var problems []string
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			problems = append(problems, fmt.Sprintf("%q is not key=value", part))
			continue
		}
		if !slices.Contains(demoFaultKeys, k) {
			problems = append(problems, fmt.Sprintf("unknown key %q (known: %s)", k, strings.Join(demoFaultKeys, ", ")))
			continue
		}
		if seen[k] {
			problems = append(problems, fmt.Sprintf("%s given twice", k))
			continue
		}
		seen[k] = true
		if err := f.set(k, v); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", k, err))
		}
	}
	if len(problems) == 0 {
		r := f.Faults
		if r.ErrorRate+r.RateLimitRate+r.SlowRate+r.DropRate > 1 {
			problems = append(problems, "error_rate + rate_limit_rate + slow_rate + drop_rate must not exceed 1")
		}
	}
	if len(problems) > 0 {
		return DemoFaults{}, errors.New(strings.Join(problems, "; "))
	}
	return f, nil
}

func (f *DemoFaults) set(k, v string) error {
	rate := func(dst *float64) error {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 || x > 1 {
			return fmt.Errorf("%q is not a rate from 0 to 1", v)
		}
		*dst = x
		return nil
	}
	dur := func(dst *time.Duration) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Minute {
			return fmt.Errorf("%q is not a duration from 0 to 1m (e.g. 20ms)", v)
		}
		*dst = d
		return nil
	}
	switch k {
	case "error_rate":
		return rate(&f.Faults.ErrorRate)
	case "rate_limit_rate":
		return rate(&f.Faults.RateLimitRate)
	case "slow_rate":
		return rate(&f.Faults.SlowRate)
	case "drop_rate":
		return rate(&f.Faults.DropRate)
	case "rate_limit_burst":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("%q is not a whole number from 1 to 1000", v)
		}
		f.Faults.RateLimitBurst = n
		return nil
	case "slow":
		return dur(&f.Faults.SlowBy)
	case "latency":
		return dur(&f.Latency)
	case "jitter":
		return dur(&f.Jitter)
	}
	return fmt.Errorf("unknown key %q", k)
}

// Any reports whether a fault or delay is configured.
func (f DemoFaults) Any() bool {
	return f.Latency > 0 || f.Jitter > 0 || f.Faults != (gladlytest.Faults{})
}

// String is the setting as given (it holds no secret).
func (f DemoFaults) String() string { return f.raw }

// Options turns the faults into gladlytest options.
func (f DemoFaults) Options() []gladlytest.Option {
	var opts []gladlytest.Option
	if f.Latency > 0 || f.Jitter > 0 {
		opts = append(opts, gladlytest.WithLatency(f.Latency, f.Jitter))
	}
	if f.Faults != (gladlytest.Faults{}) {
		opts = append(opts, gladlytest.WithFaults(f.Faults))
	}
	return opts
}
