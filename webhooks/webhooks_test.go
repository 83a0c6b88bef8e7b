package webhooks

import (
	"context"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// invalidations records every Invalidate call (a receiver serves one delivery at a time here).
type invalidations [][]loaders.Ref

func (r *invalidations) Invalidate(_ context.Context, refs ...loaders.Ref) error {
	*r = append(*r, refs)
	return nil
}

// secretWebhookPass must appear in no answer.
const secretWebhookPass = "hook-SECRET-0002"

const taskEvent = `{"id":"ev-1","type":"TASK/CLOSED","timestamp":"2024-05-01T10:00:00Z",
	"initiator":{"id":"agent1","type":"AGENT"},
	"content":{"customerId":"cust-1","taskId":"task-1","context":{"createdAt":"2024-04-01T00:00:00Z"}}}`

func TestMemorySeenSet(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	now := time.Unix(0, 0)
	s := newMemorySeenSet(time.Hour, 3)
	s.now = func() time.Time { return now }
	mark := func(id string) bool {
		first, err := s.MarkSeen(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return first
	}
	if !mark("a") || mark("a") {
		t.Fatal("a: want first, then seen")
	}
	mark("b")
	mark("c")
	mark("d") // over the bound: a, the oldest, goes
	if !mark("a") {
		t.Error("a still remembered past the bound")
	}
	if mark("d") {
		t.Error("d forgotten too early")
	}
	now = now.Add(time.Hour)
	if !mark("d") {
		t.Error("d remembered past its TTL")
	}
	_ = s.Forget(ctx, "d")
	if !mark("d") {
		t.Error("d remembered after Forget")
	}
}

func TestRedisSeenSet(t *testing.T) {
	t.Parallel()
	rs := redistest.New(t)
	s := newRedisSeenSet(rs.Client(t), rs.Prefix+"tenant", time.Minute)
	ctx := t.Context()
	for i, want := range []bool{true, false} {
		if first, err := s.MarkSeen(ctx, "ev"); err != nil || first != want {
			t.Errorf("MarkSeen #%d = %v, %v; want %v", i+1, first, err, want)
		}
	}
	if err := s.Forget(ctx, "ev"); err != nil {
		t.Fatal(err)
	}
	if first, _ := s.MarkSeen(ctx, "ev"); !first {
		t.Error("still seen after Forget")
	}
	if ttl := rs.Client(t).TTL(ctx, s.prefix+"ev").Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("TTL = %v, want within a minute", ttl)
	}
}
