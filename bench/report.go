package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// machine is what the figures were taken on.
type machine struct {
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	GoVersion string `json:"goVersion"`
	Redis     string `json:"redis"`
	Date      string `json:"date"`
}

func describeMachine(redisVersion string) machine {
	m := machine{CPU: "unknown", Cores: runtime.NumCPU(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		GoVersion: runtime.Version(), Redis: redisVersion, Date: time.Now().UTC().Format("2006-01-02")}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

func (r *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if r.Rows == nil {
		r.Rows = []row{}
	}
	return enc.Encode(r.Rows)
}

func (r *report) writeMarkdown(w io.Writer) error {
	b := &strings.Builder{}
	m := r.Machine
	fmt.Fprintf(b, "Machine: %s, %d cores, %s/%s, %s, Redis %s, %s.\n", m.CPU, m.Cores, m.GOOS, m.GOARCH, m.GoVersion, m.Redis, m.Date)
	fmt.Fprintf(b, "Fake Gladly: %.0f ms ± %.0f ms per call, rate limit %s; budget %.0f ms per cell%s.\n\n",
		r.Config.LatencyMs, r.Config.JitterMs, rateText(r.Config.RateLimit), r.Config.DurationMs, map[bool]string{true: " (-quick)"}[r.Config.Quick])
	conc := []int{}
	if len(r.Rows) > 0 {
		for _, t := range r.Rows[0].Throughput {
			conc = append(conc, t.Concurrency)
		}
	}
	b.WriteString("| query | mode | calls | min | critical path ms | rate floor ms | min ms | p50 ms | p95 ms | p99 ms |")
	for _, c := range conc {
		fmt.Fprintf(b, " rps c=%d |", c)
	}
	b.WriteString(" CPU ms/op | allocs/op | KB/op | peak RSS MB | breaker opens | new conns /100 calls |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	for range conc {
		b.WriteString("--:|")
	}
	b.WriteString("--:|--:|--:|--:|--:|--:|\n")
	for _, x := range r.Rows {
		floor := "–"
		if x.RateLimitFloorMs > 0 {
			floor = fmt.Sprintf("%.0f", x.RateLimitFloorMs)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %d | %.0f (%d×) | %s | %s | %s | %s | %s |", x.Query, x.Mode, num(x.UpstreamCalls), x.MinimumCalls,
			x.CriticalPathMs, x.Hops, floor, msText(x.MinMs), msText(x.P50Ms), msText(x.P95Ms), msText(x.P99Ms))
		for i := range conc {
			if i >= len(x.Throughput) {
				b.WriteString(" |")
				continue
			}
			t := x.Throughput[i]
			if t.Derived {
				fmt.Fprintf(b, " ≤%s |", num(t.RPS))
			} else {
				fmt.Fprintf(b, " %s |", num(t.RPS))
			}
		}
		cpu, conns := "–", "–"
		if x.CPUPerOpMs > 0 {
			cpu = msText(x.CPUPerOpMs)
		}
		if x.NewConnsPer100 >= 0 {
			conns = num(x.NewConnsPer100)
		}
		fmt.Fprintf(b, " %s | %.0f | %.0f | %.0f | %d | %s |\n", cpu, x.AllocsPerOp, x.BytesPerOp/1024, x.PeakRSSMB, x.BreakerOpens, conns)
	}
	b.WriteString("\ncalls: Gladly calls per operation, counted by the fake; min: the minimum derived in bench/queries.go. " +
		"critical path: hops × latency. rate floor: the least an isolated operation can take when its minimum calls " +
		"exceed one second of the rate limit. ≤x: not run (a round at that concurrency would outlast the budget); " +
		"the rate-limit bound, limit ÷ calls. allocs and KB per operation: the whole process (gladgraph, the bench client, " +
		"and the in-process fake in modes that call it). peak RSS: the process's high-water mark during the cell. " +
		"CPU ms/op: the process's CPU time per operation over the throughput runs. breaker opens: openings of the Redis " +
		"circuit breaker during the cell. new conns: TCP connections opened to Gladly per 100 calls (httptrace).\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func rateText(n int) string {
	if n <= 0 {
		return "off"
	}
	return fmt.Sprintf("%d/s", n)
}

func msText(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func num(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d", int64(v))
	}
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	if v >= 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
