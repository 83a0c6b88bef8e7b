package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestBreakerHookCountsOpenCircuits(t *testing.T) {
	t.Parallel()
	m := New()
	a, closeA := m.BreakerHook()
	b, closeB := m.BreakerHook()
	a(false)
	a(false) // the same circuit reported open twice counts once
	b(false)
	if got := testutil.ToFloat64(m.more.breakerOpen); got != 2 {
		t.Errorf("open circuits = %v, want 2", got)
	}
	a(true)
	closeB() // an account dropped while its circuit is open
	if got := testutil.ToFloat64(m.more.breakerOpen); got != 0 {
		t.Errorf("open circuits = %v, want 0", got)
	}
	closeA()
	if got := testutil.ToFloat64(m.more.breakerOpens); got != 2 {
		t.Errorf("opens = %v, want 2", got)
	}
}

// blockLimiter holds every Wait until release is closed.
type blockLimiter struct{ release chan struct{} }

func (l blockLimiter) Wait(context.Context) (func(), error) { <-l.release; return func() {}, nil }
func (blockLimiter) Pause(time.Time)                        {}

func TestLimiterQueue(t *testing.T) {
	t.Parallel()
	m := New()
	bl := blockLimiter{release: make(chan struct{})}
	l := m.Limiter(bl)
	done := make(chan struct{})
	for range 3 {
		go func() {
			_, _ = l.Wait(context.Background())
			done <- struct{}{}
		}()
	}
	for testutil.ToFloat64(m.more.limiterQueue) != 3 {
		time.Sleep(time.Millisecond) // until the three wait; the test's own timeout is the bound
	}
	close(bl.release)
	for range 3 {
		<-done
	}
	if got := testutil.ToFloat64(m.more.limiterQueue); got != 0 {
		t.Errorf("queue after the waits = %v, want 0", got)
	}
}
