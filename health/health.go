package health

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/gladgraph/gladgraph/gladly"
)

const (
	redisPingTimeout  = time.Second
	storePingTimeout  = 2 * time.Second
	gladlyPingTimeout = 3 * time.Second
	// gladlyOKFor is how long a successful Gladly check is reused: probes come every few seconds
	// from every replica, and each check spends the organization's shared rate limit.
	gladlyOKFor = 15 * time.Second
)

// OrganizationGetter is the one Gladly call readiness needs.
type OrganizationGetter interface {
	Get(ctx context.Context) (*gladly.Organization, *gladly.Response, error)
}

// Checker answers /healthz and /readyz.
type Checker struct {
	redis    redis.UniversalClient // nil when no Redis is configured
	org      OrganizationGetter
	store    func(context.Context) error // the accounts store's ping; nil: in-process store
	draining atomic.Bool                 // set at shutdown: stop receiving new traffic
	now      func() time.Time

	mu       sync.Mutex
	gladlyOK time.Time // last successful Gladly check
	sf       singleflight.Group
}

// CheckResult is one dependency's state in a Report.
type CheckResult struct {
	Status string `json:"status"`          // "up", or "down" (fails readiness: accounts) or "degraded" (does not: redis, gladly)
	Error  string `json:"error,omitempty"` // why it is down; never carries credentials
}

// Report is the body of /healthz and /readyz.
type Report struct {
	Status string                 `json:"status"` // "ready", "degraded" (serving, a dependency is down), "unavailable" or "shutting_down"
	Checks map[string]CheckResult `json:"checks,omitempty"`
}

// New returns the checker of rdb (nil when no Redis is configured) and of Gladly through org
// (the client's Organization service).
func New(rdb redis.UniversalClient, org OrganizationGetter, opts ...Option) *Checker {
	h := &Checker{redis: rdb, org: org, now: time.Now}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Option configures a Checker.
type Option func(*Checker)

// WithAccountsStore makes readiness depend on the accounts store (PostgreSQL with DATABASE_URL):
// without it no caller can be resolved to an account, so the instance cannot serve anyone.
func WithAccountsStore(ping func(context.Context) error) Option {
	return func(h *Checker) { h.store = ping }
}

// Drain makes readiness answer 503 "shutting_down" from now on, so that load balancers stop
// sending new traffic while the server drains.
func (h *Checker) Drain() { h.draining.Store(true) }

// Liveness answers 200 while the process can serve HTTP at all.
func (h *Checker) Liveness(w http.ResponseWriter, _ *http.Request) {
	writeHealth(w, http.StatusOK, Report{Status: "alive"})
}

// Readiness answers 200 when this instance can serve: its configuration loaded (it would not be
// running otherwise) and its accounts store answers. Redis and Gladly are reported but do not fail
// it: without Redis gladgraph serves from its in-process cache, and without Gladly cached reads
// still work; failing readiness on either would pull every replica out of service at once, when
// none of them could do better. The body then says "degraded" and names what is down. While
// draining it answers 503 "shutting_down".
func (h *Checker) Readiness(w http.ResponseWriter, r *http.Request) {
	if h.draining.Load() {
		writeHealth(w, http.StatusServiceUnavailable, Report{Status: "shutting_down"})
		return
	}
	res := Report{Status: "ready", Checks: map[string]CheckResult{}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	add := func(name string, critical bool, err error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			res.Checks[name] = CheckResult{Status: "up"}
		case critical:
			res.Checks[name] = CheckResult{Status: "down", Error: err.Error()}
			res.Status = "unavailable"
		default:
			res.Checks[name] = CheckResult{Status: "degraded", Error: err.Error()}
			if res.Status == "ready" {
				res.Status = "degraded"
			}
		}
	}
	if h.store != nil {
		wg.Go(func() { add("accounts", true, h.checkStore(r.Context())) })
	}
	if h.redis != nil {
		wg.Go(func() { add("redis", false, h.checkRedis(r.Context())) })
	}
	if h.org != nil { // nil with DATABASE_URL: many accounts, none of them the server's own
		wg.Go(func() { add("gladly", false, h.checkGladly(r.Context())) })
	}
	wg.Wait()
	code := http.StatusOK
	if res.Status == "unavailable" {
		code = http.StatusServiceUnavailable
	}
	writeHealth(w, code, res)
}

// checkStore pings the accounts store; the driver's error is not shown (it may name the host
// and user of DATABASE_URL).
func (h *Checker) checkStore(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, storePingTimeout)
	defer cancel()
	if err := h.store(ctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return errors.New("no answer within " + storePingTimeout.String())
		}
		return errors.New("unreachable")
	}
	return nil
}

func (h *Checker) checkRedis(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, redisPingTimeout)
	defer cancel()
	if err := h.redis.Ping(ctx).Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return errors.New("no answer to PING within " + redisPingTimeout.String())
		}
		return errors.New("PING failed: " + err.Error())
	}
	return nil
}

// checkGladly fetches the organization, at most once per gladlyOKFor after a success; concurrent
// probes share one call.
func (h *Checker) checkGladly(ctx context.Context) error {
	h.mu.Lock()
	fresh := !h.gladlyOK.IsZero() && h.now().Sub(h.gladlyOK) < gladlyOKFor
	h.mu.Unlock()
	if fresh {
		return nil
	}
	ch := h.sf.DoChan("gladly", func() (any, error) {
		// Detached from the probe's context: a probe that gives up must not fail the others.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), gladlyPingTimeout)
		defer cancel()
		_, _, err := h.org.Get(ctx)
		if err == nil || gladly.IsRateLimited(err) {
			// A 429 is Gladly answering: reachable, only busy. Failing readiness on it would
			// pull every replica out at once.
			h.mu.Lock()
			h.gladlyOK = h.now()
			h.mu.Unlock()
			return nil, nil
		}
		return nil, err
	})
	select {
	case res := <-ch:
		return describeGladlyError(res.Err)
	case <-ctx.Done():
		return errors.New("probe cancelled")
	}
}

// describeGladlyError turns a failed check into a short reason without credentials or URLs.
func describeGladlyError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return errors.New("no answer within " + gladlyPingTimeout.String())
	case gladly.IsUnauthorized(err):
		return errors.New("credentials refused by Gladly (401)")
	case gladly.IsForbidden(err):
		return errors.New("the Gladly user lacks the API User permission (403)")
	case gladly.StatusCode(err) != 0:
		return errors.New("answered " + strconv.Itoa(gladly.StatusCode(err)) + " " + http.StatusText(gladly.StatusCode(err)))
	}
	var te *gladly.TransportError
	if errors.As(err, &te) {
		return errors.New("unreachable: " + te.Err.Error())
	}
	return errors.New("check failed")
}

func writeHealth(w http.ResponseWriter, code int, body Report) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}
