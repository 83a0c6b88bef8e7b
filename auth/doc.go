// Package auth decides who is calling: it verifies JWTs against a JWKS and API keys issued by
// gladgraph, and puts the resulting caller.Caller in the request's context. Refusals are 401
// (UNAUTHENTICATED) and 403 (FORBIDDEN) as DESIGN.md §8 fixes them.
//
// It must not fetch from Gladly, nor know how accounts or keys are stored: a KeyStore and an
// account directory are handed to it.
package auth
