package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders"
)

// Metrics is the server's Prometheus registry (its own, not the process-global one, so tests
// and embedders get clean counts).
type Metrics struct {
	reg *prometheus.Registry

	httpRequests   *prometheus.CounterVec
	httpDuration   *prometheus.HistogramVec
	httpInFlight   prometheus.Gauge
	upstreamCalls  *prometheus.CounterVec
	upstreamTime   *prometheus.HistogramVec
	limiterWait    prometheus.Histogram
	cacheHits      prometheus.Counter
	cacheMisses    prometheus.Counter
	webhookEvents  *prometheus.CounterVec
	webhookInvalid prometheus.Counter
	more           *more // graphql.go
}

// New returns the metrics on a registry of their own.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &Metrics{reg: reg}
	m.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gladgraph_http_requests_total", Help: "HTTP requests served, by route and status code.",
	}, []string{"route", "code"})
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "gladgraph_http_request_duration_seconds", Help: "Time to serve an HTTP request, by route.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route"})
	m.httpInFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "gladgraph_http_requests_in_flight", Help: "HTTP requests being served.",
	})
	m.upstreamCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gladgraph_upstream_requests_total", Help: "HTTP attempts sent to Gladly, by operation and status code (\"error\" when no answer came).",
	}, []string{"operation", "code"})
	m.upstreamTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "gladgraph_upstream_request_duration_seconds", Help: "Time on the wire of an attempt to Gladly (rate-limiter wait excluded), by operation.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"operation"})
	m.limiterWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "gladgraph_upstream_limiter_wait_seconds", Help: "Time an attempt waited for the Gladly rate limiter.",
		Buckets: []float64{0, .001, .01, .05, .1, .25, .5, 1, 2.5, 5, 10},
	})
	m.cacheHits = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "gladgraph_cache_hits_total", Help: "Response-cache lookups answered from the cache.",
	})
	m.cacheMisses = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "gladgraph_cache_misses_total", Help: "Response-cache lookups that went to Gladly. Hit ratio: hits / (hits + misses).",
	})
	m.webhookEvents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gladgraph_webhook_events_total", Help: "Gladly webhook deliveries, by event type and outcome.",
	}, []string{"type", "outcome"})
	m.webhookInvalid = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "gladgraph_webhook_invalidation_failures_total", Help: "Webhook events whose cache invalidation failed (entries then age out with their TTL).",
	})
	for _, c := range []prometheus.Collector{m.httpRequests, m.httpDuration, m.httpInFlight, m.upstreamCalls,
		m.upstreamTime, m.limiterWait, m.cacheHits, m.cacheMisses, m.webhookEvents, m.webhookInvalid} {
		f(c)
	}
	m.registerMore(f)
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the layers register their own collectors.
func (m *Metrics) Registry() prometheus.Registerer { return m.reg }

// Handler serves the registry in Prometheus' exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ObserveUpstream is the gladly.Observer: one call per HTTP attempt to Gladly. It feeds the
// upstream metrics and the request's Stats (the access line's upstream_calls).
func (m *Metrics) ObserveUpstream(ctx context.Context, c gladly.Call) {
	code := "error"
	if c.Status > 0 {
		code = strconv.Itoa(c.Status)
	}
	op := c.Op
	if op == "" {
		op = "unknown"
	}
	m.upstreamCalls.WithLabelValues(op, code).Inc()
	m.upstreamTime.WithLabelValues(op).Observe(c.Duration.Seconds())
	m.limiterWait.Observe(c.Wait.Seconds())
	loaders.StatsFrom(ctx).AddUpstreamCall()
}

// RequestStarted counts a request in flight; RequestDone ends it.
func (m *Metrics) RequestStarted() { m.httpInFlight.Inc() }

// RequestDone counts and times a request served under route (the mux pattern: bounded label
// values), and adds its cache lookups to the cache counters.
func (m *Metrics) RequestDone(route string, code int, d time.Duration, st loaders.StatsSnapshot) {
	m.httpInFlight.Dec()
	m.httpRequests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.httpDuration.WithLabelValues(route).Observe(d.Seconds())
	m.cacheHits.Add(float64(st.CacheHits))
	m.cacheMisses.Add(float64(st.CacheMisses))
}

// WebhookEvent counts one webhook delivery. Types Gladly does not document count as "other" so
// that the label's values stay bounded.
func (m *Metrics) WebhookEvent(typ, outcome string) {
	if typ != "" && !loaders.KnownEventType(typ) {
		typ = "other"
	}
	if typ == "" {
		typ = "none"
	}
	m.webhookEvents.WithLabelValues(typ, outcome).Inc()
}

// WebhookInvalidationFailed counts a webhook event whose cache invalidation failed.
func (m *Metrics) WebhookInvalidationFailed() { m.webhookInvalid.Inc() }
