package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/gladgraph/gladgraph/graph/generated"
)

// SDL asks the generated executable schema for `_service { sdl }` in process, through gqlgen's
// own handler: the answer is exactly what a router fetches from a running gladgraph. The query
// reaches no resolver of ours, so none is configured.
func SDL() (string, error) {
	srv := handler.New(generated.NewExecutableSchema(generated.Config{}))
	srv.AddTransport(transport.POST{})
	srv.Use(extension.Introspection{}) // gqlgen answers _service only where introspection is on
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ _service { sdl } }"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)

	var out struct {
		Data struct {
			Service struct {
				SDL string `json:"sdl"`
			} `json:"_service"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		return "", fmt.Errorf("decode the _service answer: %w", err)
	}
	if len(out.Errors) > 0 {
		return "", fmt.Errorf("_service: %s", out.Errors[0].Message)
	}
	if strings.TrimSpace(out.Data.Service.SDL) == "" {
		return "", fmt.Errorf("_service answered an empty SDL")
	}
	return strings.TrimRight(out.Data.Service.SDL, "\n") + "\n", nil
}
