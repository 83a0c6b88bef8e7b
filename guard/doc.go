// Package guard holds the HTTP guards that bound what any client can take from a gladgraph
// process before a request reaches GraphQL: which Host names it answers (DNS rebinding against an
// internal deployment), which browser origins may call it (CORS), how many requests run at once
// and how many connections stay open. Each guard is standalone: a handler wrapper or a listener
// wrapper, mounted by the server.
package guard
