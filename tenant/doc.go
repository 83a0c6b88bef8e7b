// Package tenant holds what gladgraph runs per linked account: the account's Gladly client
// (its rate limit shared by organization host), its response-cache namespace and loaders, its
// media signer and its webhook receiver — built on first use through the accounts registry and
// dropped when the account changes or is unlinked. Its middleware puts the caller's account into
// the request context after authentication.
//
// It must not authenticate (package auth does) nor resolve GraphQL (package graph does); it only
// picks and builds the account a request runs on.
package tenant
