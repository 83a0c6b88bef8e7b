// Package media serves conversation media (call recordings) under signed, expiring URLs: Signer
// makes the URLs ConversationItem.media.url hands out, and the /media/{itemId} handler checks
// them and streams the recording from Gladly.
//
// The URL's signature is the only credential (a browser cannot send gladgraph's Gladly token), so
// every refusal looks the same from outside; the handler must not buffer a recording whole.
package media
