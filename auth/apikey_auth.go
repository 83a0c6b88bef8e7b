package auth

import (
	"context"
	"errors"
	"time"

	"github.com/gladgraph/gladgraph/caller"
)

// apiKey checks a gladgraph API key: known id, matching secret, neither revoked nor expired,
// on an active account. Its scopes never include accounts:admin (DESIGN.md §8), whatever the
// store holds.
func (a *Authenticator) apiKey(ctx context.Context, token string) (*caller.Caller, *Error) {
	if a.keys == nil {
		return nil, unauthenticated("API keys are not accepted by this deployment")
	}
	keyID, secret, ok := ParseAPIKey(token)
	if !ok {
		return nil, unauthenticated("the API key is malformed")
	}
	stored, err := a.keys.LookupAPIKey(ctx, keyID)
	if errors.Is(err, ErrKeyNotFound) {
		return nil, unauthenticated("the API key is not valid")
	}
	if err != nil {
		return nil, unavailable("API keys cannot be checked right now; try again shortly")
	}
	// The secret first: whether a key is revoked or expired is told only to its holder.
	if stored.ID != keyID || !SecretMatches(secret, stored.Hash) {
		return nil, unauthenticated("the API key is not valid")
	}
	now := a.now()
	if stored.Revoked {
		return nil, unauthenticated("the API key has been revoked")
	}
	if !stored.ExpiresAt.IsZero() && !now.Before(stored.ExpiresAt) {
		return nil, unauthenticated("the API key has expired")
	}
	if err := checkAccount(ctx, a.accounts, stored.AccountID); err != nil {
		return nil, err
	}
	a.touch(ctx, keyID, now)
	scopes := caller.NewScopes(stored.Scopes...)
	delete(scopes, caller.AccountsAdmin)
	return &caller.Caller{Kind: caller.KindAPIKey, Subject: keyID, AccountID: stored.AccountID, Scopes: scopes}, nil
}

// touch records the key's use at most once per touchInterval, on a goroutine of its own: the
// request never waits for the store's write, nor fails with it.
func (a *Authenticator) touch(ctx context.Context, keyID string, now time.Time) {
	a.touchMu.Lock()
	last, seen := a.lastTouch[keyID]
	if seen && now.Sub(last) < touchInterval {
		a.touchMu.Unlock()
		return
	}
	a.lastTouch[keyID] = now
	if len(a.lastTouch) > maxTouchEntries {
		a.pruneTouches(now)
	}
	a.touchMu.Unlock()

	ctx = context.WithoutCancel(ctx)
	a.touches.Go(func() {
		ctx, cancel := context.WithTimeout(ctx, touchTimeout)
		defer cancel()
		a.keys.TouchAPIKey(ctx, keyID, now)
	})
}

// maxTouchEntries bounds the last-touch map; entries are only made for keys whose secret
// matched, so this is the number of distinct valid keys in use within a minute.
const maxTouchEntries = 100_000

// pruneTouches drops entries older than touchInterval (they would allow a touch anyway).
// Called with touchMu held.
func (a *Authenticator) pruneTouches(now time.Time) {
	for id, t := range a.lastTouch {
		if now.Sub(t) >= touchInterval {
			delete(a.lastTouch, id)
		}
	}
}
