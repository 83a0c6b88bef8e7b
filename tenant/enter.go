package tenant

import (
	"context"
	"errors"
	"fmt"

	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
)

// ErrNoAccount is Enter's answer for a caller that names no account.
var ErrNoAccount = errors.New("tenant: the credentials name no account")

// Enter returns ctx on the account of its caller (caller.From): what Middleware gives each HTTP
// request, for work that arrives another way (`gladgraph mcp` over stdio: one Enter per tool
// call, so that loaders never outlive a call and an account disabled or changed meanwhile is
// seen). Errors: ErrNoAccount; accounts.ErrNotFound or accounts.ErrDisabled, wrapped; or the
// failure to build the account's runtime.
func Enter(ctx context.Context, reg *Registry) (context.Context, error) {
	c := caller.From(ctx)
	if c == nil || c.AccountID == "" {
		return ctx, ErrNoAccount
	}
	rt, err := reg.Get(ctx, c.AccountID)
	if err != nil {
		return ctx, fmt.Errorf("account %s: %w", c.AccountID, err)
	}
	return on(ctx, rt), nil
}

// on returns ctx running on rt: the runtime, a fresh set of its loaders, its media signer.
func on(ctx context.Context, rt *Runtime) context.Context {
	ctx = rt.Loaders.WithLoaders(With(ctx, rt))
	ctx = loaders.WithCallerLimiter(ctx, rt.Callers)
	return media.WithSigner(ctx, rt.Media)
}
