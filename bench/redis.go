package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// openRedis connects to url, or starts a throwaway redis-server on a loopback port when url is
// empty. It returns the client, the server's version and a function that releases both.
func openRedis(ctx context.Context, url string) (*redis.Client, string, func(), error) {
	stop := func() {}
	if url == "" {
		dir, err := os.MkdirTemp("", "gladgraph-bench-redis")
		if err != nil {
			return nil, "", nil, err
		}
		var kill func()
		url, kill, err = redistest.Launch(ctx, dir)
		if err != nil {
			os.RemoveAll(dir)
			return nil, "", nil, fmt.Errorf("REDIS_URL is not set and no redis-server could be started: %w", err)
		}
		stop = func() { kill(); os.RemoveAll(dir) }
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		stop()
		return nil, "", nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	loaders.TuneRedisOptions(opts, 100) // as the server should: see the report's wiring
	rdb := redis.NewClient(opts)
	release := func() { _ = rdb.Close(); stop() }
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := rdb.Ping(ctx).Err()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			release()
			return nil, "", nil, fmt.Errorf("redis at %s does not answer: %w", opts.Addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	version := "unknown"
	if info, err := rdb.Info(ctx, "server").Result(); err == nil {
		for _, line := range strings.Split(info, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
				version = v
			}
		}
	}
	return rdb, version, release, nil
}

// deleteKeys removes the run's keys from a shared Redis.
func deleteKeys(rdb *redis.Client, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var batch []string
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == 1000 {
			rdb.Unlink(ctx, batch...)
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		rdb.Unlink(ctx, batch...)
	}
}
