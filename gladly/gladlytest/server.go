// Package gladlytest is an in-memory Gladly: an HTTP server, like net/http/httptest, that serves
// the operations of Gladly's REST API as its OpenAPI document and documentation describe them —
// Basic auth, status codes and bodies, capped lists with Gladly-Limited-Data, uniqueness rules,
// merged customers, per-organization rate limits — over deterministic seeded data.
//
// Tests, benchmarks and the demo use it as the only Gladly. It can inject latency and faults and
// counts every request by operation, so callers can assert how many upstream calls they made.
package gladlytest

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Default credentials of the fake's API user (DemoOrg's; HopperOrg has HopperUsername and
// HopperToken).
const (
	DefaultUsername = "api@babbage.example.com"
	DefaultToken    = "gladlytest-token-0123456789"
)

// User is an API user of the fake organization.
type User struct {
	Email string
	Token string
	// APIUser is Gladly's "API User" permission; without it every call answers 403.
	APIUser bool
	// ComplianceAdmin is needed (with APIUser) to delete customers.
	ComplianceAdmin bool
}

// Server is a running fake Gladly.
type Server struct {
	// URL is the organization's base URL (scheme://host:port), for gladly.NewClient.
	URL string
	// Username and Token are the default API user's credentials.
	Username string
	Token    string

	cfg  config
	spec orgSpec
	hs   *httptest.Server
	mux  *http.ServeMux
	lim  *orgLimiter
	st   *stats
	flts *faultInjector

	mu   sync.Mutex // guards db
	db   *store
	rng  *rand.Rand // guarded by mu; ids and generated content after seeding
	auth map[string]User

	shaped int // customers AddCustomer made (guarded by mu), for unique emails and phones
}

type config struct {
	idleTimeout   time.Duration
	seed          uint64
	seedSet       bool // WithSeed was given: the organization's default seed does not apply
	org           OrgFixture
	size          Size
	latency       time.Duration
	jitter        time.Duration
	faults        Faults
	rateLimit     int // requests per second per organization; 0 disables
	users         []User
	logLimit      int
	now           func() time.Time
	webhookClient *http.Client
	// webhookRetryScale multiplies the webhook retry delays (0: Gladly's own); see
	// WithWebhookRetryScale.
	webhookRetryScale float64
	// recordingPace is the pause between chunks of a recording (WithRecordingPace).
	recordingPace time.Duration
}

// Option configures a Server.
type Option func(*config)

// WithSeed makes the generated data a function of seed (default 1; 2 for HopperOrg).
func WithSeed(seed int64) Option { return func(c *config) { c.seed, c.seedSet = uint64(seed), true } }

// WithSize sets how much data is generated beside the demo fixture.
func WithSize(s Size) Option { return func(c *config) { c.size = s.withDefaults() } }

// WithLatency delays every answer by d ± jitter (uniform).
func WithLatency(d, jitter time.Duration) Option {
	return func(c *config) { c.latency, c.jitter = d, jitter }
}

// WithFaults injects failures at the given rates (see Faults).
func WithFaults(f Faults) Option { return func(c *config) { c.faults = f } }

// WithRateLimit sets the organization's limit in requests per second (Gladly's default is 10).
// Reports keep their own limit of 10 per minute and 2 at once.
func WithRateLimit(perSecond int) Option { return func(c *config) { c.rateLimit = perSecond } }

// WithoutRateLimit switches the per-second and report limits off.
func WithoutRateLimit() Option { return func(c *config) { c.rateLimit = 0 } }

// WithRecordingPace streams recordings (getMedia) one chunk (64 frames: 9 KB, 2.3 s of audio)
// every d, flushed: a slow or stalled Gladly, for callers that must not cut a long stream by a
// total timeout yet must notice a stalled one.
func WithRecordingPace(d time.Duration) Option { return func(c *config) { c.recordingPace = d } }

// WithUser adds an API user (the default user stays unless replaced by one with its email).
func WithUser(u User) Option { return func(c *config) { c.users = append(c.users, u) } }

// WithRequestLog keeps the last n requests in the log (default 10000).
func WithRequestLog(n int) Option { return func(c *config) { c.logLimit = n } }

// WithClock replaces the clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithWebhookClient sets the HTTP client webhook deliveries (PING and events) go out with.
func WithWebhookClient(hc *http.Client) Option { return func(c *config) { c.webhookClient = hc } }

// NewServer starts a fake Gladly for a test and closes it when the test ends.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatalf("gladlytest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// defaultIdleTimeout is how long the fake keeps an idle keep-alive connection: longer than any
// pause within a test's load, shorter than the settling tests wait for.
const defaultIdleTimeout = 2 * time.Second

// WithIdleTimeout sets how long an idle keep-alive connection is kept (default 2 s; the bench
// uses a load balancer's 60 s, so that its pauses between cells do not cost connections).
func WithIdleTimeout(d time.Duration) Option { return func(c *config) { c.idleTimeout = d } }

// Start starts a fake Gladly on a loopback port. Close it when done.
func Start(opts ...Option) (*Server, error) {
	s, err := newServer(opts...)
	if err != nil {
		return nil, err
	}
	s.hs = httptest.NewUnstartedServer(s)
	// Like a real server (Gladly's load balancers close idle connections too), and so that a
	// client keeping a pool of idle connections does not keep their goroutines forever.
	s.hs.Config.IdleTimeout = s.cfg.idleTimeout
	s.hs.Start()
	s.URL = s.hs.URL
	s.db.org.GladlyURL = s.URL
	return s, nil
}

