package tenant

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders"
)

// NamespaceOf is the response-cache namespace of a (as Build names it), computed from the
// account alone: an unlinked account has no runtime left to ask.
func NamespaceOf(a accounts.Account) (string, error) {
	// The client is only built to spell the tenant as the runtime does; it makes no call.
	c, err := gladly.NewClient(a.GladlyBaseURL, gladly.WithBasicAuth(a.Username, a.APIToken))
	if err != nil {
		return "", fmt.Errorf("account %s: %w", a.ID, err)
	}
	return Namespace(a.ID, c), nil
}

// PurgeCache drops every entry of a's namespace in the shared Redis (SCAN + UNLINK; on a cluster,
// on every primary). One replica purging is enough: the entries are shared. Without Redis there
// is nothing shared to purge — each replica's in-process cache belongs to the account's runtime
// and goes with it when the registry drops it.
func PurgeCache(ctx context.Context, rdb redis.UniversalClient, a accounts.Account) error {
	if rdb == nil {
		return nil
	}
	ns, err := NamespaceOf(a)
	if err != nil {
		return err
	}
	if err := loaders.NewRedisCache(rdb, ns).Flush(ctx); err != nil {
		return fmt.Errorf("account %s: purge its cache: %w", a.ID, err)
	}
	return nil
}

// Unlinked is what follows an unlink on the replica that made it: the account's runtime is
// dropped here (the other replicas drop theirs when the store's Watch reports the deletion) and
// its shared cache entries are purged, so a later account of the same id and tenant never reads
// them. Failures are logged: the unlink itself has happened, and the entries expire with their TTLs.
func (l *Accounts) Unlinked(ctx context.Context, a accounts.Account) {
	l.Registry.Drop(a.ID)
	if err := PurgeCache(ctx, l.redis, a); err != nil {
		l.logger.Warn().Err(err).Str("account", a.ID).Msg("tenant: the unlinked account's cache entries could not be purged; they expire with their TTLs")
	}
}
