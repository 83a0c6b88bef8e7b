package loaders

import (
	"strconv"
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
	// Without a fixed loader wait the three keys may come in one batch or two (the dispatcher
	// can leave before the last key is queued): the figures are summed over the trace's spans.
	first := inTrace(root.SpanContext().TraceID().String())
	sum := func(spans []seen, name, attr string) (total, count int) {
		for _, s := range spans {
			if s.name == name {
				n, _ := strconv.Atoi(s.attrs[attr])
				total, count = total+n, count+1
			}
		}
		return total, count
	}
	keys, batches := sum(first, "loader.batch profile", "gladgraph.loader.keys")
	getKeys, gets := sum(first, "cache.get", "gladgraph.cache.keys")
	hits, _ := sum(first, "cache.get", "gladgraph.cache.hits")
	entries, sets := sum(first, "cache.set", "gladgraph.cache.entries")
	if batches == 0 || gets == 0 || sets == 0 {
		t.Fatalf("first request's spans: %+v, want loader.batch profile, cache.get and cache.set spans", first)
	}
	if keys != 3 || getKeys != 3 || hits != 0 || entries != 3 || batches > 2 {
		t.Errorf("first request: %d batches of %d keys in all, cache gets of %d keys with %d hits, %d entries set; want the 3 keys, no hit, 3 written back, in at most 2 batches",
			batches, keys, getKeys, hits, entries)
	}
	second := inTrace(root2.SpanContext().TraceID().String())
	if hits, _ := sum(second, "cache.get", "gladgraph.cache.hits"); hits != 3 {
		t.Errorf("second request's cache gets: %d hits, want 3: %+v", hits, second)
	}
	for _, s := range second {
		if s.name == "cache.set" {
			t.Errorf("second request wrote back although every key was a hit")
		}
	}
}
