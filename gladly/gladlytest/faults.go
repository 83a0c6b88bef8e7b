package gladlytest

import (
	"cmp"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Faults are per-request failure rates, each in [0, 1]. A request draws at most one fault.
type Faults struct {
	// ErrorRate answers 500, 502, 503 or 504 without processing the request.
	ErrorRate float64
	// RateLimitRate starts a burst of 429 answers (RateLimitBurst requests long, default 1).
	RateLimitRate  float64
	RateLimitBurst int
	// SlowRate delays the answer by SlowBy (default 2 s) beyond the configured latency.
	SlowRate float64
	SlowBy   time.Duration
	// DropRate processes the request, then closes the connection without an answer.
	DropRate float64
}

func (f Faults) validate() error {
	for _, r := range []float64{f.ErrorRate, f.RateLimitRate, f.SlowRate, f.DropRate} {
		if r < 0 || r > 1 {
			return errors.New("gladlytest: fault rates must be within [0, 1]")
		}
	}
	if f.ErrorRate+f.RateLimitRate+f.SlowRate+f.DropRate > 1 {
		return errors.New("gladlytest: fault rates add up to more than 1")
	}
	return nil
}

// FaultKind is a way for a request to fail.
type FaultKind int

const (
	FaultNone FaultKind = iota
	// FaultStatus answers Fault.Status (a 5xx) without processing the request.
	FaultStatus
	// FaultRateLimit answers 429 without processing the request.
	FaultRateLimit
	// FaultSlow waits Fault.Delay, then processes the request normally.
	FaultSlow
	// FaultDropBefore closes the connection without processing the request.
	FaultDropBefore
	// FaultDropAfter processes the request, then closes the connection without answering.
	FaultDropAfter
	// FaultRaw answers Fault.Status (200 when zero) with Fault.Header and Fault.Body verbatim,
	// without processing the request: a Gladly behind a misconfigured proxy (an HTML error
	// page, a redirect to a login page, an empty 200, truncated JSON).
	FaultRaw
	// FaultRewrite processes the request, then passes the answer's body through Fault.Rewrite
	// before it leaves: Gladly data that departs from the declared types ("primary": "true"),
	// one malformed record in a list, an oversized answer.
	FaultRewrite
)

// Fault is one injected failure.
type Fault struct {
	Kind   FaultKind
	Status int           // for FaultStatus and FaultRaw
	Delay  time.Duration // for FaultSlow
	// RetryAfter, when set, is sent as the Retry-After header of a FaultRateLimit answer.
	// Gladly documents no Retry-After; a proxy or a future Gladly may send one.
	RetryAfter string
	Header     http.Header         // for FaultRaw
	Body       []byte              // for FaultRaw
	Rewrite    func([]byte) []byte // for FaultRewrite
}

// FailNext makes the next len(faults) requests for op (an operationId; "" for any operation)
// fail in the given order, before any random fault is drawn.
func (s *Server) FailNext(op string, faults ...Fault) {
	s.flts.mu.Lock()
	defer s.flts.mu.Unlock()
	s.flts.queued[op] = append(s.flts.queued[op], faults...)
}

// SetFaults replaces the random fault rates.
func (s *Server) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return err
	}
	s.flts.mu.Lock()
	defer s.flts.mu.Unlock()
	s.flts.rates = f
	s.flts.burst = 0
	return nil
}

type faultInjector struct {
	mu     sync.Mutex
	rng    *rand.Rand
	rates  Faults
	burst  int // 429s left in the current burst
	queued map[string][]Fault
}

func newFaultInjector(seed uint64, f Faults) *faultInjector {
	return &faultInjector{rng: rand.New(rand.NewPCG(seed, seed+1)), rates: f, queued: map[string][]Fault{}}
}

var errorStatuses = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}

func (fi *faultInjector) next(op string) Fault {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	for _, key := range []string{op, ""} {
		if q := fi.queued[key]; len(q) > 0 {
			fi.queued[key] = q[1:]
			return q[0]
		}
	}
	if fi.burst > 0 {
		fi.burst--
		return Fault{Kind: FaultRateLimit}
	}
	f := fi.rates
	x := fi.rng.Float64()
	switch {
	case x < f.ErrorRate:
		return Fault{Kind: FaultStatus, Status: errorStatuses[fi.rng.IntN(len(errorStatuses))]}
	case x < f.ErrorRate+f.RateLimitRate:
		fi.burst = max(f.RateLimitBurst, 1) - 1
		return Fault{Kind: FaultRateLimit}
	case x < f.ErrorRate+f.RateLimitRate+f.SlowRate:
		d := f.SlowBy
		if d <= 0 {
			d = 2 * time.Second
		}
		return Fault{Kind: FaultSlow, Delay: d}
	case x < f.ErrorRate+f.RateLimitRate+f.SlowRate+f.DropRate:
		return Fault{Kind: FaultDropAfter}
	}
	return Fault{}
}

// answer applies a fault that answers in place of the API; it reports whether it did.
func (f Fault) answer(w http.ResponseWriter, r *http.Request) bool {
	switch f.Kind {
	case FaultStatus:
		status := f.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		writeErrors(w, status, fieldError{Code: "temporary_failure", Detail: http.StatusText(status)})
		return true
	case FaultRateLimit:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		w.Header().Set("Ratelimit-Remaining-Second", "0")
		writeErrors(w, http.StatusTooManyRequests, fieldError{Code: "rate_limited", Detail: "Rate limit reached"})
		return true
	case FaultSlow:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return true
		case <-t.C:
		}
	case FaultDropBefore:
		dropConnection(w)
		return true
	case FaultRaw:
		for k, vs := range f.Header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)))
		w.WriteHeader(cmp.Or(f.Status, http.StatusOK))
		_, _ = w.Write(f.Body)
		return true
	}
	return false
}

// rewrite serves the answer h makes, its body passed through f.Rewrite.
func (f Fault) rewrite(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	buf := httptest.NewRecorder()
	h(buf, r)
	body := f.Rewrite(buf.Body.Bytes())
	for k, vs := range buf.Header() {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(buf.Code)
	_, _ = w.Write(body)
}

// dropConnection ends the exchange without an answer: the client sees the connection close.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

func setRateHeaders(h http.Header, limit, remaining int) {
	h.Set("Ratelimit-Limit-Second", strconv.Itoa(limit))
	h.Set("Ratelimit-Remaining-Second", strconv.Itoa(max(remaining, 0)))
}
