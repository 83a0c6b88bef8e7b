package eventbus_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/eventbus"
	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders/redistest"
)

// BenchmarkFanOutTwoReplicas: 1,000 subscribers, half on each of two buses sharing one Redis
// (two replicas); each event is published on replica A and timed from Publish to each
// subscriber's receipt. Reports p50/p99 of that latency over every delivery, and the heap per
// idle subscription.
//
//	go test -run '^$' -bench FanOut -benchtime 200x ./eventbus/
func BenchmarkFanOutTwoReplicas(b *testing.B) {
	const subscribers = 1000
	r := redistest.New(b)
	prefix := r.Key("bench") + ":"
	opts := eventbus.Options{ReadBlock: time.Second} // default queue of 64
	busA := eventbus.New(eventbus.NewRedisLog(r.Client(b), prefix, 10_000, time.Hour), opts)
	busB := eventbus.New(eventbus.NewRedisLog(r.Client(b), prefix, 10_000, time.Hour), opts)
	defer busA.Close()
	defer busB.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var sent sync.Map // event id → publish time
	var mu sync.Mutex
	latencies := make([]time.Duration, 0, subscribers*b.N)
	var wg sync.WaitGroup // one Done per delivery

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	subs := make([]*eventbus.Subscription, 0, subscribers)
	for i := range subscribers {
		bus := busA
		if i%2 == 1 {
			bus = busB
		}
		s, err := bus.Subscribe(ctx, "acme", "", eventbus.Filter{})
		if err != nil {
			b.Fatal(err)
		}
		subs = append(subs, s)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perSub := float64(after.HeapInuse+after.StackInuse-before.HeapInuse-before.StackInuse) / subscribers

	for _, s := range subs {
		go func() {
			for d := range s.C {
				at := time.Now()
				t0, _ := sent.Load(d.Event.ID)
				mu.Lock()
				latencies = append(latencies, at.Sub(t0.(time.Time)))
				mu.Unlock()
				wg.Done()
			}
		}()
	}
	b.ResetTimer()
	for i := range b.N {
		ev := &gladly.Event{ID: fmt.Sprintf("bench-%d", i), Type: "CONVERSATION/CLOSED", Timestamp: time.Now().UTC(),
			Content: []byte(`{"customerId":"c","conversationId":"v"}`)}
		wg.Add(subscribers)
		sent.Store(ev.ID, time.Now())
		if _, err := busA.Publish(ctx, "acme", ev); err != nil {
			b.Fatal(err)
		}
		wg.Wait()
	}
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(perSub, "bytes/idle-sub")
	b.ReportMetric(float64(len(latencies))/float64(b.N), "deliveries/event")
}
