package telemetry

import (
	"context"

	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel/trace"
)

// LogHook adds trace_id and span_id to every zerolog event built with a context that carries a
// span (logger.Info().Ctx(ctx)…, or zerolog.Ctx(ctx) loggers whose events are given the
// context), so that a log line leads to its trace. Install it once: logger.Hook(telemetry.LogHook{}).
// Events without a context, or outside a sampled or remote trace, are left as they are.
type LogHook struct{}

// Run implements zerolog.Hook.
func (LogHook) Run(e *zerolog.Event, _ zerolog.Level, _ string) {
	ctx := e.GetCtx()
	if ctx == nil {
		return
	}
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return
	}
	e.Str("trace_id", sc.TraceID().String()).Str("span_id", sc.SpanID().String())
}

// TraceID returns the trace id of ctx's span in hex, or "" when there is none: for an access log
// line written with its own fields rather than through the hook.
func TraceID(ctx context.Context) string {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return ""
	}
	return sc.TraceID().String()
}
