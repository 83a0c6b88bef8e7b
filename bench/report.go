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
		allocs, kb := "–", "–" // the peer's own are not measured
		if x.AllocsPerOp > 0 {
			allocs, kb = fmt.Sprintf("%.0f", x.AllocsPerOp), fmt.Sprintf("%.0f", x.BytesPerOp/1024)
		}
		fmt.Fprintf(b, " %s | %s | %s | %.0f | %d | %s |\n", cpu, allocs, kb, x.PeakRSSMB, x.BreakerOpens, conns)
	}
	b.WriteString("\ncalls: Gladly calls per operation, counted by the fake; min: the minimum derived in bench/queries.go. " +
		"critical path: hops × latency. rate floor: the least an isolated operation can take when its minimum calls " +
		"exceed one second of the rate limit. ≤x: not run (a round at that concurrency would outlast the budget); " +
		"the rate-limit bound, limit ÷ calls. allocs and KB per operation: the whole process (gladgraph, the bench client, " +
		"and the in-process fake in modes that call it). peak RSS: the process's high-water mark during the cell. " +
		"CPU ms/op: the process's CPU time per operation over the throughput runs. breaker opens: openings of the Redis " +
		"circuit breaker during the cell. new conns: TCP connections opened to Gladly per 100 calls (httptrace). " +
		"peer-cold, peer-warm: the Node peer (bench/peer); its CPU and peak RSS are its own process's.\n")
	writePeerTable(b, r.Rows)
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

// writePeerTable sets gladgraph beside the Node peer, query by query: cold and warm p50, warm
// throughput, CPU per warm operation and peak RSS, with the ratio peer ÷ gladgraph. gladgraph's
// warm figures are those of opcache mode (as deployed: the operation cache is on by default)
// where it ran, else warm mode's.
func writePeerTable(b *strings.Builder, rows []row) {
	type pair struct{ cold, warm, peerCold, peerWarm *row }
	var order []string
	byQuery := map[string]*pair{}
	for i := range rows {
		x := &rows[i]
		p := byQuery[x.Query]
		if p == nil {
			p = &pair{}
			byQuery[x.Query] = p
			order = append(order, x.Query)
		}
		switch x.Mode {
		case "cold":
			p.cold = x
		case "warm":
			if p.warm == nil || p.warm.Mode != "opcache" {
				p.warm = x
			}
		case "opcache":
			p.warm = x
		case peerCold:
			p.peerCold = x
		case peerWarm:
			p.peerWarm = x
		}
	}
	header := false
	for _, q := range order {
		p := byQuery[q]
		if p.peerWarm == nil || p.warm == nil {
			continue
		}
		if !header {
			b.WriteString("\ngladgraph / Node peer (ratio peer ÷ gladgraph; gladgraph warm = opcache mode where it ran):\n\n| query | p50 cold ms | p50 warm ms |")
			for _, t := range p.warm.Throughput {
				fmt.Fprintf(b, " rps warm c=%d |", t.Concurrency)
			}
			b.WriteString(" CPU ms/op warm | peak RSS MB | answers |\n|---|--:|--:|")
			for range p.warm.Throughput {
				b.WriteString("--:|")
			}
			b.WriteString("--:|--:|---|\n")
			header = true
		}
		cell := func(g, n float64, text func(float64) string) string {
			if g <= 0 || n <= 0 {
				return "–"
			}
			return fmt.Sprintf("%s / %s (%.2f)", text(g), text(n), n/g)
		}
		coldG, coldN := 0.0, 0.0
		if p.cold != nil && p.peerCold != nil {
			coldG, coldN = p.cold.P50Ms, p.peerCold.P50Ms
		}
		fmt.Fprintf(b, "| %s | %s | %s |", q, cell(coldG, coldN, msText), cell(p.warm.P50Ms, p.peerWarm.P50Ms, msText))
		for i, t := range p.warm.Throughput {
			n := 0.0
			if i < len(p.peerWarm.Throughput) {
				n = p.peerWarm.Throughput[i].RPS
			}
			fmt.Fprintf(b, " %s |", cell(t.RPS, n, num))
		}
		fmt.Fprintf(b, " %s | %s | %s |\n", cell(p.warm.CPUPerOpMs, p.peerWarm.CPUPerOpMs, msText),
			cell(p.warm.PeakRSSMB, p.peerWarm.PeakRSSMB, num), p.peerWarm.Answers)
	}
}
