package auth

import "net/http"

// Error codes of DESIGN.md §8; deployments and gateways match on them.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	// CodeUnavailable is answered when credentials cannot be checked at all (the JWKS never
	// loaded, the account directory failed): a 401 would tell a client with good credentials to
	// throw them away.
	CodeUnavailable = "UNAVAILABLE"
)

// Error is a refused authentication. Message is safe to show the client: it never holds the
// token, the key or any part of them.
type Error struct {
	// Status is 401, 403 or 503.
	Status int
	// Code is CodeUnauthenticated, CodeForbidden or CodeUnavailable.
	Code    string
	Message string
	// credentialsGiven is true when the request carried credentials, so a 401 says
	// error="invalid_token" (RFC 6750 §3.1) rather than only asking for them.
	credentialsGiven bool
}

func (e *Error) Error() string { return "auth: " + e.Code + ": " + e.Message }

// unauthenticated is a 401 for credentials that were given and are not good.
func unauthenticated(msg string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeUnauthenticated, Message: msg, credentialsGiven: true}
}

// forbidden is a 403: the credentials are good, the account they name may not be used.
func forbidden(msg string) *Error {
	return &Error{Status: http.StatusForbidden, Code: CodeForbidden, Message: msg, credentialsGiven: true}
}

// unavailable is a 503: the credentials could not be checked.
func unavailable(msg string) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: msg, credentialsGiven: true}
}

// errNoCredentials answers a request without an Authorization header where one is required.
var errNoCredentials = &Error{
	Status:  http.StatusUnauthorized,
	Code:    CodeUnauthenticated,
	Message: "this endpoint needs an Authorization: Bearer header carrying a JWT or a gladgraph API key",
}
