package graph

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph/model"
	"github.com/gladgraph/gladgraph/loaders"
)

// The extensions.code values of infrastructure failures (DESIGN.md §2).
const (
	CodeUpstreamRateLimited     = "UPSTREAM_RATE_LIMITED"
	CodeUpstreamUnavailable     = "UPSTREAM_UNAVAILABLE"
	CodeUpstreamUnauthenticated = "UPSTREAM_UNAUTHENTICATED"
	CodeUpstreamForbidden       = "UPSTREAM_FORBIDDEN"
	CodeUpstreamInvalid         = "UPSTREAM_INVALID_RESPONSE"
	CodeUpstreamTooLarge        = "UPSTREAM_RESPONSE_TOO_LARGE"
	CodeRateLimited             = "RATE_LIMITED"
	CodeOperationTooExpensive   = "OPERATION_TOO_EXPENSIVE"
	CodeBadUserInput            = "BAD_USER_INPUT"
	CodeInternal                = "INTERNAL_SERVER_ERROR"
)

// internalError is a failure of gladgraph itself (a resolver panic): INTERNAL_SERVER_ERROR,
// detail logged, never shown.
type internalError struct{ cause string }

func (e *internalError) Error() string { return "internal error: " + e.cause }

// badInput is an argument refused before anything was sent (a malformed cursor, contacts() with
// two identifiers): BAD_USER_INPUT.
type badInput struct{ msg string }

func (e *badInput) Error() string { return e.msg }

func errBadInput(msg string) error { return &badInput{msg: msg} }

// Recover turns a resolver panic into INTERNAL_SERVER_ERROR, logging the panic and its stack.
func Recover(log zerolog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.Error().Str("panic", fmt.Sprint(p)).Str("stack", string(debug.Stack())).Msg("graphql: resolver panic")
		return &internalError{cause: fmt.Sprint(p)}
	}
}

// ErrorPresenter turns resolver errors into GraphQL errors with extensions.code. Gladly's own
// failures keep a safe description; anything unexpected is logged and reported as
// INTERNAL_SERVER_ERROR without detail.
func ErrorPresenter(log zerolog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var inner *gqlerror.Error
		if errors.As(err, &inner) && inner.Extensions != nil && inner.Extensions["code"] != nil {
			return gqlErr // parse/validation errors carry their own code
		}
		code, msg, ext := classify(err)
		if g, ok := err.(*gqlerror.Error); ok && code == CodeInternal && isArgumentPath(ctx, g.Path) && g.Unwrap() != nil {
			// gqlgen's coercion of an argument value (e.g. an _Any that is not an object): the
			// caller's input.
			code, msg = CodeBadUserInput, "invalid argument "+g.Path.String()+": "+g.Unwrap().Error()
		}
		if code == CodeInternal {
			log.Error().Err(err).Str("path", gqlErr.Path.String()).Msg("graphql: internal error")
		}
		gqlErr.Message = msg
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		gqlErr.Extensions["code"] = code
		for k, v := range ext {
			gqlErr.Extensions[k] = v
		}
		return gqlErr
	}
}

// isArgumentPath reports whether path points into an argument of the field being resolved: gqlgen
// wraps argument coercion errors with the field's path followed by the argument's, where
// resolvers' errors carry the field's path only.
func isArgumentPath(ctx context.Context, path ast.Path) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	field := fc.Path()
	if len(path) <= len(field) {
		return false
	}
	for i := range field {
		if path[i] != field[i] {
			return false
		}
	}
	_, named := path[len(field)].(ast.PathName)
	return named
}

// classify maps an error to its extensions.code and the message clients see.
func classify(err error) (code, msg string, ext map[string]any) {
	var (
		in   *internalError
		bad  *badInput
		arg  *gladly.ArgumentError
		rate *gladly.RateLimitError
		gerr *gladly.Error
		gql  *gqlerror.Error
		acc  *accessError
		inv  *gladly.InvalidResponseError
		rec  *gladly.InvalidRecordError
		big  *gladly.ResponseTooLargeError
		mine *loaders.CallerRateLimitError
		ce   *codedError
	)
	switch {
	case errors.As(err, &acc):
		return acc.code, acc.msg, nil
	case errors.As(err, &ce):
		return ce.code, ce.msg, ce.ext
	case errors.As(err, &in):
		return CodeInternal, "internal error", nil
	case errors.As(err, &bad):
		return CodeBadUserInput, bad.msg, nil
	case errors.Is(err, model.ErrBadPageArgs):
		return CodeBadUserInput, err.Error(), nil
	case errors.As(err, &arg):
		return CodeBadUserInput, strings.TrimPrefix(arg.Error(), "gladly: "), nil
	case errors.As(err, &mine):
		secs := max(int(math.Ceil(mine.RetryAfter.Seconds())), 1)
		return CodeRateLimited, "this caller's share of Gladly calls is used up; retry later", map[string]any{"retryAfterSeconds": secs}
	case errors.As(err, &big):
		return CodeUpstreamTooLarge, "Gladly's answer is larger than gladgraph accepts", nil
	case errors.As(err, &rec):
		ext := map[string]any{"index": rec.Index}
		if rec.ID != "" {
			ext["id"] = rec.ID
		}
		return CodeUpstreamInvalid, "a record Gladly sent cannot be read; the list's other records were", ext
	case errors.As(err, &inv):
		return CodeUpstreamInvalid, "Gladly's answer cannot be read (" + inv.Reason + ")", nil
	case errors.As(err, &rate):
		secs := max(int(math.Ceil(rate.RetryAfter.Seconds())), 1)
		return CodeUpstreamRateLimited, "Gladly's rate limit was reached; retry later", map[string]any{"retryAfterSeconds": secs}
	case gladly.IsUnauthorized(err):
		return CodeUpstreamUnauthenticated, "Gladly refused gladgraph's credentials", nil
	case gladly.IsForbidden(err):
		return CodeUpstreamForbidden, "Gladly's API user lacks the permission this needs", nil
	case gladly.IsUnavailable(err), errors.Is(err, context.DeadlineExceeded), errors.Is(err, gladly.ErrLimiterDeadline):
		return CodeUpstreamUnavailable, "Gladly did not answer in time; retry later", nil
	case errors.As(err, &gerr) && gerr.StatusCode >= 400 && gerr.StatusCode < 500:
		// A refusal of a read (e.g. a malformed phone number in a lookup): the caller's input.
		return CodeBadUserInput, gladlyDetail(gerr), nil
	case errors.As(err, &gql) && gql.Unwrap() == nil:
		// gqlgen's own refusal of an argument value (coercion), without a cause of ours.
		return CodeBadUserInput, gql.Message, nil
	case errors.Is(err, context.Canceled):
		return CodeUpstreamUnavailable, "the request was canceled", nil
	}
	return CodeInternal, "internal error", nil
}

