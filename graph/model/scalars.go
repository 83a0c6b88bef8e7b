// Package model holds the GraphQL layer's Go types: gqlgen's generated inputs, payloads and
// enums (models_gen.go) and, by hand, thin wrappers that present Gladly's objects in the
// schema's shape. A wrapper embeds the gladly struct (no copy) and adds a method for each field
// whose shape differs; fields that join other objects are resolvers in package graph. The
// mapping between Gladly and the schema lives here, one file per domain, and nowhere else.
package model

import (
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalJSON writes a JSON scalar: the raw value as is (null when empty).
func MarshalJSON(v json.RawMessage) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if len(v) == 0 {
			_, _ = io.WriteString(w, "null")
			return
		}
		_, _ = w.Write(v)
	})
}

// UnmarshalJSON reads a JSON scalar from any input value.
func UnmarshalJSON(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, errors.New("JSON: value cannot be encoded as JSON")
	}
	return b, nil
}

// optional returns nil for an empty string: Gladly omits what the schema reports as null.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optionalTime returns nil for the zero time.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// rawOrEncoded returns the JSON Gladly sent, or the object encoded when it was built in Go.
func rawOrEncoded(raw json.RawMessage, v any) json.RawMessage {
	if len(raw) > 0 {
		return raw
	}
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// wrapAll maps a list of Gladly objects to their wrappers.
func wrapAll[G any, M any](in []G, wrap func(G) M) []M {
	out := make([]M, len(in))
	for i, g := range in {
		out[i] = wrap(g)
	}
	return out
}
