package gladlytest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// fieldError is one entry of Gladly's errors[].
type fieldError struct {
	Attr   string         `json:"attr,omitempty"`
	Code   string         `json:"code"`
	Detail string         `json:"detail,omitempty"`
	Meta   map[string]any `json:"meta,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "gladlytest: encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeErrors answers Gladly's canonical error body {"errors":[…]}.
func writeErrors(w http.ResponseWriter, status int, errs ...fieldError) {
	writeJSON(w, status, map[string][]fieldError{"errors": errs})
}

// notFound answers 404 with Gladly's not_exist error.
func notFound(w http.ResponseWriter, detail string) {
	writeErrors(w, http.StatusNotFound, fieldError{Code: "not_exist", Detail: detail})
}

// notFoundEmpty answers 404 with no body, as the spec documents for some operations.
func notFoundEmpty(w http.ResponseWriter) { w.WriteHeader(http.StatusNotFound) }

// badRequest answers 400 with the given errors.
func badRequest(w http.ResponseWriter, errs ...fieldError) {
	writeErrors(w, http.StatusBadRequest, errs...)
}

// created answers 201 with a Location and no body, as most of Gladly's creates do.
func created(w http.ResponseWriter, location string) {
	w.Header().Set("Location", location)
	w.WriteHeader(http.StatusCreated)
}

func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// writeList answers a capped list: at most limit entries, Gladly-Limited-Data saying whether
// entries were left out.
func writeList[T any](w http.ResponseWriter, items []T, limit int) {
	limited := len(items) > limit
	if limited {
		items = items[:limit]
	}
	if items == nil {
		items = []T{}
	}
	w.Header().Set("Gladly-Limited-Data", strconv.FormatBool(limited))
	writeJSON(w, http.StatusOK, items)
}

const maxBody = 1 << 20

// decodeBody reads a JSON request body into v. On failure it answers 400 and returns false.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		badRequest(w, fieldError{Code: "invalid", Detail: "request body could not be read"})
		return false
	}
	if len(b) > maxBody {
		writeErrors(w, http.StatusRequestEntityTooLarge, fieldError{Code: "too_long", Detail: "request body is too large"})
		return false
	}
	if len(bytes.TrimSpace(b)) == 0 {
		badRequest(w, fieldError{Code: "blank", Detail: "request body cannot be blank"})
		return false
	}
	if err := json.Unmarshal(b, v); err != nil {
		detail := "request body is not valid JSON"
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			detail = "invalid type for " + te.Field
			badRequest(w, fieldError{Attr: te.Field, Code: "invalid", Detail: detail})
			return false
		}
		badRequest(w, fieldError{Code: "invalid", Detail: detail})
		return false
	}
	return true
}

// encodeLines encodes each row as one JSON line (callers hold s.mu while rows are live data).
func encodeLines(rows []any) ([][]byte, error) {
	lines := make([][]byte, 0, len(rows))
	for _, row := range rows {
		b, err := json.Marshal(row)
		if err != nil {
			return nil, err
		}
		lines = append(lines, b)
	}
	return lines, nil
}

// writeLines streams JSON lines (the events stream, export files) with the given content type.
func writeLines(w http.ResponseWriter, contentType string, lines [][]byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriter(w)
	for _, b := range lines {
		_, _ = bw.Write(b)
		_ = bw.WriteByte('\n')
	}
	_ = bw.Flush()
}
