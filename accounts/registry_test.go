package accounts

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/accounts/pgtest"
)

// rt is a runtime that records the token it was built with and reports its Close.
type rt struct {
	token  string
	closed chan string
}

func (r *rt) Close() { r.closed <- r.token }

func TestRegistrySingleBuildAndDrop(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			s := st.open(t)
			if _, err := s.Create(ctx, sampleAccount("a")); err != nil {
				t.Fatal(err)
			}
			var builds atomic.Int32
			gate := make(chan struct{})
			closed := make(chan string, 16)
			reg := NewRegistry(s, func(ctx context.Context, a Account) (*rt, error) {
				builds.Add(1)
				<-gate
				return &rt{token: a.APIToken, closed: closed}, nil
			})
			t.Cleanup(reg.Close)

			var wg sync.WaitGroup
			got := make([]*rt, 32)
			for i := range got {
				wg.Go(func() {
					r, err := reg.Get(ctx, "a")
					if err != nil {
						t.Error(err)
					}
					got[i] = r
				})
			}
			time.Sleep(20 * time.Millisecond) // let the callers pile up on the build
			close(gate)
			wg.Wait()
			if n := builds.Load(); n != 1 {
				t.Fatalf("%d builds for concurrent first uses, want 1", n)
			}
			for _, r := range got {
				if r != got[0] {
					t.Fatal("callers got different runtimes")
				}
			}

			tok := "rotated-token"
			if _, err := s.Update(ctx, "a", Update{APIToken: &tok}); err != nil {
				t.Fatal(err)
			}
			if old := <-closed; old != sampleAccount("a").APIToken {
				t.Fatalf("closed the runtime of %q", old)
			}
			r, err := reg.Get(ctx, "a")
			if err != nil || r.token != tok {
				t.Fatalf("after the change: %v, %v", r, err)
			}

			if err := s.Delete(ctx, "a"); err != nil {
				t.Fatal(err)
			}
			<-closed
			if _, err := reg.Get(ctx, "a"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get after unlink: %v", err)
			}
		})
	}
}

func TestRegistryRefusesAndRetries(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, _ := NewMemoryStore(sampleAccount("a"), sampleAccount("off"))
	off := true
	if _, err := s.Update(ctx, "off", Update{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	fail := atomic.Bool{}
	fail.Store(true)
	reg := NewRegistry(s, func(ctx context.Context, a Account) (*rt, error) {
		if fail.Load() {
			return nil, errors.New("boom")
		}
		return &rt{closed: make(chan string, 1)}, nil
	})
	defer reg.Close()
	if _, err := reg.Get(ctx, "off"); !errors.Is(err, ErrDisabled) {
		t.Fatalf("disabled account: %v", err)
	}
	if _, err := reg.Get(ctx, "a"); err == nil {
		t.Fatal("a failed build succeeded")
	}
	fail.Store(false)
	if _, err := reg.Get(ctx, "a"); err != nil {
		t.Fatalf("a failed build was kept: %v", err)
	}
}

// TestRegistryFollowsOtherReplicas: a token rotated through one replica drops the runtime a
// registry on another replica built.
func TestRegistryFollowsOtherReplicas(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := pgtest.NewDatabase(t)
	kr := mustKeyring(t, keyString(t, "k1"))
	a, b := openPG(t, db, kr), openPG(t, db, kr)
	if _, err := a.Create(ctx, sampleAccount("x")); err != nil {
		t.Fatal(err)
	}
	closed := make(chan string, 4)
	reg := NewRegistry(b, func(ctx context.Context, acc Account) (*rt, error) {
		return &rt{token: acc.APIToken, closed: closed}, nil
	})
	defer reg.Close()
	if _, err := reg.Get(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	tok := "rotated-elsewhere"
	if _, err := a.Update(ctx, "x", Update{APIToken: &tok}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-time.After(30 * time.Second): // a hang guard
		t.Fatal("the other replica's runtime was never dropped")
	}
	if r, err := reg.Get(ctx, "x"); err != nil || r.token != tok {
		t.Fatalf("rebuilt runtime: %v, %v", r, err)
	}
}