// reportInvalid adds, at the list field's path, one UPSTREAM_INVALID_RESPONSE error per record of
// list that could not be read: the record fails alone, the others resolve.
func reportInvalid[T any](ctx context.Context, list *loaders.List[T]) {
	if list == nil {
		return
	}
	for _, r := range list.Invalid {
		graphql.AddError(ctx, r.Err)
	}
}

// gladlyDetail is Gladly's explanation of a refusal, for a client to read.
func gladlyDetail(e *gladly.Error) string {
	var parts []string
	for _, fe := range e.Errors {
		d := fe.Detail
		if d == "" {
			d = fe.Code
		}
		if fe.Attr != "" {
			d = fe.Attr + ": " + d
		}
		parts = append(parts, d)
	}
	if len(parts) == 0 {
		return "Gladly refused the request"
	}
	return "Gladly refused the request: " + strings.Join(parts, "; ")
}

// attrMap renames Gladly's attribute paths to the mutation's argument path, e.g.
// {"comment": {"input", "body"}}. Unlisted attributes map to ["input", <attr as segments>].
type attrMap map[string][]string

// userErrors turns Gladly's refusal of a write (400, 404, 409, 301) into user errors; any other
// failure is returned as an error, to become a GraphQL error with its extensions.code.
func userErrors(err error, attrs attrMap) ([]*model.UserError, error) {
	var gerr *gladly.Error
	if !errors.As(err, &gerr) {
		return nil, err
	}
	switch gerr.StatusCode {
	case 400, 404, 409, 301:
	default:
		return nil, err
	}
	if len(gerr.Errors) == 0 {
		code := model.UserErrorCodeInvalid
		msg := "Gladly refused the request"
		if gerr.StatusCode == 404 {
			code, msg = model.UserErrorCodeNotFound, "not found"
		}
		return []*model.UserError{{Code: code, Message: msg}}, nil
	}
	out := make([]*model.UserError, 0, len(gerr.Errors))
	for _, fe := range gerr.Errors {
		ue := &model.UserError{Code: userErrorCode(fe.Code, gerr.StatusCode), Message: fe.Detail}
		if ue.Message == "" {
			ue.Message = strings.ReplaceAll(fe.Code, "_", " ")
		}
		if fe.Attr != "" {
			if path, ok := attrs[fe.Attr]; ok {
				ue.Field = path
			} else {
				ue.Field = append([]string{"input"}, strings.Split(fe.Attr, ".")...)
			}
		}
		if len(fe.Meta) > 0 {
			if b, err := jsonMarshal(fe.Meta); err == nil {
				ue.Meta = b
			}
		}
		out = append(out, ue)
	}
	return out, nil
}

// refused is userErrors for a write on an object Gladly may not have: a NOT_FOUND without an
// attribute is about the object the mutation names, so it gets that argument's path
// (notFoundField) and, when what is given, says what does not exist.
func refused(err error, attrs attrMap, notFoundField []string, what string) ([]*model.UserError, error) {
	errs, err := userErrors(err, attrs)
	if err != nil {
		return nil, err
	}
	for _, e := range errs {
		if e.Code == model.UserErrorCodeNotFound && e.Field == nil && notFoundField != nil {
			e.Field = notFoundField
			if what != "" {
				e.Message = what + " does not exist"
			}
		}
	}
	return errs, nil
}

// userErrorCode maps Gladly's code; codes Gladly adds later read as INVALID.
func userErrorCode(code string, status int) model.UserErrorCode {
	if code == gladly.CodeNotExist || (code == "" && status == 404) {
		return model.UserErrorCodeNotFound
	}
	c := model.UserErrorCode(strings.ToUpper(code))
	if c.IsValid() {
		return c
	}
	return model.UserErrorCodeInvalid
}

// notFound is the user error of a write aimed at an object that does not exist.
func notFound(field []string, what string) []*model.UserError {
	return []*model.UserError{{Field: field, Code: model.UserErrorCodeNotFound, Message: what + " does not exist"}}
}

// noUserErrors is the userErrors of a mutation that succeeded: the schema's list is non-null.
func noUserErrors() []*model.UserError { return []*model.UserError{} }
