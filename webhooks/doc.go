// Package webhooks receives Gladly's webhook deliveries (POST /webhooks/gladly): it checks their
// credentials, drops redeliveries through a seen set (in Redis when configured, shared by
// replicas; else in process memory) and invalidates the cache entries an event made stale.
//
// It must not fail a delivery because invalidation failed (Gladly would disable the webhook) and
// must not act on an unauthenticated request; it holds no cache of its own.
package webhooks
