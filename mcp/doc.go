// Package mcp serves gladgraph's GraphQL operations as Model Context Protocol tools, for AI
// agents (DESIGN.md §9).
//
// Each tool is a GraphQL operation document kept in tools/ (one file per tool, its leading
// comment the description). Tools run in-process through the same GraphQL handler as /graphql
// (an [Executor]), so loaders, cache, limits and scopes apply exactly as they do there and the
// caller's token never leaves gladgraph. The tool's input schema is derived from the operation's
// variables and the SDL's descriptions; its output schema from the operation's selection; and
// tools/list shows a caller only the tools whose every field its scopes reach.
//
// The package imports the official Go SDK as sdk: this package's own name is the protocol's.
package mcp
