// Package edge is the HTTP edge every request crosses before it reaches a surface: the logger
// and the access line (which never shows what a request carried), request ids, the loaders.Stats
// of each request, panic recovery, timeouts and write deadlines, and the Router that mounts every
// surface (GraphQL, health, metrics, webhooks, media; later /mcp, /admin/…, subscriptions) under
// that same wrapping.
//
// Authentication will sit here too: a middleware that resolves the request's credentials to a
// caller.Caller and puts it in the context (see observe). The edge must not know what a surface
// does: no GraphQL, no Gladly, no cache.
package edge
