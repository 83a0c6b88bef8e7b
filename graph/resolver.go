package graph

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
)

// Config is what the resolvers need.
type Config struct {
	Gladly *gladly.Client
	// Media signs the URLs ConversationItem.media.url hands out (nil: no media URLs).
	Media *media.Signer
	Log   zerolog.Logger
	// Now is the clock for validation of dates (default time.Now).
	Now func() time.Time
	// Access enforces the schema's @requiresScopes for the caller in each request's context
	// (see NewAccess); nil enforces nothing (tests of the resolvers alone).
	Access *Access
	// Events serves the Subscription fields (see WithEvents); nil refuses them.
	Events EventSource
}

// NewResolver returns the root resolver.
func NewResolver(cfg Config) *Resolver {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Resolver{Gladly: cfg.Gladly, Media: cfg.Media, Log: cfg.Log, access: cfg.Access, now: now, events: cfg.Events}
}

// Resolver holds what every resolver needs. Per-request state (the loaders) comes from the
// request's context: loaders.For(ctx).
type Resolver struct {
	Gladly *gladly.Client
	Media  *media.Signer
	Log    zerolog.Logger
	// access enforces @requiresScopes; nil (tests of the resolvers alone) allows everything.
	access *Access
	now    func() time.Time
	events EventSource // see WithEvents
}

// gladly is the client of the request's account: the one its loaders read through (see
// loaders.Factory), so writes and reads of one request go to the same Gladly organization.
// r.Gladly serves callers that run without per-account loaders (tests of the resolvers).
func (r *Resolver) gladly(ctx context.Context) *gladly.Client {
	if l := loaders.For(ctx); l != nil {
		if c := l.Client(); c != nil {
			return c
		}
	}
	return r.Gladly
}

// media is the signer of the request's account (media.WithSigner), else r.Media.
func (r *Resolver) media(ctx context.Context) *media.Signer {
	if s := media.SignerFrom(ctx); s != nil {
		return s
	}
	return r.Media
}
