package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// target is gladgraph served on loopback, one mode's handler behind it.
type target struct {
	url    string
	client *http.Client
}

// opRunner runs the operations of one query in one mode.
type opRunner struct {
	t     target
	q     querySpec
	mode  string
	seq   *atomic.Int64 // operation counter (fresh ids for writes), shared by every mode
	scope func() string
	// peer, when set, is the process that serves the mode (its CPU time and memory are
	// measured instead of the bench's own).
	peer *peerProc
}

// run performs one operation (its requests in order, under one cache scope) and checks the answers.
func (r *opRunner) run(ctx context.Context) error {
	i := int(r.seq.Add(1))
	scope := r.scope()
	for _, req := range r.q.op(i) {
		if err := r.t.do(ctx, req, scope); err != nil {
			return fmt.Errorf("%s/%s: %w", r.q.name, r.mode, err)
		}
	}
	return nil
}

func (t target) do(ctx context.Context, req request, scope string) error {
	body, err := json.Marshal(map[string]any{"query": req.query, "variables": req.vars})
	if err != nil {
		return err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/graphql-response+json")
	if scope != "" {
		hr.Header.Set(scopeHeader, scope)
	}
	resp, err := t.client.Do(hr)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Path       []any          `json:"path"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("HTTP %d, not JSON: %.200s", resp.StatusCode, raw)
	}
	if len(out.Errors) > 0 {
		e := out.Errors[0]
		return fmt.Errorf("%d GraphQL errors, first: %s %v at %v", len(out.Errors), e.Message, e.Extensions, e.Path)
	}
	if req.check != nil {
		if err := req.check(out.Data); err != nil {
			return fmt.Errorf("incomplete answer: %w", err)
		}
	}
	return nil
}

// latencyResult is the sequential run of a cell.
type latencyResult struct {
	samples     []time.Duration
	calls       float64 // upstream calls per operation
	allocsPerOp float64
	bytesPerOp  float64
}

// latencyPlan bounds the sequential run.
type latencyPlan struct {
	minSamples, maxSamples int
	duration               time.Duration
	// wallClock: the duration includes waits for the rate limit (else it counts only requests).
	wallClock bool
}

// measureLatency runs operations one after another. Each waits until Gladly's one-second window
// has room for as many calls as the previous operation made: latency is measured for a request
// that finds the organization's rate-limit budget available (throughput, measured separately,
// is where operations share it).
func measureLatency(ctx context.Context, r *opRunner, calls func() int, win *window, plan latencyPlan) (latencyResult, error) {
	var res latencyResult
	if err := win.empty(ctx); err != nil { // what earlier cells left in Gladly's window
		return res, err
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	startCalls := calls()
	start := time.Now()
	var waited time.Duration
	last := 0
	for len(res.samples) < plan.maxSamples && (len(res.samples) < plan.minSamples || time.Since(start)-waited < plan.duration) {
		w0 := time.Now()
		if err := win.room(ctx, last); err != nil {
			return res, err
		}
		if !plan.wallClock {
			waited += time.Since(w0)
		}
		c0 := calls()
		t0 := time.Now()
		if err := r.run(ctx); err != nil {
			return res, err
		}
		res.samples = append(res.samples, time.Since(t0))
		last = calls() - c0
		win.add(time.Now(), last) // the end: the operation's last calls went out just before it
	}
	runtime.ReadMemStats(&after)
	n := float64(len(res.samples))
	res.calls = float64(calls()-startCalls) / n
	res.allocsPerOp = float64(after.Mallocs-before.Mallocs) / n
	res.bytesPerOp = float64(after.TotalAlloc-before.TotalAlloc) / n
	return res, nil
}

// window tracks the calls of recent operations against Gladly's per-second limit.
type window struct {
	rate int
	span time.Duration // the limit's window plus the client limiter's guard and some slack
	// times are when recorded operations ended, calls how many calls each made
	times []time.Time
	calls []int
}

func (w *window) add(at time.Time, n int) {
	if n > 0 {
		w.times, w.calls = append(w.times, at), append(w.calls, n)
	}
}

// room waits until n more calls fit in the window (at once, if the limit is off or n alone
// exceeds it: such an operation is rate-limit bound whatever it waits).
func (w *window) room(ctx context.Context, n int) error {
	if w.rate <= 0 {
		return nil
	}
	for {
		cut := time.Now().Add(-w.span)
		for len(w.times) > 0 && w.times[0].Before(cut) {
			w.times, w.calls = w.times[1:], w.calls[1:]
		}
		used := 0
		for _, c := range w.calls {
			used += c
		}
		if used == 0 || used+n <= w.rate {
			return nil
		}
		if err := sleep(ctx, time.Until(w.times[0].Add(w.span))); err != nil {
			return err
		}
	}
}

// empty waits until no recorded call is left in the window.
func (w *window) empty(ctx context.Context) error {
	if w.rate <= 0 || len(w.times) == 0 {
		return nil
	}
	return w.room(ctx, w.rate)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// throughput is one concurrency level's figure.
type throughput struct {
	Concurrency int     `json:"concurrency"`
	RPS         float64 `json:"rps"`
	// Derived: not measured, because at Gladly's rate limit one round of this many concurrent
	// operations would take longer than the budget; RPS is then the rate-limit bound
	// (limit ÷ calls per operation), which measured figures at lower concurrency approach.
	Derived bool `json:"derived,omitempty"`
}

// measureThroughput runs c workers for about d (every operation begun before the deadline
// finishes and counts) and returns operations per second.
func measureThroughput(ctx context.Context, r *opRunner, c int, d time.Duration) (rps float64, ops int64, err error) {
	var (
		done    atomic.Int64
		firstEr error
		mu      sync.Mutex
		wg      sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(d)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if err := r.run(ctx); err != nil {
					mu.Lock()
					if firstEr == nil {
						firstEr = err
					}
					mu.Unlock()
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if firstEr != nil {
		return 0, 0, firstEr
	}
	return float64(done.Load()) / time.Since(start).Seconds(), done.Load(), nil
}

// cpuTime is the process's CPU time so far (user + system, every thread).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// percentile of sorted samples (nearest rank), in milliseconds.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	i = min(max(i, 0), len(sorted)-1)
	return ms(sorted[i])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func sortedCopy(s []time.Duration) []time.Duration {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// resetPeakRSS restarts the kernel's high-water mark of this process's resident set (Linux:
// clear_refs 5); false where that is not possible, and peaks are then process-wide.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is the process's resident-set high-water mark in bytes (VmHWM), or the Go runtime's
// view of memory obtained from the OS where /proc is missing.
func peakRSS() uint64 {
	if n := procPeakRSS("/proc/self/status"); n > 0 {
		return n
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys
}

// procPeakRSS is VmHWM in bytes from a /proc/<pid>/status file, 0 where it cannot be read.
func procPeakRSS(status string) uint64 {
	f, err := os.Open(status)
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	return 0
}
