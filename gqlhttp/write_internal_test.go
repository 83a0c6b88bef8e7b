package gqlhttp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// A response of data alone is written as gqlgen produced it; one with errors goes through
// encoding/json. Both are the same JSON value as json.Marshal of the response.
func TestWriteJSONResponseDataOnly(t *testing.T) {
	for _, resp := range []*graphql.Response{
		{Data: json.RawMessage(`{"a":"<b> & c","n":[1,2]}`)},
		{Data: json.RawMessage(`{"a":null}`), Errors: gqlerror.List{{Message: "x"}}},
	} {
		rec := httptest.NewRecorder()
		writeJSONResponse(rec, "application/json", http.StatusOK, resp)
		want, _ := json.Marshal(resp)
		var got, exp any
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("not JSON: %s", rec.Body)
		}
		_ = json.Unmarshal(want, &exp)
		if !reflect.DeepEqual(got, exp) || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("wrote %s (%s), want %s", rec.Body, rec.Header().Get("Content-Type"), want)
		}
	}
}
