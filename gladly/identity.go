package gladly

import (
	"context"
	"net/http"
)

// Identity types of user identity tokens.
const (
	IdentityEmail       = "EMAIL"
	IdentityMobilePhone = "MOBILE_PHONE_NUMBER"
)

type userIdentityRequest struct {
	IdentityType string `json:"identityType"`
	Identity     string `json:"identity"`
}

type userIdentityToken struct {
	Token string `json:"token"`
}

// CreateToken issues a JWT that authenticates a customer in Gladly Chat. identityType is
// IdentityEmail (identity: an email address) or IdentityMobilePhone (an E.164 number). Sent
// once, never retried: a token is cheap to ask for again.
// Gladly: POST /api/v1/user-identity-jwt (createUserIdentityJWT)
func (s *UserIdentityService) CreateToken(ctx context.Context, identityType, identity string) (string, *Response, error) {
	var out userIdentityToken
	resp, err := s.client.call(ctx, "createUserIdentityJWT", http.MethodPost, nil,
		&userIdentityRequest{IdentityType: identityType, Identity: identity}, &out, "/api/v1/user-identity-jwt")
	if err != nil {
		return "", resp, err
	}
	return out.Token, resp, nil
}
