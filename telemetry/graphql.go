package telemetry

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Operations returns the gqlgen extension that opens a span per GraphQL operation, named by its
// type and name ("query CustomerCard", "mutation", "subscription TicketChanged"). The document,
// its variables and error messages are never recorded — literals in them are customer data; the
// error codes (extensions.code) are. Resolvers, loaders and Gladly calls run inside the span. A
// subscription's span lasts until its stream ends and counts the events it delivered.
// Register it with srv.Use after the extensions that may refuse an operation.
func Operations(opts ...Option) graphql.HandlerExtension {
	o, on := resolve(opts)
	return operations{tracer: o.tp.Tracer(instrumentation), on: on}
}

type operations struct {
	tracer trace.Tracer
	on     bool
}

var (
	_ graphql.HandlerExtension     = operations{}
	_ graphql.OperationInterceptor = operations{}
)

func (operations) ExtensionName() string                   { return "OpenTelemetry" }
func (operations) Validate(graphql.ExecutableSchema) error { return nil }

func (x operations) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if !x.on {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	kind, name := "operation", ""
	if oc.Operation != nil {
		kind, name = string(oc.Operation.Operation), oc.Operation.Name
	}
	spanName := kind
	attrs := []attribute.KeyValue{attribute.String("graphql.operation.type", kind)}
	if name != "" {
		spanName += " " + name
		attrs = append(attrs, attribute.String("graphql.operation.name", name))
	}
	ctx, span := x.tracer.Start(ctx, spanName, trace.WithAttributes(attrs...))
	handler := next(ctx)
	stream := oc.Operation != nil && oc.Operation.Operation == ast.Subscription
	events := 0
	return func(ctx context.Context) *graphql.Response {
		resp := handler(ctx)
		if !stream {
			recordOutcome(span, resp)
			span.End()
			return resp
		}
		if resp == nil {
			span.SetAttributes(attribute.Int("graphql.subscription.events", events))
			span.End()
			return nil
		}
		events++
		recordOutcome(span, resp)
		return resp
	}
}

// recordOutcome marks the span failed when the response carries errors, with their codes only.
func recordOutcome(span trace.Span, resp *graphql.Response) {
	if resp == nil || len(resp.Errors) == 0 {
		return
	}
	seen := map[string]bool{}
	var list []string
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "UNCODED"
		}
		if !seen[code] {
			seen[code] = true
			list = append(list, code)
		}
	}
	span.SetAttributes(attribute.Int("graphql.errors", len(resp.Errors)),
		attribute.StringSlice("graphql.error.codes", list))
	span.SetStatus(codes.Error, strings.Join(list, ","))
}
