// Package gqlhttp is the GraphQL-over-HTTP edge: the transports (POST, and GET for queries, as the
// GraphQL-over-HTTP specification says), the limits on what one operation may ask, automatic
// persisted queries, CSRF prevention, the response's Cache-Control, the introspection switch and
// the shape of request errors. NewHandler serves /graphql; Executor runs operations in-process
// under the same rules (for MCP and tests). The IDE is in ide/.
//
// It must not resolve anything itself: resolvers, mapping and validation of arguments are in
// graph/, which knows nothing of HTTP.
package gqlhttp
