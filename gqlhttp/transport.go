package gqlhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/loaders"
)

// Media types of GraphQL responses (GraphQL over HTTP).
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// httpTransport serves GraphQL over HTTP — POST with a JSON body, GET with URL parameters for
// queries — as the GraphQL-over-HTTP specification asks, where gqlgen's own GET and POST transports
// answer otherwise:
//   - a request error (the document does not parse or validate, variables do not coerce) is
//     answered 200 to clients that accept application/json and 400 to those that accept
//     application/graphql-response+json (gqlgen: 422 and 400), and its body has no `data` entry;
//   - a malformed request (body not a JSON object, `query` missing or not a string, `variables`
//     not an object…) is 400 whatever the client accepts, without echoing the body back;
//   - a mutation over GET is 405 with `Allow: POST` (gqlgen: 406); a POST that is not
//     application/json is 415; a body over the size limit is 413; other methods are 405.
//
// The exception is Apollo's automatic persisted queries: a hash the server does not know is
// answered 200, as Apollo Server does, because Apollo's clients look for that answer to resend the
// query.
type httpTransport struct{}

var _ graphql.Transport = httpTransport{}

// Supports takes every plain HTTP request (OPTIONS and HEAD go to transport.Options first).
func (httpTransport) Supports(r *http.Request) bool { return r.Header.Get("Upgrade") == "" }

func (httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media := responseMediaType(r)
	if wait := loaders.CallerLimiterFrom(r.Context()).RefusedFor(r.Context()); wait > 0 {
		// Refused a moment ago and back before its retryAfterSeconds: turned away unread.
		refuseCaller(w, media, wait)
		return
	}
	start := graphql.Now()
	var (
		params *graphql.RawParams
		bad    *badRequest
	)
	switch r.Method {
	case http.MethodGet:
		params, bad = paramsFromURL(r)
	case http.MethodPost:
		params, bad = paramsFromBody(r)
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		bad = &badRequest{http.StatusMethodNotAllowed, "GraphQL is served over POST, and GET for queries"}
	}
	if bad != nil {
		writeRequestError(w, media, bad.status, bad.msg, "BAD_REQUEST")
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	ctx := r.Context()
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		if opCtx == nil {
			opCtx = &graphql.OperationContext{}
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		writeJSONResponse(w, media, requestErrorStatus(media, errs), requestErrorBody{Errors: resp.Errors, Extensions: resp.Extensions})
		return
	}
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		// Checked after parsing, before anything runs: a link or an image tag must not write.
		w.Header().Set("Allow", "POST")
		writeRequestError(w, media, http.StatusMethodNotAllowed, "GET requests may only run queries; send "+string(opCtx.Operation.Operation)+" operations with POST", "BAD_REQUEST")
		return
	}
	if opCtx.Operation.Operation == ast.Subscription {
		writeRequestError(w, media, http.StatusBadRequest, errSubscriptionOverHTTP.Error(), "BAD_REQUEST")
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	writeJSONResponse(w, media, http.StatusOK, responses(ctx))
}

type badRequest struct {
	status int
	msg    string
}

// responseMediaType picks the response's media type from Accept: the first of the two GraphQL
// JSON types the client lists; application/json when it lists neither but accepts anything, or
// sends no Accept (legacy clients, GraphQL over HTTP §watershed); application/graphql-response+json
// otherwise.
func responseMediaType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if strings.TrimSpace(accept) == "" {
		return mediaJSON
	}
	wildcard := false
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaGraphQLResponse, mediaJSON:
			return mt
		case "*/*", "application/*":
			wildcard = true
		}
	}
	if wildcard {
		return mediaJSON
	}
	return mediaGraphQLResponse
}

// requestErrorStatus is the status of a response to a request that failed before execution.
func requestErrorStatus(media string, errs gqlerror.List) int {
	for _, e := range errs {
		switch e.Extensions["code"] {
		case "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED": // Apollo's APQ codes
			return http.StatusOK
		}
	}
	if media == mediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

// paramsFromURL reads a GET request's query, operationName, variables and extensions (the last
// two URL-encoded JSON objects).
func paramsFromURL(r *http.Request) (*graphql.RawParams, *badRequest) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &badRequest{http.StatusBadRequest, "the URL's query string is malformed"}
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	for _, f := range []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		if v := q.Get(f.name); v != "" {
			if err := decodeObject(json.RawMessage(v), f.dst); err != nil {
				return nil, &badRequest{http.StatusBadRequest, "the " + f.name + " parameter must be a JSON object"}
			}
		}
	}
	if !q.Has("query") && p.Extensions["persistedQuery"] == nil {
		return nil, &badRequest{http.StatusBadRequest, "the query parameter is missing"}
	}
	return p, nil
}

