// Command bench measures gladgraph against a fake Gladly with real latency and Gladly's rate limit:
// upstream calls against the minimum each query needs, latency against the critical path, and
// throughput, for every query of the set in every mode (see queries.go and modes.go).
//
//	go run ./bench            # the full run (several minutes: Gladly's 10 requests/s bound it)
//	go run ./bench -quick     # a smaller run, under 45 s (about 90 s with the Node peer)
//	go run ./bench -modes peer  # the Node peer alone (bench/peer; skipped where Node is missing)
//	go run ./bench -json      # the same figures as a JSON array
//
// Redis: REDIS_URL when set (keys under a namespace of their own, deleted afterwards), else a
// throwaway redis-server on a loopback port.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

type config struct {
	json        bool
	quick       bool
	concurrency []int
	latency     time.Duration
	jitter      time.Duration
	duration    time.Duration
	rate        int
	queries     map[string]bool // nil: all
	modes       map[string]bool // nil: all
	maxSamples  int
	minSamples  int
	cpuProfile  string
	redisURL    string
	verbose     bool
	trace       bool
	wait        time.Duration // loaders' batch wait (0: the default)
	fetchConc   int           // the store's fetch concurrency (0: the default)
	progress    io.Writer
}

func main() {
	var (
		cfg                  config
		conc, queries, modes string
	)
	flag.BoolVar(&cfg.json, "json", false, "print the results as a JSON array instead of a markdown table")
	flag.BoolVar(&cfg.quick, "quick", false, "a smaller run (under 45 s, about 90 s with the Node peer): 400 ms budgets, concurrency 1 and 8, every mode of contact360, no entities")
	flag.StringVar(&conc, "concurrency", "1,8,32", "concurrency levels of the throughput runs")
	flag.DurationVar(&cfg.latency, "latency", 20*time.Millisecond, "the fake Gladly's latency per call")
	flag.DurationVar(&cfg.jitter, "jitter", 5*time.Millisecond, "± uniform jitter on that latency")
	flag.DurationVar(&cfg.duration, "duration", 5*time.Second, "time budget of each latency run and each throughput run")
	flag.IntVar(&cfg.rate, "rate", 10, "the fake's rate limit in requests per second (Gladly's is 10); 0 switches it off")
	flag.StringVar(&queries, "queries", "", "comma-separated queries to run (default: all)")
	flag.StringVar(&modes, "modes", "", "comma-separated modes to run (default: all; peer = peer-cold,peer-warm, the Node peer in bench/peer)")
	flag.IntVar(&cfg.maxSamples, "samples", 200, "most latency samples per cell")
	flag.DurationVar(&cfg.wait, "wait", 0, "the loaders' batch wait (default: gladgraph's)")
	flag.IntVar(&cfg.fetchConc, "fetch-concurrency", 0, "the response cache's Gladly calls at once per batch (default: gladgraph's)")
	flag.BoolVar(&cfg.trace, "trace", false, "after each cell, run one more operation and log when each of its Gladly calls arrived")
	flag.BoolVar(&cfg.verbose, "v", false, "log each cell's Gladly calls by operation")
	flag.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured runs to this file (go tool pprof)")
	flag.Parse()
	var err error
	if cfg.concurrency, err = parseInts(conc); err != nil {
		fatal(err)
	}
	cfg.minSamples = 3
	if cfg.quick {
		if !isSet("duration") {
			cfg.duration = 400 * time.Millisecond
		}
		if !isSet("concurrency") {
			cfg.concurrency = []int{1, 8}
		}
		cfg.minSamples, cfg.maxSamples = 1, min(cfg.maxSamples, 50)
	}
	cfg.queries, cfg.modes = set(queries), set(modes)
	if cfg.modes["peer"] {
		cfg.modes[peerCold], cfg.modes[peerWarm] = true, true
	}
	cfg.redisURL = os.Getenv("REDIS_URL")
	cfg.progress = os.Stderr

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, cfg)
	if err != nil {
		fatal(err)
	}
	if cfg.json {
		err = rep.writeJSON(os.Stdout)
	} else {
		err = rep.writeMarkdown(os.Stdout)
	}
	if err != nil {
		fatal(err)
	}
}

func isSet(name string) bool {
	found := false
	flag.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-concurrency: %q is not a positive integer", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-concurrency: no levels")
	}
	return out, nil
}

func set(csv string) map[string]bool {
	if strings.TrimSpace(csv) == "" {
		return nil
	}
	m := map[string]bool{}
	for _, f := range strings.Split(csv, ",") {
		m[strings.TrimSpace(f)] = true
	}
	return m
}

func randomID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startProfile starts the CPU profile when asked for; the returned func stops it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
