package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/loaders"
)

// row is one query in one mode.
type row struct {
	Query         string  `json:"query"`
	Mode          string  `json:"mode"`
	UpstreamCalls float64 `json:"upstreamCalls"` // Gladly calls per operation, counted by the fake
	MinimumCalls  int     `json:"minimumCalls"`
	Hops          int     `json:"hops"`
	// CriticalPathMs is hops × the injected latency: what an operation costs if nothing waits
	// but the dependency chain.
	CriticalPathMs float64 `json:"criticalPathMs"`
	// RateLimitFloorMs is the least an isolated operation can take when its minimum calls exceed
	// one second's budget: (⌈calls ÷ limit⌉ − 1) windows, then one more call. 0 when they fit.
	RateLimitFloorMs float64 `json:"rateLimitFloorMs"`
	// MinMs is the fastest sample: on a machine shared with other work, the figure least
	// disturbed by waits for a CPU.
	MinMs       float64      `json:"minMs"`
	P50Ms       float64      `json:"p50Ms"`
	P95Ms       float64      `json:"p95Ms"`
	P99Ms       float64      `json:"p99Ms"`
	Samples     int          `json:"samples"`
	RPS         float64      `json:"rps"` // the best of the throughput runs
	Throughput  []throughput `json:"throughput"`
	AllocsPerOp float64      `json:"allocsPerOp"`
	BytesPerOp  float64      `json:"bytesPerOp"`
	PeakRSSMB   float64      `json:"peakRssMB"`
	// BreakerOpens counts the openings of the Redis circuit breaker during the cell.
	BreakerOpens int64 `json:"breakerOpens"`
	// NewConnsPer100 is the new TCP connections to Gladly per 100 Gladly calls in the cell
	// (-1: no call).
	NewConnsPer100 float64 `json:"newConnsPer100"`
	// CPUPerOpMs is the process's CPU time (user + system) per operation in the throughput runs.
	CPUPerOpMs float64 `json:"cpuPerOpMs"`
	// Answers (peer-warm) is "identical" when the peer's answer equals gladgraph's as JSON,
	// else the first difference.
	Answers string `json:"answers,omitempty"`
}

// report is a whole run.
type report struct {
	Machine machine `json:"machine"`
	Config  struct {
		LatencyMs  float64 `json:"latencyMs"`
		JitterMs   float64 `json:"jitterMs"`
		RateLimit  int     `json:"rateLimit"`
		Quick      bool    `json:"quick"`
		DurationMs float64 `json:"durationMs"`
	} `json:"config"`
	Rows []row `json:"rows"`
}

func (c config) wants(query, mode string) bool {
	if c.queries != nil && !c.queries[query] {
		return false
	}
	if c.modes != nil && !c.modes[mode] {
		return false
	}
	if mode == peerCold || mode == peerWarm {
		return !c.quick || query != "entities"
	}
	// -quick keeps to 45 s at Gladly's 10 calls/s: every mode of contact360 (the naive/cold
	// target), cold, warm and memory of the others, and no entities (one cold operation alone,
	// 100 calls, is 10 s of rate limit).
	if c.quick {
		switch query {
		case "contact360":
			return true
		case "entities":
			return false
		}
		return mode == "cold" || mode == "warm" || mode == "opcache" || mode == "memory"
	}
	return true
}

// wantsPeer: a peer mode is asked for (or every mode is).
func (c config) wantsPeer() bool {
	return c.modes == nil || c.modes[peerCold] || c.modes[peerWarm]
}

func (c config) logf(format string, args ...any) {
	if c.progress != nil {
		fmt.Fprintf(c.progress, format+"\n", args...)
	}
}

