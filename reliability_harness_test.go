package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// The reliability tests (reliability_test.go) run the whole server — config, Gladly client with
// its limiter and retries, Redis, cache, loaders, GraphQL handler — over the fake Gladly with
// faults injected. Each has a short version in the normal suite and a long one selected by an
// environment variable (see relDuration), run by `make reliability` and `make soak`.

// relDuration is how long a test's load runs: short in the normal suite, the value of env (a Go
// duration such as 2m) when it is set.
func relDuration(t testing.TB, env string, short time.Duration) (d time.Duration, long bool) {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		return short, false
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > time.Hour {
		t.Fatalf("%s=%q: want a duration up to 1h, e.g. 2m", env, v)
	}
	return d, true
}

// relLog collects an instance's log: access lines counted, the others kept (the first MiB).
type relLog struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	access int
}

func (l *relLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if bytes.Contains(p, []byte(`"message":"request"`)) { // zerolog writes one line per call
		l.access++
		return len(p), nil
	}
	if room := 1<<20 - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// String returns the kept lines (access lines are only counted).
func (l *relLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// count returns how many kept lines contain every one of subs.
func (l *relLog) count(subs ...string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for line := range strings.SplitSeq(l.buf.String(), "\n") {
		ok := line != ""
		for _, s := range subs {
			ok = ok && strings.Contains(line, s)
		}
		if ok {
			n++
		}
	}
	return n
}

// relInstance is one gladgraph replica, as run builds it, behind a loopback HTTP server.
type relInstance struct {
	URL  string
	Logs *relLog
	http *http.Client
}

// relEnv is the environment of a replica in front of fake: its credentials and rate limit, a
// Redis when redisURL is set, warnings only in the log unless level says otherwise.
func relEnv(fake *gladlytest.Server, perSecond int, redisURL string) map[string]string {
	env := map[string]string{
		"GLADLY_BASE_URL": fake.URL, "GLADLY_USERNAME": fake.Username, "GLADLY_API_TOKEN": fake.Token,
		"GLADLY_RATE_LIMIT": strconv.Itoa(perSecond), "LOG_FORMAT": "json", "LOG_LEVEL": "warn",
	}
	if redisURL != "" {
		env["REDIS_URL"] = redisURL
	}
	return env
}

func startRelInstance(t testing.TB, env map[string]string) *relInstance {
	t.Helper()
	logs := &relLog{}
	_, _, hs := serveForTest(t, env, logs, func(c *config.Config) zerolog.Level { return c.LogLevel }, buildLayers)
	hc := hs.Client()
	hc.Transport.(*http.Transport).MaxIdleConnsPerHost = 128
	return &relInstance{URL: hs.URL, Logs: logs, http: hc}
}

// from returns the instance as a client at another loopback address sees it (127.0.0.2, …): a
// caller of its own where callers are told apart by address.
func (in *relInstance) from(t testing.TB, addr string) *relInstance {
	t.Helper()
	tr := in.http.Transport.(*http.Transport).Clone()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 5 * time.Second}
	tr.DialContext = d.DialContext
	t.Cleanup(tr.CloseIdleConnections)
	c := *in
	c.http = &http.Client{Transport: tr, Timeout: in.http.Timeout}
	return &c
}

// gqlError is one entry of a response's errors.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// gqlResult is a GraphQL response with its HTTP status.
type gqlResult struct {
	Status  int
	Header  http.Header
	HasData bool // the response carries a data member (possibly with null fields)
	Data    json.RawMessage
	Errors  []gqlError
}

func (r gqlResult) codes() []string {
	var cs []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		cs = append(cs, c)
	}
	return cs
}

// upstreamCodes are the extensions.code values of Gladly's failures (DESIGN.md §2).
var upstreamCodes = []string{"UPSTREAM_UNAVAILABLE", "UPSTREAM_RATE_LIMITED"}

// typedUpstream reports whether every error of r is a typed upstream failure.
func (r gqlResult) typedUpstream() bool {
	for _, c := range r.codes() {
		if !slices.Contains(upstreamCodes, c) {
			return false
		}
	}
	return len(r.Errors) > 0
}

