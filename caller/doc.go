// Package caller carries who is calling, on which linked account, with which scopes, in a
// request's context. It is a leaf: authentication (package auth) puts a Caller in the context,
// the GraphQL layer, MCP and subscriptions read it.
//
// It must not import net/http or any other gladgraph package: everything that checks access
// depends on it, so it depends on nothing.
package caller
