// Package metrics owns gladgraph's Prometheus registry and every metric's name, help and labels:
// HTTP requests by route, upstream calls to Gladly, the rate limiter's wait, the response cache's
// hits and misses, webhook deliveries. It must not serve routes of its own or decide anything:
// callers report what happened, and labels stay bounded (routes are mux patterns).
package metrics
