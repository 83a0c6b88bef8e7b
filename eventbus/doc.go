// Package eventbus fans Gladly's events out to subscribers on every replica: whichever replica
// receives a webhook publishes the event to its account's log (a Redis stream, or a log in
// process memory without Redis), and each replica reads every account log its subscribers need
// with one reader goroutine per account, handing each entry to its local subscribers.
//
// Order of work the publisher owns: dedupe the delivery, invalidate what the event made stale,
// then Publish. A subscriber reading the event's objects afterwards therefore never reads what
// the event made stale (the shared response cache was invalidated before the entry existed).
//
// Every delivery carries a cursor (the log position, plus the event's time and id). Subscribing
// after a cursor replays what the log still holds after it; when the log no longer holds it
// (trimmed, expired, or the process restarted), the gap comes from Gladly's Events API (the last
// 24 hours) through History. Delivery is at least once across that boundary: event ids dedupe.
//
// Memory is bounded: the log is capped per account, each subscriber has a queue of fixed size
// and a subscriber that lets it fill is ended with ErrSlowConsumer, and a Registry caps
// subscriptions per caller and per connection.
package eventbus
