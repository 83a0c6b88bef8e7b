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
	rate                   int // Gladly's limit per second: see drain
}

// measureLatency runs operations one after another. When an operation's calls would not fit
// twice in Gladly's one-second window, the next one waits for the window to drain: latency is
// measured for a request that finds the organization's rate-limit budget available (throughput,
// measured separately, is where the limit is shared).
func measureLatency(ctx context.Context, r *opRunner, calls func() int, plan latencyPlan) (latencyResult, error) {
	var res latencyResult
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	startCalls := calls()
	start := time.Now()
	var waited time.Duration
	for len(res.samples) < plan.maxSamples && (len(res.samples) < plan.minSamples || time.Since(start)-waited < plan.duration) {
		c0 := calls()
		t0 := time.Now()
		if err := r.run(ctx); err != nil {
			return res, err
		}
		d := time.Since(t0)
		res.samples = append(res.samples, d)
		if n := calls() - c0; plan.rate > 0 && 2*n > plan.rate {
			if w := time.Second + 100*time.Millisecond - d; w > 0 {
				waited += w
				select {
				case <-ctx.Done():
					return res, ctx.Err()
				case <-time.After(w):
				}
			}
		}
	}
	runtime.ReadMemStats(&after)
	n := float64(len(res.samples))
	res.calls = float64(calls()-startCalls) / n
	res.allocsPerOp = float64(after.Mallocs-before.Mallocs) / n
	res.bytesPerOp = float64(after.TotalAlloc-before.TotalAlloc) / n
	return res, nil
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
func measureThroughput(ctx context.Context, r *opRunner, c int, d time.Duration) (float64, error) {
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
		return 0, firstEr
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
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
	f, err := os.Open("/proc/self/status")
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
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys
}
