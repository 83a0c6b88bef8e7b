package eventbus

import (
	"context"
	"errors"
	"sync"
)

// Limits cap the subscriptions open at once on one replica (0 means no cap).
type Limits struct {
	// PerCaller caps the subscriptions of one caller (account and subject) on this replica.
	PerCaller int
	// PerConnection caps the subscriptions multiplexed on one WebSocket connection.
	PerConnection int
}

// ErrTooManySubscriptions refuses a subscription beyond a limit.
var ErrTooManySubscriptions = errors.New("eventbus: too many subscriptions")

// Registry counts open subscriptions per caller and per connection.
type Registry struct {
	limits Limits

	mu       sync.Mutex
	byCaller map[string]int
	byConn   map[string]int
}

// NewRegistry returns a registry enforcing limits.
func NewRegistry(limits Limits) *Registry {
	return &Registry{limits: limits, byCaller: map[string]int{}, byConn: map[string]int{}}
}

// Acquire counts one subscription of the caller on the connection ("" when the transport has
// none, e.g. SSE: one subscription per request) and returns its release, or refuses it.
func (r *Registry) Acquire(callerKey, conn string) (release func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l := r.limits.PerCaller; l > 0 && r.byCaller[callerKey] >= l {
		return nil, errors.Join(ErrTooManySubscriptions, errors.New("the caller has reached its limit of open subscriptions"))
	}
	if l := r.limits.PerConnection; l > 0 && conn != "" && r.byConn[conn] >= l {
		return nil, errors.Join(ErrTooManySubscriptions, errors.New("the connection has reached its limit of open subscriptions"))
	}
	r.byCaller[callerKey]++
	if conn != "" {
		r.byConn[conn]++
	}
	var once sync.Once
	return func() { once.Do(func() { r.release(callerKey, conn) }) }, nil
}

func (r *Registry) release(callerKey, conn string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byCaller[callerKey]--; r.byCaller[callerKey] <= 0 {
		delete(r.byCaller, callerKey)
	}
	if conn != "" {
		if r.byConn[conn]--; r.byConn[conn] <= 0 {
			delete(r.byConn, conn)
		}
	}
}

// Open returns how many subscriptions the caller has open.
func (r *Registry) Open(callerKey string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byCaller[callerKey]
}

type connKey struct{}

// WithConnection marks ctx as belonging to one transport connection (a WebSocket), whose
// subscriptions count against Limits.PerConnection.
func WithConnection(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, connKey{}, id)
}

// ConnectionFrom returns the connection id of ctx, "" when none.
func ConnectionFrom(ctx context.Context) string {
	id, _ := ctx.Value(connKey{}).(string)
	return id
}
