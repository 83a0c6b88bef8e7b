// Package metrics owns gladgraph's Prometheus registry and every metric's name, help and labels:
// HTTP requests by route, upstream calls to Gladly, the rate limiter's wait, the response cache's
// hits and misses, open circuits of the response cache, webhook deliveries, GraphQL operations
// (by name, type and outcome) and their errors by code. It must not serve routes of its own or decide anything:
// callers report what happened, and labels stay bounded (routes are mux patterns; operation names and error codes past 200
// distinct values count as "other").
package metrics
