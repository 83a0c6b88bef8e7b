// Package graph is gladgraph's GraphQL layer: the gqlgen resolvers that map Gladly to the schema
// (schema/*.graphqls), reading through the per-request loaders and writing through the gladly
// client, the Gladly ⇄ GraphQL mapping, input validation and the errors' extensions.code. The
// generated executor lives in graph/generated, the schema's Go types in graph/model.
//
// It must not know HTTP: no non-test file here imports net/http. Transports (GraphQL over HTTP in
// gqlhttp, later MCP and subscriptions) execute operations against NewExecutableSchema.
package graph
