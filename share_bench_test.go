package main

import (
	"context"
	"testing"

	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// BenchmarkWarmReadCallerShare: a warm contact read (its contact and tickets in the Redis cache,
// the operation cache off so that the loaders run) through the whole server, with the per-caller
// share off and on. With the share on, an operation that makes no Gladly call reserves nothing,
// so the two should cost the same:
//
//	go test -run '^$' -bench WarmReadCallerShare -benchtime 2000x .
func BenchmarkWarmReadCallerShare(b *testing.B) {
	for _, share := range []string{"0", "5"} {
		b.Run("share="+share, func(b *testing.B) {
			fx := newRelFixture(b, 1000, 10)
			env := relEnv(fx.fake, 1000, redistest.New(b).URL)
			env["OPERATION_CACHE"] = "off"
			env["CALLER_UPSTREAM_RATE"] = share
			in := startRelInstance(b, env)
			ctx := context.Background()
			if r, err := fx.read(ctx, in, 1); err != nil || len(r.Errors) > 0 {
				b.Fatalf("first read: %v %+v", err, r.Errors)
			}
			calls := fx.fake.TotalCalls()
			b.ResetTimer()
			for range b.N {
				if r, err := fx.read(ctx, in, 1); err != nil || len(r.Errors) > 0 {
					b.Fatalf("warm read: %v %+v", err, r.Errors)
				}
			}
			b.StopTimer()
			if n := fx.fake.TotalCalls() - calls; n != 0 {
				b.Fatalf("warm reads made %d Gladly calls", n)
			}
		})
	}
}
