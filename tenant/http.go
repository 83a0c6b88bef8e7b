package tenant

import (
	"context"
	"errors"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/edge"
	"github.com/gladgraph/gladgraph/media"
)

// Middleware runs each request on the account of its caller (put there by package auth): the
// account's loaders, Gladly client and media signer go into the context. An account that does
// not exist or is disabled is 403 FORBIDDEN, as DESIGN.md §8 says; nothing is sent upstream.
func Middleware(reg *Registry, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := caller.From(r.Context())
		if c == nil || c.AccountID == "" {
			edge.WriteGraphQLError(w, r, http.StatusForbidden, "the credentials name no account", "FORBIDDEN")
			return
		}
		rt, err := reg.Get(r.Context(), c.AccountID)
		switch {
		case errors.Is(err, accounts.ErrNotFound), errors.Is(err, accounts.ErrDisabled):
			edge.WriteGraphQLError(w, r, http.StatusForbidden, "the credentials name an account that does not exist or is disabled", "FORBIDDEN")
			return
		case err != nil:
			zerolog.Ctx(r.Context()).Warn().Err(err).Str("account", c.AccountID).Msg("tenant: the account's runtime could not be built")
			w.Header().Set("Retry-After", "5")
			edge.WriteGraphQLError(w, r, http.StatusServiceUnavailable, "the account is not available; retry later", "UNAVAILABLE")
			return
		}
		next.ServeHTTP(w, r.WithContext(on(r.Context(), rt)))
	})
}

// WebhookRoute serves /webhooks/gladly/{accountId} with that account's receiver (its own
// credentials); an unknown or disabled account is 404, as if the route did not exist.
func WebhookRoute(reg *Registry) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, err := reg.Get(r.Context(), r.PathValue("accountId"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		rt.Webhooks.ServeHTTP(w, r)
	})
}

// MediaRoute serves /media/{itemId}?account=… with the account's signer and client; URLs
// without an account are the default account's (those minted before accounts existed).
func MediaRoute(reg *Registry, defaultAccount string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get(media.AccountParam)
		if id == "" {
			id = defaultAccount
		}
		rt, err := reg.Get(r.Context(), id)
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden) // the same answer as a bad signature
			return
		}
		rt.MediaHandler.ServeHTTP(w, r)
	})
}

// AuthAccounts adapts the accounts store to what authentication asks (auth.Accounts).
type AuthAccounts struct{ Store accounts.Store }

// AccountStatus answers auth's question from the store.
func (a AuthAccounts) AccountStatus(ctx context.Context, id string) (auth.AccountStatus, error) {
	st, err := a.Store.AccountStatus(ctx, id)
	switch {
	case err != nil:
		return auth.AccountMissing, err
	case !st.Exists:
		return auth.AccountMissing, nil
	case st.Disabled:
		return auth.AccountDisabled, nil
	}
	return auth.AccountActive, nil
}
