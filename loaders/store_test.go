package loaders

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// One batch fetches its misses at once, with the shared cache and without (the benchmark's
// naive and batched modes): every fetch here waits until all of them have started, which only
// happens when none waits for another.
func TestBatchFetchesItsMissesAtOnce(t *testing.T) {
	t.Parallel()
	const n = 40 // more than any small constant bound
	for _, tc := range []struct {
		name string
		opts []StoreOption
	}{{"cached", nil}, {"without cache", []StoreOption{WithoutCache()}}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := NewStore(NewMemoryCache(1<<20), tc.opts...)
			var started sync.WaitGroup
			started.Add(n)
			all := make(chan struct{})
			go func() { started.Wait(); close(all) }()
			keys := make([]string, n)
			for i := range keys {
				keys[i] = key(KindCustomer, string(rune('a'+i)))
			}
			ctx, _ := WithStats(t.Context())
			giveUp, cancel := context.WithTimeout(t.Context(), 10*time.Second) // one deadline for all
			defer cancel()
			_, errs := st.getMany(ctx, ClassProfile, keys, func(ctx context.Context, k string) (fetched, error) {
				started.Done()
				select {
				case <-all:
					return fetched{Body: []byte(`{}`)}, nil
				case <-giveUp.Done():
					return fetched{}, errors.New("fetches of one batch ran one after another")
				}
			})
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
