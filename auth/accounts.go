package auth

import "context"

// AccountStatus is what the account directory knows of an account id.
type AccountStatus int

const (
	// AccountMissing: no linked account has this id.
	AccountMissing AccountStatus = iota
	// AccountActive: the account is linked and serves requests.
	AccountActive
	// AccountDisabled: the account is linked but an operator disabled it; it serves nobody.
	AccountDisabled
)

func (s AccountStatus) String() string {
	switch s {
	case AccountActive:
		return "active"
	case AccountDisabled:
		return "disabled"
	default:
		return "missing"
	}
}

// Accounts is the account directory authentication consults: every caller, whatever its
// credentials, acts on one account, and only an active one. The accounts store implements it.
//
// AccountStatus is called on every authenticated request, so it should answer from memory (the
// store's per-replica cache, which follows changes within DESIGN.md §8's 5 s). It answers
// AccountMissing, not an error, for an unknown id; an error means the directory could not be
// asked and the request is refused with 503.
type Accounts interface {
	AccountStatus(ctx context.Context, id string) (AccountStatus, error)
}

// checkAccount turns an account's status into the 403 of DESIGN.md §8, or nil when the caller
// may act on it.
func checkAccount(ctx context.Context, accounts Accounts, id string) *Error {
	if !ValidAccountID(id) {
		return forbidden("the credentials name an account that does not exist")
	}
	st, err := accounts.AccountStatus(ctx, id)
	if err != nil {
		return unavailable("the account directory is unavailable; try again shortly")
	}
	switch st {
	case AccountActive:
		return nil
	case AccountDisabled:
		return forbidden("the account the credentials name is disabled")
	default:
		return forbidden("the credentials name an account that does not exist")
	}
}
