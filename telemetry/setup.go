// Package telemetry traces gladgraph with OpenTelemetry: the HTTP request, the GraphQL operation,
// loader batches, cache round trips and each Gladly call. It is configured by the standard OTEL_*
// variables and is off unless an exporter is configured: then the global tracer provider stays
// OpenTelemetry's no-op and the helpers here return the handlers they wrap unchanged.
//
// Span names and attributes carry route templates, operation names and ids, never query text,
// variables, emails, phone numbers or credentials.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gladgraph/gladgraph/buildinfo"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// enabled is set by Setup once an exporter is installed; the helpers built without an explicit
// provider read it when they are constructed, so Setup runs before the handlers are built.
var enabled atomic.Bool

// Enabled reports whether Setup installed an exporting tracer provider.
func Enabled() bool { return enabled.Load() }

// Config is what Setup read from the environment.
type Config struct {
	// Endpoint is the URL traces are posted to (OTLP over HTTP, protobuf); empty when tracing is off.
	Endpoint string
	// Headers are sent with every export (OTEL_EXPORTER_OTLP_[TRACES_]HEADERS), e.g. an API key.
	Headers map[string]string
	// Insecure is true for an http:// endpoint.
	Insecure bool
	// ServiceName names this service in every span's resource (default "gladgraph").
	ServiceName string
	// Timeout bounds one export (OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT, milliseconds; default 10 s).
	Timeout time.Duration
	// Gzip compresses exports (OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION=gzip).
	Gzip bool
}

// Enabled reports whether the configuration asks for traces.
func (c Config) Enabled() bool { return c.Endpoint != "" }

// ParseConfig reads the OTEL_* variables through getenv. Tracing is on when an OTLP endpoint is
// given (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces") and
// neither OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none says otherwise. Unlike the
// specification's default (otlp to localhost), nothing is exported unless configured: a service
// that silently posts to a port nobody listens on helps no one.
func ParseConfig(getenv func(string) string) (Config, error) {
	cfg := Config{ServiceName: "gladgraph", Timeout: 10 * time.Second}
	if v := strings.TrimSpace(getenv("OTEL_SERVICE_NAME")); v != "" {
		cfg.ServiceName = v
	}
	if v := strings.TrimSpace(getenv("OTEL_SDK_DISABLED")); v != "" {
		off, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("OTEL_SDK_DISABLED=%q: want true or false", v)
		}
		if off {
			return cfg, nil
		}
	}
	switch v := strings.TrimSpace(strings.ToLower(getenv("OTEL_TRACES_EXPORTER"))); v {
	case "", "otlp":
	case "none":
		return cfg, nil
	default:
		return cfg, fmt.Errorf("OTEL_TRACES_EXPORTER=%q: gladgraph exports traces with otlp (or none)", v)
	}
	proto := firstSet(getenv, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
	if proto != "" && proto != "http/protobuf" {
		return cfg, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL=%q: gladgraph exports OTLP over http/protobuf (use port 4318)", proto)
	}

	endpoint := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
	if endpoint == "" {
		if base := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")); base != "" {
			endpoint = strings.TrimSuffix(base, "/") + "/v1/traces"
		}
	}
	if endpoint == "" {
		return cfg, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The value is not echoed: an endpoint may carry credentials in its userinfo.
		return cfg, errors.New("OTEL_EXPORTER_OTLP_ENDPOINT: want an http:// or https:// URL")
	}
	cfg.Endpoint, cfg.Insecure = endpoint, u.Scheme == "http"

	headers, err := parseHeaders(firstSet(getenv, "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS"))
	if err != nil {
		return cfg, err
	}
	cfg.Headers = headers
	if v := firstSet(getenv, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"); v != "" {
		ms, err := strconv.Atoi(v)
		if err != nil || ms <= 0 {
			return cfg, fmt.Errorf("OTEL_EXPORTER_OTLP_TIMEOUT=%q: want a positive number of milliseconds", v)
		}
		cfg.Timeout = time.Duration(ms) * time.Millisecond
	}
	switch v := firstSet(getenv, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"); v {
	case "", "none":
	case "gzip":
		cfg.Gzip = true
	default:
		return cfg, fmt.Errorf("OTEL_EXPORTER_OTLP_COMPRESSION=%q: want gzip or none", v)
	}
	return cfg, nil
}