// query posts one GraphQL operation. A transport failure (no HTTP answer) is returned as err.
func (in *relInstance) query(ctx context.Context, q string, vars map[string]any) (gqlResult, error) {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, in.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		return gqlResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	res, err := in.http.Do(req)
	if err != nil {
		return gqlResult{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return gqlResult{Status: res.StatusCode}, err
	}
	var raw struct {
		Data   *json.RawMessage `json:"data"`
		Errors []gqlError       `json:"errors"`
	}
	out := gqlResult{Status: res.StatusCode, Header: res.Header}
	if err := json.Unmarshal(b, &raw); err != nil {
		return out, fmt.Errorf("status %d, body not JSON: %.200s", res.StatusCode, b)
	}
	out.Errors = raw.Errors
	if raw.Data != nil {
		out.HasData, out.Data = true, *raw.Data
	} else if bytes.Contains(b, []byte(`"data":null`)) {
		out.HasData = true
	}
	return out, nil
}

// tally counts outcomes of many queries from many goroutines.
type tally struct {
	mu        sync.Mutex
	requests  int
	clean     int            // 200, no errors
	typed     int            // 200, errors all typed upstream failures, data member present
	statuses  map[int]int    // HTTP status → count
	codes     map[string]int // extensions.code → count
	transport int            // no HTTP answer at all
	other     []string       // anything else, for the failure message
}

func newTally() *tally { return &tally{statuses: map[int]int{}, codes: map[string]int{}} }

func (t *tally) add(r gqlResult, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests++
	if err != nil {
		t.transport++
		if len(t.other) < 10 {
			t.other = append(t.other, err.Error())
		}
		return
	}
	t.statuses[r.Status]++
	for _, c := range r.codes() {
		t.codes[c]++
	}
	switch {
	case r.Status == http.StatusOK && len(r.Errors) == 0:
		t.clean++
	case r.Status == http.StatusOK && r.HasData && r.typedUpstream():
		t.typed++
	default:
		if len(t.other) < 10 {
			b, _ := json.Marshal(r.Errors)
			t.other = append(t.other, fmt.Sprintf("status %d data %t errors %s", r.Status, r.HasData, b))
		}
	}
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	pct := 0.0
	if t.requests > 0 {
		pct = 100 * float64(t.clean) / float64(t.requests)
	}
	return fmt.Sprintf("%d requests: %d clean (%.2f%%), %d typed upstream errors with data, %d transport failures, statuses %v, codes %v",
		t.requests, t.clean, pct, t.typed, t.transport, t.statuses, t.codes)
}

// check fails the test when gladgraph answered anything but 200 or did not answer, and when a
// response was neither clean nor a typed upstream failure.
func (t *tally) check(tb testing.TB) {
	tb.Helper()
	t.mu.Lock()
	defer t.mu.Unlock()
	for s, n := range t.statuses {
		if s != http.StatusOK {
			tb.Errorf("%d responses with HTTP status %d; gladgraph answers upstream failures with 200 and typed errors", n, s)
		}
	}
	if t.transport > 0 {
		tb.Errorf("%d requests got no HTTP answer", t.transport)
	}
	if bad := t.requests - t.clean - t.typed - t.transport; bad > 0 {
		tb.Errorf("%d responses neither clean nor typed upstream failures with data, e.g. %q", bad, t.other)
	}
}

// runWorkers runs fn from workers goroutines until d has passed (or ctx ends); fn gets the
// worker number and its iteration.
func runWorkers(ctx context.Context, workers int, d time.Duration, fn func(ctx context.Context, w, i int)) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				fn(ctx, w, i)
			}
		})
	}
	wg.Wait()
}

