package telemetry

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/testserver"
	gqltransport "github.com/99designs/gqlgen/graphql/handler/transport"
	"go.opentelemetry.io/otel/codes"
)

func postGraphQL(t *testing.T, h http.Handler, body string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	mustDo(t, req)
}

func TestOperationSpanNamedByTypeAndName(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	gql := testserver.New()
	gql.AddTransport(gqltransport.POST{})
	gql.Use(Operations(rec.opts()...))

	postGraphQL(t, gql, `{"query":"query CustomerCard($id: Int!) { name find(id: 5551234) again: find(id: $id) }","operationName":"CustomerCard","variables":{"id":7771234}}`)
	postGraphQL(t, gql, `{"query":"mutation { name }"}`)

	q := rec.named(t, "query CustomerCard")
	if v, _ := attr(q, "graphql.operation.type"); v.AsString() != "query" {
		t.Errorf("graphql.operation.type = %q", v.AsString())
	}
	if v, _ := attr(q, "graphql.operation.name"); v.AsString() != "CustomerCard" {
		t.Errorf("graphql.operation.name = %q", v.AsString())
	}
	if q.Status.Code == codes.Error {
		t.Errorf("a successful query's span failed: %+v", q.Status)
	}
	if _, ok := attr(rec.named(t, "mutation"), "graphql.operation.name"); ok {
		t.Errorf("an anonymous mutation's span has a name attribute")
	}
	// Neither a literal of the document, nor a variable, nor the document itself.
	assertClean(t, rec.spans(), "5551234", "7771234", "$id", "find(")
}

func TestOperationSpanRecordsErrorCodesNotMessages(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	gql := testserver.NewError()
	gql.AddTransport(gqltransport.POST{})
	gql.Use(Operations(rec.opts()...))

	postGraphQL(t, gql, `{"query":"query Broken { name }"}`)

	s := rec.named(t, "query Broken")
	if s.Status.Code != codes.Error {
		t.Fatalf("status %+v, want an error", s.Status)
	}
	if v, _ := attr(s, "graphql.errors"); v.AsInt64() != 1 {
		t.Errorf("graphql.errors = %d, want 1", v.AsInt64())
	}
	if v, _ := attr(s, "graphql.error.codes"); strings.Join(v.AsStringSlice(), ",") != "UNCODED" {
		t.Errorf("graphql.error.codes = %v, want [UNCODED]", v.AsStringSlice())
	}
	assertClean(t, rec.spans(), "resolver error")
}
