// Package schema holds gladgraph's GraphQL contract as SDL, one file per domain (federation,
// ticketing, directory, conversations, knowledge, admin). gqlgen generates the server from these
// files; tools and tests read them through [Files].
package schema

import "embed"

// Files holds every *.graphqls file of the schema, at the root of the file system. The files form
// one Apollo Federation v2 subgraph schema; load them together, with the federation definitions
// gqlgen injects (see schema_test.go).
//
//go:embed *.graphqls
var Files embed.FS
