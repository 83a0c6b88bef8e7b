// Package ide serves the in-browser GraphQL IDE (a small GraphiQL-like page whose assets are
// embedded, so it works with no internet) and sends browsers that GET /graphql for a page to it.
// It must not load anything from elsewhere (its Content-Security-Policy forbids it) nor execute
// GraphQL: the page POSTs to /graphql like any client.
package ide
