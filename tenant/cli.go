package tenant

import (
	"context"
	"fmt"
	"io"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/config"
)

// RunAccountsCLI runs `gladgraph accounts …` and `gladgraph api-keys …`. With REDIS_URL set, an
// unlink also purges the account's shared cache entries (the servers drop its runtime when the
// database reports the deletion); a failed purge is reported, not fatal: the account is gone and
// its entries expire with their TTLs.
func RunAccountsCLI(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := &accounts.CLI{Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	if raw := getenv("REDIS_URL"); raw != "" {
		rdb, err := config.RedisClientFromURL(raw)
		if err != nil {
			return fmt.Errorf("REDIS_URL: %w", err)
		}
		defer func() { _ = rdb.Close() }()
		c.OnUnlink = func(ctx context.Context, a accounts.Account) {
			if err := PurgeCache(ctx, rdb, a); err != nil {
				fmt.Fprintf(stderr, "gladgraph: %v (its entries expire with their TTLs)\n", err)
			}
		}
	}
	return c.Run(ctx, args)
}
