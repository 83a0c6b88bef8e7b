package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gladgraph/gladgraph/gladly"
)

// maxOperationNames bounds the operation names kept as label values: names are chosen by
// clients, so past this many distinct ones further names count as "other".
const maxOperationNames = 200

// more are the collectors of operations, error codes, the response-cache breaker and the
// limiter's queue.
type more struct {
	operations    *prometheus.CounterVec
	operationTime *prometheus.HistogramVec
	errorCodes    *prometheus.CounterVec
	breakerOpen   prometheus.Gauge
	breakerOpens  prometheus.Counter
	limiterQueue  prometheus.Gauge

	namesMu sync.Mutex
	names   map[string]bool
	codes   map[string]bool
}

func (m *Metrics) registerMore(f func(prometheus.Collector)) {
	m.more = &more{names: map[string]bool{}, codes: map[string]bool{}}
	x := m.more
	x.operations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gladgraph_graphql_operations_total",
		Help: "GraphQL operations executed, by operation name (\"anonymous\"; \"other\" past " +
			"200 distinct names), type and outcome (ok; partial: data and errors; error: no data; " +
			"refused: unparsable or invalid, before it ran).",
	}, []string{"name", "type", "outcome"})
	x.operationTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "gladgraph_graphql_operation_duration_seconds",
		Help:    "Time to execute a GraphQL operation (a subscription: to its first event), by name and type.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"name", "type"})
	x.errorCodes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gladgraph_graphql_errors_total", Help: "GraphQL errors returned, by extensions.code (\"UNCODED\" without one).",
	}, []string{"code"})
	x.breakerOpen = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "gladgraph_cache_breaker_open", Help: "Accounts whose response cache (Redis) circuit is open: reads and writes bypass the cache.",
	})
	x.breakerOpens = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "gladgraph_cache_breaker_opens_total", Help: "Times a response-cache circuit opened.",
	})
	x.limiterQueue = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "gladgraph_upstream_limiter_queue", Help: "Gladly calls waiting for the rate limiter now.",
	})
	for _, c := range []prometheus.Collector{x.operations, x.operationTime, x.errorCodes, x.breakerOpen, x.breakerOpens, x.limiterQueue} {
		f(c)
	}
}

// Operations returns the gqlgen extension that counts and times each GraphQL operation and counts
// its errors by code. Only names, types and codes are recorded: never the document or variables.
func (m *Metrics) Operations() graphql.HandlerExtension { return operations{m.more} }

type operations struct{ x *more }

var (
	_ graphql.OperationInterceptor = operations{}
	_ graphql.ResponseInterceptor  = operations{}
)

func (operations) ExtensionName() string                   { return "Metrics" }
func (operations) Validate(graphql.ExecutableSchema) error { return nil }

func (o operations) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	start := time.Now()
	oc := graphql.GetOperationContext(ctx)
	kind, name := "unknown", "anonymous"
	if oc.Operation != nil {
		kind = string(oc.Operation.Operation)
		if oc.Operation.Name != "" {
			name = o.x.label(oc.Operation.Name)
		}
	}
	handler := next(ctx)
	first := true
	return func(ctx context.Context) *graphql.Response {
		resp := handler(context.WithValue(ctx, ranKey{}, true))
		if resp == nil { // a subscription's stream ended
			return nil
		}
		outcome := "ok"
		if len(resp.Errors) > 0 {
			outcome = "partial"
			if len(resp.Data) == 0 || string(resp.Data) == "null" {
				outcome = "error"
			}
		}
		if first {
			first = false
			o.x.operations.WithLabelValues(name, kind, outcome).Inc()
			o.x.operationTime.WithLabelValues(name, kind).Observe(time.Since(start).Seconds())
		}
		return resp
	}
}

// InterceptResponse counts the errors of every response by code, those of requests refused
// before they became an operation (unparsable, invalid) included; a refused request also counts
// as an operation with outcome "refused" (its name is not known then).
func (o operations) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "UNCODED"
		}
		o.x.errorCodes.WithLabelValues(o.x.code(code)).Inc()
	}
	if ran, _ := ctx.Value(ranKey{}).(bool); !ran {
		kind, name := "unknown", "unknown"
		if graphql.HasOperationContext(ctx) {
			if op := graphql.GetOperationContext(ctx).Operation; op != nil { // parsed, then refused
				kind, name = string(op.Operation), "anonymous"
				if op.Name != "" {
					name = o.x.label(op.Name)
				}
			}
		}
		o.x.operations.WithLabelValues(name, kind, "refused").Inc()
	}
	return resp
}

// ranKey marks the context of the responses of an operation that ran (InterceptOperation).
type ranKey struct{}

// code bounds the error codes kept as label values like label does operation names (codes are
// gladgraph's own, but a resolver could pass one through).
func (x *more) code(c string) string {
	x.namesMu.Lock()
	defer x.namesMu.Unlock()
	if x.codes[c] {
		return c
	}
	if len(x.codes) >= maxOperationNames {
		return "OTHER"
	}
	x.codes[c] = true
	return c
}

// label keeps name as a label value while fewer than maxOperationNames distinct names were seen.
func (x *more) label(name string) string {
	x.namesMu.Lock()
	defer x.namesMu.Unlock()
	if x.names[name] {
		return name
	}
	if len(x.names) >= maxOperationNames {
		return "other"
	}
	x.names[name] = true
	return name
}

// BreakerHook is the loaders.WithStateHook of one account's response cache. The returned close
// must be called when the cache is dropped, so that an account removed while its circuit is
// open does not stay counted.
func (m *Metrics) BreakerHook() (hook func(up bool), close func()) {
	var mu sync.Mutex
	open := false
	hook = func(up bool) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case !up && !open:
			open = true
			m.more.breakerOpen.Inc()
			m.more.breakerOpens.Inc()
		case up && open:
			open = false
			m.more.breakerOpen.Dec()
		}
	}
	return hook, func() { hook(true) }
}

// Limiter counts the calls waiting on l in gladgraph_upstream_limiter_queue (their wait is
// gladgraph_upstream_limiter_wait_seconds, observed per attempt).
func (m *Metrics) Limiter(l gladly.Limiter) gladly.Limiter { return queued{l, m.more.limiterQueue} }

type queued struct {
	gladly.Limiter
	queue prometheus.Gauge
}

func (q queued) Wait(ctx context.Context) (func(), error) {
	q.queue.Inc()
	defer q.queue.Dec()
	return q.Limiter.Wait(ctx)
}