func run(ctx context.Context, cfg config) (*report, error) {
	rdb, redisVersion, closeRedis, err := openRedis(ctx, cfg.redisURL)
	if err != nil {
		return nil, err
	}
	defer closeRedis()
	runID := randomID()
	ns := "gladgraph-bench:" + runID + ":"
	defer deleteKeys(rdb, ns)

	fakeOpts := []gladlytest.Option{
		gladlytest.WithSeed(1), gladlytest.WithLatency(cfg.latency, cfg.jitter), gladlytest.WithRequestLog(100),
		gladlytest.WithIdleTimeout(time.Minute),
		gladlytest.WithSize(gladlytest.Size{Customers: entityCount, ConversationsPerCustomer: 1, ItemsPerConversation: 3, TasksPerCustomer: 1, CommentsPerTask: 1}),
	}
	var limiter gladly.Limiter = gladly.Unlimited{}
	if cfg.rate > 0 {
		fakeOpts = append(fakeOpts, gladlytest.WithRateLimit(cfg.rate))
		// One limiter for every mode's client: Gladly counts per organization.
		limiter = gladly.NewWindowLimiter(cfg.rate, time.Second)
	} else {
		fakeOpts = append(fakeOpts, gladlytest.WithoutRateLimit())
	}
	fake, err := gladlytest.Start(fakeOpts...)
	if err != nil {
		return nil, err
	}
	defer fake.Close()
	fx, err := seedFixture(fake, runID)
	if err != nil {
		return nil, err
	}
	sc := stackConfig{fake: fake, rdb: rdb, ns: ns, limiter: limiter}
	if cfg.wait > 0 {
		sc.factoryOpts = append(sc.factoryOpts, loaders.WithWait(cfg.wait))
	}
	if cfg.fetchConc > 0 {
		sc.storeOpts = append(sc.storeOpts, loaders.WithFetchConcurrency(cfg.fetchConc))
	}
	st, err := buildStack(sc)
	if err != nil {
		return nil, err
	}
	defer st.close()

	mux := http.NewServeMux()
	for mode, h := range st.handlers {
		mux.Handle("/"+mode+"/graphql", h)
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var peer *peerProc
	if cfg.wantsPeer() {
		p, err := startPeer(ctx, cfg, fake, rdb, ns)
		switch {
		case errors.Is(err, errNoNode):
			cfg.logf("bench: the Node peer modes are skipped: %v", err)
		case err != nil:
			return nil, fmt.Errorf("the Node peer (bench/peer): %w", err)
		default:
			peer = p
			defer p.stop()
		}
	}
	hc := &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

	stopProfile, err := startProfile(cfg.cpuProfile)
	if err != nil {
		return nil, err
	}
	defer stopProfile()

	rep := &report{Machine: describeMachine(redisVersion)}
	rep.Config.LatencyMs, rep.Config.JitterMs, rep.Config.RateLimit = ms(cfg.latency), ms(cfg.jitter), cfg.rate
	rep.Config.Quick, rep.Config.DurationMs = cfg.quick, ms(cfg.duration)

	var seq atomic.Int64
	win := &window{rate: cfg.rate, span: time.Second + 100*time.Millisecond}
	for _, q := range querySet(fx) {
		filled := false // the query's warm scope (and so memory mode's cache) holds its answers
		for _, mode := range modeNames {
			if !cfg.wants(q.name, mode) || ((mode == "memory" || mode == "opcache") && q.writes) {
				continue
			}
			isPeer := mode == peerCold || mode == peerWarm
			if isPeer && (peer == nil || q.writes) {
				continue
			}
			r := &opRunner{t: target{url: srv.URL + "/" + mode + "/graphql", client: hc}, q: q, mode: mode, seq: &seq}
			warm := "warm-" + q.name
			var diff string
			if isPeer {
				r.t.url, r.peer = peer.url, peer
				if mode == peerWarm {
					r.scope = func() string { return warm }
					if err := r.run(ctx); err != nil { // fills the peer's warm scope
						return nil, fmt.Errorf("filling the peer's cache: %w", err)
					}
					gg := target{url: srv.URL + "/warm/graphql", client: hc}
					if diff, err = sameAnswers(ctx, q, gg, r.t, warm, warm); err != nil {
						return nil, fmt.Errorf("comparing the answers: %w", err)
					}
					if diff != "" {
						cfg.logf("bench: %s: the peer's answer differs from gladgraph's: %s", q.name, diff)
					}
				} else {
					r.scope = func() string { return "cold-" + randomID() }
				}
			}
			switch mode {
			case "cold":
				// The first cold operation runs in the (still empty) warm scope and so fills it.
				first := !filled
				filled = true
				r.scope = func() string {
					if first {
						first = false
						return warm
					}
					return "cold-" + randomID()
				}
			case "warm", "opcache":
				r.scope = func() string { return warm }
			}
			if (mode == "warm" || mode == "opcache" || mode == "memory") && !filled {
				fill := *r
				fill.t.url = srv.URL + "/warm/graphql"
				fill.scope = func() string { return warm }
				if err := fill.run(ctx); err != nil {
					return nil, fmt.Errorf("filling the cache: %w", err)
				}
				filled = true
			}
			if r.scope == nil {
				r.scope = func() string { return "" }
			}
			calls := func() int { return fake.TotalCalls() }
			if mode == "memory" {
				calls = func() int { return int(st.memory.calls.Load()) }
			}
			byOp := fake.CallsByOp()
			opens0, new0, reused0 := st.resilient.State().Opens, st.conns.New.Load(), st.conns.Reused.Load()
			row, err := measureCell(ctx, cfg, q, mode, r, calls, win)
			if mode == peerWarm {
				row.Answers = "identical"
				if diff != "" {
					row.Answers = diff
				}
			}
			row.BreakerOpens = st.resilient.State().Opens - opens0
			row.NewConnsPer100 = -1
			if n := (st.conns.New.Load() - new0) + (st.conns.Reused.Load() - reused0); n > 0 {
				row.NewConnsPer100 = math.Round(float64(st.conns.New.Load()-new0)/float64(n)*1000) / 10
			}
			if cfg.verbose {
				cfg.logf("bench: %s/%s: Gladly calls in the cell by operation: %v", q.name, mode, diffCalls(byOp, fake.CallsByOp()))
			}
			if cfg.trace {
				if err := traceOne(ctx, cfg, r, fake, win); err != nil {
					return nil, err
				}
			}
			if err != nil {
				return nil, err
			}
			if mode == "memory" && st.memory.calls.Load() > 0 {
				return nil, fmt.Errorf("%s/memory: %d requests reached for Gladly", q.name, st.memory.calls.Load())
			}
			rep.Rows = append(rep.Rows, row)
		}
	}
	return rep, nil
}

func measureCell(ctx context.Context, cfg config, q querySpec, mode string, r *opRunner, calls func() int, win *window) (row, error) {
	cfg.logf("bench: %s/%s …", q.name, mode)
	started := time.Now()
	cpuOf, peakOf := cpuTime, peakRSS
	if r.peer != nil {
		cpuOf, peakOf = r.peer.cpu, r.peer.peak
		r.peer.resetPeak()
	} else {
		resetPeakRSS()
	}
	lat, err := measureLatency(ctx, r, calls, win, latencyPlan{minSamples: cfg.minSamples, maxSamples: cfg.maxSamples, duration: cfg.duration, wallClock: cfg.quick})
	if err != nil {
		return row{}, err
	}
	s := sortedCopy(lat.samples)
	out := row{
		Query: q.name, Mode: mode, UpstreamCalls: math.Round(lat.calls*10) / 10, MinimumCalls: q.minimum[mode], Hops: q.hops,
		CriticalPathMs: float64(q.hops) * ms(cfg.latency),
		MinMs:          percentile(s, 0), P50Ms: percentile(s, 50), P95Ms: percentile(s, 95), P99Ms: percentile(s, 99), Samples: len(s),
		AllocsPerOp: math.Round(lat.allocsPerOp), BytesPerOp: math.Round(lat.bytesPerOp),
	}
	if min := q.minimum[mode]; cfg.rate > 0 && min > cfg.rate {
		windows := (min+cfg.rate-1)/cfg.rate - 1
		out.RateLimitFloorMs = float64(windows)*(1000+50) + ms(cfg.latency)
	}
	var (
		cpuTotal time.Duration
		opsTotal int64
	)
	for _, c := range cfg.concurrency {
		// A round of c operations at the rate limit: longer than twice the budget is not run.
		if cfg.rate > 0 && lat.calls > 0 && !cfg.quick {
			if round := float64(c) * lat.calls / float64(cfg.rate); round > 2*cfg.duration.Seconds() {
				out.Throughput = append(out.Throughput, throughput{Concurrency: c, RPS: round2(float64(cfg.rate) / lat.calls), Derived: true})
				continue
			}
		}
		if cfg.quick && lat.calls > 0 {
			// -quick: no throughput run where Gladly is called; the rate-limit bound stands in.
			out.Throughput = append(out.Throughput, throughput{Concurrency: c, RPS: round2(float64(cfg.rate) / lat.calls), Derived: true})
			continue
		}
		if err := win.empty(ctx); err != nil {
			return row{}, err
		}
		c0 := calls()
		cpu0 := cpuOf()
		rps, ops, err := measureThroughput(ctx, r, c, cfg.duration)
		if err != nil {
			return row{}, err
		}
		cpuTotal += cpuOf() - cpu0
		opsTotal += ops
		n := calls() - c0
		win.add(time.Now(), n)
		if cfg.verbose {
			cfg.logf("bench: %s/%s c=%d: %.0f ops/s, %d Gladly calls", q.name, mode, c, rps, n)
		}
		out.Throughput = append(out.Throughput, throughput{Concurrency: c, RPS: round2(rps)})
	}
	for _, t := range out.Throughput {
		out.RPS = max(out.RPS, t.RPS)
	}
	if opsTotal > 0 {
		out.CPUPerOpMs = math.Round(ms(cpuTotal)/float64(opsTotal)*1000) / 1000
	}
	out.PeakRSSMB = math.Round(float64(peakOf())/(1<<20)*10) / 10
	if r.peer != nil { // the bench's own allocations say nothing of the peer's
		out.AllocsPerOp, out.BytesPerOp = 0, 0
	}
	cfg.logf("bench: %s/%s: %.1f calls (min %d), p50 %.1f ms, %d samples, %s", q.name, mode, out.UpstreamCalls, out.MinimumCalls,
		out.P50Ms, out.Samples, time.Since(started).Round(100*time.Millisecond))
	return out, nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// excluding drops the fixture's own customers, so that the entities query shares nothing with
// the others.
func excluding(ids []string, skip ...string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(skip, id) })
}

func diffCalls(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for op, n := range after {
		if d := n - before[op]; d > 0 {
			out[op] = d
		}
	}
	return out
}

// traceOne runs one operation and logs when each of its Gladly calls arrived, from the start:
// where an operation's time goes between the hops.
func traceOne(ctx context.Context, cfg config, r *opRunner, fake *gladlytest.Server, win *window) error {
	if err := win.empty(ctx); err != nil {
		return err
	}
	t0 := time.Now()
	if err := r.run(ctx); err != nil {
		return err
	}
	total := time.Since(t0)
	var b strings.Builder
	n := 0
	for _, req := range fake.Requests() {
		if req.Time.Before(t0) {
			continue
		}
		n++
		fmt.Fprintf(&b, " %s@%.1f", req.Op, ms(req.Time.Sub(t0)))
	}
	win.add(time.Now(), n)
	cfg.logf("bench: trace %s/%s: %.1f ms, %d calls:%s", r.q.name, r.mode, ms(total), n, b.String())
	return nil
}
