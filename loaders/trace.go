package loaders

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracer is OpenTelemetry's global tracer: a no-op until the server installs a provider
// (package telemetry), so tracing costs nothing when it is off. Spans carry the class and key
// counts, never the keys: a key may be a lookup value such as an email address.
var tracer = otel.Tracer("github.com/gladgraph/gladgraph/loaders")

// startSpan opens an internal span named name with attrs.
func startSpan(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	return tracer.Start(ctx, name, trace.WithAttributes(attrs...))
}

// failSpan marks span failed with a fixed description: a cache error's text may name hosts.
func failSpan(span trace.Span, what string) {
	span.SetAttributes(attribute.String("error.type", what))
	span.SetStatus(codes.Error, what)
}
