package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAbusiveCallerFairness: one caller reads as fast as it can (16 at once, every read a Gladly
// call) while another sends normal reads (one at a time, 200 ms apart); the normal caller's
// latency and error rate are measured alone first, then beside the abusive one. Gladly never
// gets more than the organization's limit, and nobody gets an error but a typed rate limit.
//
// The target — the normal caller's p99 and error rate within 2× of running alone — needs
// the per-caller limiter (CALLER_UPSTREAM_RATE); without it the fairness comes only from the
// organization limiter's FIFO queue and the in-flight bound, so the normal caller waits behind
// every queued read of the abusive one. The figures are logged (and in the README's Reliability
// section), the 2× target is not asserted here. GLADGRAPH_RELIABILITY sets each phase's length.
func TestAbusiveCallerFairness(t *testing.T) {
	t.Parallel()
	d, _ := relDuration(t, "GLADGRAPH_RELIABILITY", 3*time.Second)
	const perSecond = 10
	fx := newRelFixture(t, perSecond, 400)
	env := relEnv(fx.fake, perSecond, "")
	env["CACHE_TTL_PROFILE"] = "0" // every read is a Gladly call
	in := startRelInstance(t, env)
	// The setup's calls (by another client) leave the fake's one-second window before counting starts.
	time.Sleep(1100 * time.Millisecond)
	fx.fake.ResetStats()

	type outcome struct {
		mu        sync.Mutex
		latencies []time.Duration
		requests  int
		failed    int            // answers with errors (all must be typed rate limits)
		codes     map[string]int // their codes
	}
	allowed := []string{"RATE_LIMITED", "UPSTREAM_RATE_LIMITED"}
	record := func(o *outcome, start time.Time, r gqlResult, err error) {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.requests++
		o.latencies = append(o.latencies, time.Since(start))
		switch {
		case err != nil:
			o.failed++
			o.codes["transport: "+err.Error()]++
		case r.Status != http.StatusOK:
			o.failed++
			o.codes["HTTP "+http.StatusText(r.Status)]++
		case len(r.Errors) > 0:
			o.failed++
			for _, c := range r.codes() {
				o.codes[c]++
			}
		}
	}
	var next int
	var nextMu sync.Mutex
	customer := func() int {
		nextMu.Lock()
		defer nextMu.Unlock()
		next++
		return next
	}
	normal := func(o *outcome) {
		ctx, cancel := context.WithTimeout(t.Context(), d)
		defer cancel()
		for ctx.Err() == nil {
			start := time.Now()
			r, err := fx.read(context.WithoutCancel(ctx), in, customer())
			record(o, start, r, err)
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}

	alone := &outcome{codes: map[string]int{}}
	normal(alone)

	beside, abusive := &outcome{codes: map[string]int{}}, &outcome{codes: map[string]int{}}
	actx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for actx.Err() == nil {
				start := time.Now()
				r, err := fx.read(actx, in, customer())
				if errors.Is(err, context.Canceled) || actx.Err() != nil {
					return // the phase ended under it: the test's own cancellation, not an answer
				}
				record(abusive, start, r, err)
			}
		})
	}
	time.Sleep(200 * time.Millisecond) // the abusive caller's queue forms first
	normal(beside)
	stop()
	wg.Wait()

	p99 := func(o *outcome) time.Duration {
		if len(o.latencies) == 0 {
			return 0
		}
		l := slices.Clone(o.latencies)
		slices.Sort(l)
		return l[min(len(l)-1, len(l)*99/100)].Round(time.Millisecond)
	}
	rate := func(o *outcome) float64 {
		if o.requests == 0 {
			return 0
		}
		return float64(o.failed) / float64(o.requests)
	}
	rss, hwm := procStatusMiB("VmRSS"), procStatusMiB("VmHWM")
	t.Logf("normal caller alone: %d reads, p99 %v, error rate %.2f; beside the abusive one: %d reads, p99 %v (%.1f× alone), error rate %.2f %v; abusive caller: %d reads, p99 %v, error rate %.2f %v; Gladly: %d calls, at most %d in one second (limit %d); process RSS %.0f MiB, peak %.0f MiB",
		alone.requests, p99(alone), rate(alone), beside.requests, p99(beside), float64(p99(beside))/float64(max(p99(alone), time.Millisecond)), rate(beside), beside.codes,
		abusive.requests, p99(abusive), rate(abusive), abusive.codes, fx.fake.TotalCalls(), fx.fake.MaxPerSecond(), perSecond, rss, hwm)
	if p99(beside) > 2*p99(alone) || rate(beside) > 2*rate(alone) {
		t.Logf("the 2× target is not met without a per-caller limiter (CALLER_UPSTREAM_RATE): the normal caller queues behind the abusive caller's reads")
	}

	if m := fx.fake.MaxPerSecond(); m > perSecond {
		t.Errorf("Gladly got %d requests in one second, over the organization's %d", m, perSecond)
	}
	if alone.requests == 0 || beside.requests == 0 || abusive.requests == 0 {
		t.Fatalf("a caller completed no read: alone %d, beside %d, abusive %d", alone.requests, beside.requests, abusive.requests)
	}
	for name, o := range map[string]*outcome{"normal caller alone": alone, "normal caller beside the abusive one": beside, "abusive caller": abusive} {
		for c, n := range o.codes {
			if !slices.Contains(allowed, c) {
				t.Errorf("%s: %d answers failed with %s; only typed rate limits are expected", name, n, c)
			}
		}
	}
}

// procStatusMiB reads a size field of /proc/self/status (VmRSS, VmHWM: the peak RSS) in MiB;
// 0 where there is no /proc.
func procStatusMiB(field string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			var kb float64
			for _, f := range strings.Fields(v) {
				if n, err := strconv.ParseFloat(f, 64); err == nil {
					kb = n
					break
				}
			}
			return kb / 1024
		}
	}
	return 0
}