// runN runs fn n times from workers goroutines.
func runN(workers, n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// writeLog checks the fake's log for the writes a test made: creates (by the id the client
// chose) landed at most once, and exactly once when gladgraph reported success; updates (by the
// unique value they set) were sent at most once — they are never retried — and applied when
// gladgraph reported success.
type writeLog struct {
	mu       sync.Mutex
	creates  map[string]bool // task id → the mutation reported success
	updates  map[string]bool // customer name set → reported success
	failures int             // writes that reported a typed failure
}

func newWriteLog() *writeLog {
	return &writeLog{creates: map[string]bool{}, updates: map[string]bool{}}
}

func (w *writeLog) create(id string, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.creates[id] = ok
	if !ok {
		w.failures++
	}
}

func (w *writeLog) update(name string, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.updates[name] = ok
	if !ok {
		w.failures++
	}
}

// verify reads the fake's request log (which must hold every request of the test) and, with the
// faults off, Gladly's state; it returns a summary line.
func (w *writeLog) verify(t testing.TB, fake *gladlytest.Server) string {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	created := map[string]int{} // id → 201 answers
	sentCreates := map[string]int{}
	sentUpdates := map[string]int{}
	applied := map[string]int{}
	posts := 0
	for _, r := range fake.Requests() {
		switch r.Op {
		case "createTask":
			posts++
			var b struct{ ID string }
			_ = json.Unmarshal(r.Body, &b)
			sentCreates[b.ID]++
			if r.Status == http.StatusCreated {
				created[b.ID]++
			}
		case "updateCustomer":
			var b struct{ Name string }
			_ = json.Unmarshal(r.Body, &b)
			sentUpdates[b.Name]++
			if r.Status == http.StatusNoContent {
				applied[b.Name]++
			}
		}
	}
	cl, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	okCreates, okUpdates, lost, dup := 0, 0, 0, 0
	for _, id := range slices.Sorted(maps.Keys(w.creates)) {
		ok := w.creates[id]
		if created[id] > 1 {
			dup++
			t.Errorf("task %s created %d times", id, created[id])
		}
		if !ok {
			continue
		}
		okCreates++
		if created[id] != 1 {
			lost++
			t.Errorf("task %s: gladgraph reported it created, the fake answered 201 %d times", id, created[id])
			continue
		}
		if _, _, err := cl.Tasks.Get(ctx, id); err != nil {
			lost++
			t.Errorf("task %s reported created is not in Gladly: %v", id, err)
		}
	}
	for name, ok := range w.updates {
		if sentUpdates[name] > 1 {
			dup++
			t.Errorf("update %q reached Gladly %d times (updates are never retried)", name, sentUpdates[name])
		}
		if ok {
			okUpdates++
			if applied[name] != 1 {
				lost++
				t.Errorf("update %q reported done, applied %d times", name, applied[name])
			}
		}
	}
	return fmt.Sprintf("writes: %d creates (%d reported done, %d POSTs incl. retries), %d updates (%d reported done), %d typed failures; lost %d, duplicated %d",
		len(w.creates), okCreates, posts, len(w.updates), okUpdates, w.failures, lost, dup)
}

// memSample is the process's goroutines and live heap after a collection.
type memSample struct {
	Goroutines int
	HeapMiB    float64
}

func sampleMem() memSample {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memSample{Goroutines: runtime.NumGoroutine(), HeapMiB: float64(ms.HeapAlloc) / (1 << 20)}
}

func (m memSample) String() string {
	return fmt.Sprintf("%d goroutines, heap %.1f MiB", m.Goroutines, m.HeapMiB)
}

// stallMeter measures how late this process's goroutines wake while it runs (a 5 ms sleep, again
// and again): the longest lateness is how long the machine (other tests, other processes, the
// race detector's GC) held the process back, which no limiter margin can cover beyond its size.
type stallMeter struct {
	stop chan struct{}
	done chan struct{}
	max  time.Duration
}

func startStallMeter() *stallMeter {
	m := &stallMeter{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		for {
			select {
			case <-m.stop:
				return
			default:
			}
			t0 := time.Now()
			time.Sleep(5 * time.Millisecond)
			m.max = max(m.max, time.Since(t0)-5*time.Millisecond)
		}
	}()
	return m
}

// Stop ends the measure and returns the longest lateness seen.
func (m *stallMeter) Stop() time.Duration {
	close(m.stop)
	<-m.done
	return m.max
}
