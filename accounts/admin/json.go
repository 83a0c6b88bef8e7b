package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gladgraph/gladgraph/accounts"
)

// Error codes of the admin API.
const (
	CodeBadRequest         = "BAD_REQUEST"
	CodeNotFound           = "NOT_FOUND"
	CodeConflict           = "CONFLICT"
	CodeMethodNotAllowed   = "METHOD_NOT_ALLOWED"
	CodePayloadTooLarge    = "PAYLOAD_TOO_LARGE"
	CodeUnsupportedMedia   = "UNSUPPORTED_MEDIA_TYPE"
	CodeGladlyRejected     = "GLADLY_REJECTED"
	CodeGladlyUnavailable  = "GLADLY_UNAVAILABLE"
	CodeEncryptionKeyGone  = "ENCRYPTION_KEY_MISSING"
	CodeInternal           = "INTERNAL_SERVER_ERROR"
	defaultMaxRequestBytes = 64 << 10
)

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var b errorBody
	b.Error.Code, b.Error.Message = code, msg
	writeJSON(w, status, b)
}

// apiError is an error with its HTTP answer.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, CodeBadRequest, fmt.Sprintf(format, args...)}
}

// classify maps what the store and the checker answer to the API's codes. Only errors known to
// carry no secret are shown; anything else is an internal error whose text stays in the log.
func classify(err error) (status int, code, msg string, internal bool) {
	var ae *apiError
	var ve *accounts.ValidationError
	var rej *accounts.RejectedError
	var unr *accounts.UnreachableError
	var uk *accounts.UnknownKeyError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.code, ae.msg, false
	case errors.As(err, &ve):
		return http.StatusBadRequest, CodeBadRequest, ve.Field + ": " + ve.Message, false
	case errors.Is(err, accounts.ErrNotFound):
		return http.StatusNotFound, CodeNotFound, "no such account", false
	case errors.Is(err, accounts.ErrKeyNotFound):
		return http.StatusNotFound, CodeNotFound, "no such API key on this account", false
	case errors.Is(err, accounts.ErrExists):
		return http.StatusConflict, CodeConflict, "an account with this id is already linked", false
	case errors.As(err, &rej):
		return http.StatusUnprocessableEntity, CodeGladlyRejected, rej.Error(), false
	case errors.As(err, &unr):
		return http.StatusBadGateway, CodeGladlyUnavailable, unr.Error(), false
	case errors.As(err, &uk):
		return http.StatusInternalServerError, CodeEncryptionKeyGone, uk.Error(), true
	}
	return http.StatusInternalServerError, CodeInternal, "internal error", true
}

// decode reads one JSON object into v: application/json only, bounded in size, unknown fields
// and trailing data refused.
func decode(w http.ResponseWriter, r *http.Request, max int64, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return &apiError{http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "the body must be application/json"}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, max))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, max)
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		if err == nil {
			return badRequest("the body holds more than one JSON value")
		}
		return decodeError(err, max)
	}
	return nil
}

func decodeError(err error, max int64) error {
	var mbe *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return &apiError{http.StatusRequestEntityTooLarge, CodePayloadTooLarge, fmt.Sprintf("the body is larger than %d bytes", max)}
	case errors.Is(err, io.EOF):
		return badRequest("the body is empty")
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the body is not valid JSON")
	case errors.As(err, &typ):
		return badRequest("field %s must be %s", typ.Field, typ.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return badRequest("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	// Other decoding errors (a malformed expiresAt) quote only the offending value's type.
	return badRequest("the body does not match the expected fields: %s", strings.TrimPrefix(err.Error(), "json: "))
}
