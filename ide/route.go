package ide

import (
	"net/http"
	"strings"
)

// GraphQLOrIDE sends browsers that GET /graphql for a page to GraphiQL, everything else to the
// GraphQL handler (a GET carrying a query is a GraphQL request whatever it accepts).
func GraphQLOrIDE(ide, gql http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && !r.URL.Query().Has("query") && acceptsHTML(r) {
			ide.ServeHTTP(w, r)
			return
		}
		gql.ServeHTTP(w, r)
	})
}

func acceptsHTML(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(part, ";")
		if strings.EqualFold(strings.TrimSpace(mt), "text/html") {
			return true
		}
	}
	return false
}
