// Package auth decides who is calling: it verifies JWTs against a JWKS and API keys issued by
// gladgraph, and puts the resulting caller.Caller in the request's context. Refusals are 401
// (UNAUTHENTICATED) and 403 (FORBIDDEN) as DESIGN.md §8 fixes them, and 503 (UNAVAILABLE) when
// credentials could not be checked at all.
//
// It must not fetch from Gladly, nor know how accounts or keys are stored: a KeyStore and an
// account directory (Accounts) are handed to it.
//
// The pieces:
//   - Config (AUTH_MODE, AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE, AUTH_ACCOUNT_CLAIM,
//     ADMIN_API_KEY, ROUTER_SECRET) and its Validate, with named errors;
//   - Authenticator.Authenticate: an Authorization value to a caller, for any transport;
//   - Authenticator.Middleware for /graphql and /mcp, Authenticator.AdminMiddleware for /admin;
//   - RouterAuthorized for _service and _entities, FromConnectionInit for WebSockets.
//
// JWT keys are fetched once and held; a token under an unknown kid refreshes them, at most once
// every 15 s whatever the traffic, so garbage tokens cannot make gladgraph hammer the issuer.
// A token that verified is remembered until it expires, so a client holding one token pays
// the signature check once.
package auth