// NewHandler returns a fake Gladly that is not listening anywhere: an http.Handler to mount or to
// call in-process (its URL is empty).
func NewHandler(opts ...Option) (*Server, error) { return newServer(opts...) }

func newServer(opts ...Option) (*Server, error) {
	cfg := config{seed: 1, size: DefaultSize(), rateLimit: 10, logLimit: 10000, now: time.Now, idleTimeout: defaultIdleTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.faults.validate(); err != nil {
		return nil, err
	}
	spec := cfg.org.spec()
	if !cfg.seedSet {
		cfg.seed = spec.seed
	}
	s := &Server{
		Username: spec.username,
		Token:    spec.token,
		cfg:      cfg,
		spec:     spec,
		mux:      http.NewServeMux(),
		lim:      newOrgLimiter(cfg.rateLimit),
		st:       newStats(cfg.logLimit),
		flts:     newFaultInjector(cfg.seed, cfg.faults),
		rng:      rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15)),
		auth:     map[string]User{},
	}
	s.auth[strings.ToLower(spec.username)] = User{Email: spec.username, Token: spec.token, APIUser: true, ComplianceAdmin: true}
	for _, u := range cfg.users {
		s.auth[strings.ToLower(u.Email)] = u
	}
	s.db = newStore()
	if err := s.seed(); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	for _, r := range s.routes() {
		s.handle(r)
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.st.record(r, "", http.StatusNotFound, s.now())
		writeErrors(w, http.StatusNotFound, fieldError{Code: "not_exist", Detail: "no such endpoint"})
	})
	return s, nil
}

// Close shuts the server down.
func (s *Server) Close() {
	s.stopWebhooks()
	if s.hs != nil {
		s.hs.Close()
	}
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Client returns an HTTP client for the server (nil when it was built with NewHandler).
func (s *Server) Client() *http.Client {
	if s.hs == nil {
		return nil
	}
	return s.hs.Client()
}

func (s *Server) now() time.Time { return s.cfg.now().UTC() }

// route is one operation of the API.
type route struct {
	pattern string // ServeMux pattern with method, e.g. "GET /api/v1/agents/{agentId}"
	op      string // the spec's operationId
	public  bool   // answers without credentials (public answers)
	report  bool   // subject to the report limits
	h       http.HandlerFunc
}

// routes lists every operation; each resource file contributes its own.
func (s *Server) routes() []route {
	var rs []route
	for _, group := range [][]route{
		s.customerRoutes(),
		s.directoryRoutes(),
		s.taskRoutes(),
		s.conversationRoutes(),
		s.itemRoutes(),
		s.topicRoutes(),
		s.answerRoutes(),
		s.publicAnswerRoutes(),
		s.adminRoutes(),
	} {
		rs = append(rs, group...)
	}
	return rs
}

type ctxKey int

const userKey ctxKey = iota

// handle wraps an operation in what every Gladly request goes through, in Gladly's order:
// arrival (counted), network latency, injected faults, authentication, the rate limit.
func (s *Server) handle(rt route) {
	s.mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
		arrived := s.now()
		rec := &statusRecorder{ResponseWriter: w}
		r.Body = &teeBody{ReadCloser: r.Body}
		defer func() { s.st.record(r, rt.op, rec.status(), arrived) }()
		s.st.arrive(rt.op, arrived)

		if d := s.delay(); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case <-t.C:
			}
		}

		fault := s.flts.next(rt.op)
		if fault.answer(rec, r) {
			if fault.Kind == FaultDropBefore {
				rec.code = -1 // logged as "no answer"
			}
			return
		}

		user, ok := s.authenticate(r)
		switch {
		case !ok && !rt.public:
			writeErrors(rec, http.StatusUnauthorized, fieldError{Code: "invalid", Detail: "authentication not provided or invalid"})
			return
		case ok && !user.APIUser:
			writeErrors(rec, http.StatusForbidden, fieldError{Code: "invalid", Detail: "user does not have permission to access resource"})
			return
		}

		release, ok := s.lim.admit(rec, arrived, rt.report)
		if !ok {
			return
		}
		defer release()

		ctx := context.WithValue(r.Context(), userKey, user)
		if fault.Kind == FaultDropAfter {
			// The request is processed, then the connection dies before the answer leaves:
			// the caller cannot know the write landed.
			buf := httptest.NewRecorder()
			rt.h(buf, r.WithContext(ctx))
			rec.code = buf.Code
			dropConnection(w)
			return
		}
		if fault.Kind == FaultRewrite && fault.Rewrite != nil {
			fault.rewrite(rec, r.WithContext(ctx), rt.h)
			return
		}
		rt.h(rec, r.WithContext(ctx))
	})
}

func (s *Server) delay() time.Duration {
	d := s.cfg.latency
	if j := s.cfg.jitter; j > 0 {
		s.mu.Lock()
		d += time.Duration(s.rng.Int64N(int64(2*j)+1)) - j
		s.mu.Unlock()
	}
	return max(d, 0)
}

func (s *Server) authenticate(r *http.Request) (User, bool) {
	h := r.Header.Get("Authorization")
	const prefix = "Basic "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return User{}, false
	}
	raw, err := base64.StdEncoding.DecodeString(h[len(prefix):])
	if err != nil {
		return User{}, false
	}
	email, token, ok := strings.Cut(string(raw), ":")
	if !ok {
		return User{}, false
	}
	u, ok := s.auth[strings.ToLower(email)]
	if !ok || u.Token != token {
		return User{}, false
	}
	return u, true
}

// userFrom returns the authenticated user of a request (zero for public requests).
func userFrom(r *http.Request) User {
	u, _ := r.Context().Value(userKey).(User)
	return u
}

// statusRecorder remembers the status written.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}