// paramsFromBody reads a POST request's JSON body.
func paramsFromBody(r *http.Request) (*graphql.RawParams, *badRequest) {
	mt, mtParams, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != mediaJSON || (mtParams["charset"] != "" && !strings.EqualFold(mtParams["charset"], "utf-8")) {
		return nil, &badRequest{http.StatusUnsupportedMediaType, "send the request body as application/json (UTF-8)"}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, &badRequest{http.StatusRequestEntityTooLarge, "the request body is too large"}
		}
		return nil, &badRequest{http.StatusBadRequest, "the request body could not be read"}
	}
	var raw struct {
		Query         json.RawMessage `json:"query"`
		OperationName json.RawMessage `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	trimmed := bytes.TrimSpace(body)
	if bytes.HasPrefix(trimmed, []byte("[")) {
		return nil, &badRequest{http.StatusBadRequest, "batched operations (a JSON array of requests) are not supported: send one operation per request"}
	}
	if err := decodeOne(body, &raw); err != nil || !bytes.HasPrefix(trimmed, []byte("{")) {
		return nil, &badRequest{http.StatusBadRequest, "the request body must be one JSON object: {\"query\": \"…\", \"variables\": {…}}"}
	}
	p := &graphql.RawParams{}
	if err := decodeOptionalString(raw.Query, &p.Query); err != nil {
		return nil, &badRequest{http.StatusBadRequest, "query must be a string"}
	}
	if err := decodeOptionalString(raw.OperationName, &p.OperationName); err != nil {
		return nil, &badRequest{http.StatusBadRequest, "operationName must be a string"}
	}
	if err := decodeObject(raw.Variables, &p.Variables); err != nil {
		return nil, &badRequest{http.StatusBadRequest, "variables must be a JSON object"}
	}
	if err := decodeObject(raw.Extensions, &p.Extensions); err != nil {
		return nil, &badRequest{http.StatusBadRequest, "extensions must be a JSON object"}
	}
	if isNull(raw.Query) && p.Extensions["persistedQuery"] == nil {
		return nil, &badRequest{http.StatusBadRequest, "query is missing"}
	}
	return p, nil
}

func isNull(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) == 0 || bytes.Equal(v, []byte("null"))
}

func decodeOptionalString(v json.RawMessage, dst *string) error {
	if isNull(v) {
		return nil
	}
	return json.Unmarshal(v, dst)
}

// decodeObject decodes a JSON object (or null) with numbers kept as json.Number, as gqlgen's
// input coercion expects.
func decodeObject(v json.RawMessage, dst *map[string]any) error {
	if isNull(v) {
		return nil
	}
	if !bytes.HasPrefix(bytes.TrimSpace(v), []byte("{")) {
		return errors.New("not an object")
	}
	return decodeOne(v, dst)
}

// decodeOne decodes exactly one JSON value, refusing trailing data.
func decodeOne(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// requestErrorBody is a response to a request that never executed: GraphQL says it has no
// `data` entry at all.
type requestErrorBody struct {
	Errors     gqlerror.List  `json:"errors"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// writeRequestError answers a request refused before GraphQL ran, in the GraphQL error shape; a
// refusal is never cached (CSRF refusals are answered outside cacheControl).
// refuseCaller answers a caller over its share of Gladly calls, told to wait: 429 with
// Retry-After and the RATE_LIMITED error the operation would have got.
func refuseCaller(w http.ResponseWriter, media string, wait time.Duration) {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	w.Header().Set("Cache-Control", "no-store")
	writeJSONResponse(w, media, http.StatusTooManyRequests, requestErrorBody{Errors: gqlerror.List{{
		Message:    "this caller's share of Gladly calls is used up; retry later",
		Extensions: map[string]any{"code": graph.CodeRateLimited, "retryAfterSeconds": secs},
	}}})
}

func writeRequestError(w http.ResponseWriter, media string, status int, msg, code string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSONResponse(w, media, status, requestErrorBody{Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": code}}}})
}

// dataOnly: a response of data alone, written as it is.
func dataOnly(r *graphql.Response) bool {
	return len(r.Errors) == 0 && len(r.Extensions) == 0 && r.Label == "" && r.Path == nil && r.HasNext == nil && len(r.Data) > 0
}

func writeJSONResponse(w http.ResponseWriter, media string, status int, body any) {
	if r, ok := body.(*graphql.Response); ok && dataOnly(r) {
		// The data is JSON gqlgen wrote (or the operation cache kept): json.Marshal would only
		// validate and re-compact it, most of the CPU time of a response served from the cache.
		w.Header().Set("Content-Type", media+"; charset=utf-8")
		w.WriteHeader(status)
		b := make([]byte, 0, len(r.Data)+10)
		b = append(append(append(b, `{"data":`...), r.Data...), '}')
		_, _ = w.Write(b)
		return
	}
	b, err := json.Marshal(body)
	if err != nil { // a resolver returned something JSON cannot hold: gqlgen would panic here
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"internal error: the response could not be encoded","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
