package loaders

import (
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// spans is the in-memory exporter behind the global provider the package's tracer delegates to.
// The global provider can be installed once per process, hence the Once; every test of the
// package then records spans, and each test looks only at its own trace.
var (
	spansOnce sync.Once
	spans     *tracetest.InMemoryExporter
)

func recordSpans() *tracetest.InMemoryExporter {
	spansOnce.Do(func() {
		spans = tracetest.NewInMemoryExporter()
		otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans)))
	})
	return spans
}

func TestLoaderBatchAndCacheSpans(t *testing.T) {
	t.Parallel()
	exp := recordSpans()
	r := newRig(t)
	ids := demoContactIDs(t, r, 3)

	ctx, l := r.request(t)
	ctx, root := otel.Tracer("test").Start(ctx, "operation")
	if _, errs := l.Contacts.LoadAll(ctx, ids); errs != nil {
		t.Fatalf("load: %v", errs)
	}
	ctx2, l2 := r.request(t) // a second request: all hits this time
	ctx2, root2 := otel.Tracer("test").Start(ctx2, "operation")
	if _, errs := l2.Contacts.LoadAll(ctx2, ids); errs != nil {
		t.Fatalf("second load: %v", errs)
	}
	root.End()
	root2.End()

	type seen struct {
		name  string
		attrs map[string]string
	}
	inTrace := func(id string) []seen {
		var out []seen
		for _, s := range exp.GetSpans() {
			if s.SpanContext.TraceID().String() != id || s.Name == "operation" {
				continue
			}
			m := map[string]string{}
			for _, a := range s.Attributes {
				m[string(a.Key)] = a.Value.Emit()
				for _, id := range ids {
					if strings.Contains(a.Value.Emit(), id) {
						t.Errorf("span %q attribute %s carries the key %s", s.Name, a.Key, id)
					}
				}
			}
			out = append(out, seen{s.Name, m})
		}
		return out
	}
	first := inTrace(root.SpanContext().TraceID().String())
	names := map[string]map[string]string{}
	for _, s := range first {
		names[s.name] = s.attrs
	}
	batch, get, set := names["loader.batch profile"], names["cache.get"], names["cache.set"]
	if batch == nil || get == nil || set == nil {
		t.Fatalf("first request's spans: %+v, want a loader.batch profile, a cache.get and a cache.set", first)
	}
	if batch["gladgraph.loader.keys"] != "3" || get["gladgraph.cache.hits"] != "0" || set["gladgraph.cache.entries"] != "3" {
		t.Errorf("first request: batch %v, get %v, set %v", batch, get, set)
	}
	second := inTrace(root2.SpanContext().TraceID().String())
	for _, s := range second {
		if s.name == "cache.get" && s.attrs["gladgraph.cache.hits"] != "3" {
			t.Errorf("second request's cache.get: %v, want 3 hits", s.attrs)
		}
		if s.name == "cache.set" {
			t.Errorf("second request wrote back although every key was a hit")
		}
	}
}