// Setup installs the global tracer provider and the W3C traceparent + baggage propagators when
// the environment configures an exporter, and returns the function that flushes and stops it
// (call it after the server drained). Off, it installs nothing and shutdown does nothing.
// Sampling follows OTEL_TRACES_SAMPLER[_ARG] and batching OTEL_BSP_*, read by the SDK itself.
func Setup(ctx context.Context, getenv func(string) string) (shutdown func(context.Context) error, err error) {
	noop := func(context.Context) error { return nil }
	cfg, err := ParseConfig(getenv)
	if err != nil || !cfg.Enabled() {
		return noop, err
	}
	tp, err := NewProvider(ctx, cfg)
	if err != nil {
		return noop, err
	}
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(Propagator())
	enabled.Store(true)
	return func(ctx context.Context) error {
		enabled.Store(false)
		return tp.Shutdown(ctx)
	}, nil
}

// NewProvider builds a tracer provider exporting to cfg.Endpoint in batches.
func NewProvider(ctx context.Context, cfg Config) (*sdktrace.TracerProvider, error) {
	opts := []otlptracehttp.Option{otlptracehttp.WithEndpointURL(cfg.Endpoint), otlptracehttp.WithTimeout(cfg.Timeout)}
	if cfg.Insecure {
		opts = append(opts, otlptracehttp.WithInsecure())
	}
	if len(cfg.Headers) > 0 {
		opts = append(opts, otlptracehttp.WithHeaders(cfg.Headers))
	}
	if cfg.Gzip {
		opts = append(opts, otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
	} else {
		opts = append(opts, otlptracehttp.WithCompression(otlptracehttp.NoCompression))
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("telemetry: OTLP exporter: %w", err)
	}
	res, err := resource.Merge(resource.Default(), resource.NewWithAttributes(semconv.SchemaURL,
		semconv.ServiceName(cfg.ServiceName), semconv.ServiceVersion(serviceVersion())))
	if err != nil {
		return nil, fmt.Errorf("telemetry: resource: %w", err)
	}
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res)), nil
}

// Propagator is W3C Trace Context plus W3C Baggage, the pair OTEL_PROPAGATORS defaults to.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}

// parseHeaders reads the OTLP headers format: comma-separated key=value, values URL-encoded.
func parseHeaders(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			// Only the key position is named: the value may be a credential.
			return nil, errors.New("OTEL_EXPORTER_OTLP_HEADERS: want key=value pairs separated by commas")
		}
		dv, err := url.QueryUnescape(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_HEADERS: the value of %q is not URL-encoded", k)
		}
		out[k] = dv
	}
	return out, nil
}

func firstSet(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// options are shared by the helpers: tests (and a server that keeps its own provider) pass them;
// otherwise the globals Setup installed are used.
type options struct {
	tp   trace.TracerProvider
	prop propagation.TextMapPropagator
}

// Option configures a helper.
type Option func(*options)

// WithTracerProvider uses tp instead of the global provider; the helper is then on regardless of Setup.
func WithTracerProvider(tp trace.TracerProvider) Option { return func(o *options) { o.tp = tp } }

// WithPropagator uses p instead of the global propagator.
func WithPropagator(p propagation.TextMapPropagator) Option {
	return func(o *options) { o.prop = p }
}

// resolve applies opts and reports whether the helper should trace at all.
func resolve(opts []Option) (options, bool) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	on := o.tp != nil || Enabled()
	if o.tp == nil {
		o.tp = otel.GetTracerProvider()
	}
	if o.prop == nil {
		o.prop = otel.GetTextMapPropagator()
	}
	return o, on
}

const instrumentation = "github.com/gladgraph/gladgraph/telemetry"

func serviceVersion() string { return buildinfo.Read().Version }

// Flush runs a shutdown function of Setup with 5 s to export what is still buffered.
func Flush(shutdown func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = shutdown(ctx)
}
