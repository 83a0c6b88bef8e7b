package loaders

import (
	"context"
	"strings"

	"github.com/vikstrous/dataloadgen"

	"github.com/gladgraph/gladgraph/gladly"
)

// collection is an organization-wide list, loaded once per request through the cache.
type collection = memo[any]

// listOnce loads the whole list of kind once per request (every time in naive mode).
func listOnce[T any](ctx context.Context, l *Loaders, m *collection, kind Kind, class Class, call func(context.Context) ([]T, *gladly.Response, error)) (*List[T], error) {
	get := m.get
	if l.naive { // the N+1 baseline remembers nothing within a request either
		get = func(f func() (any, error)) (any, error) { return f() }
	}
	v, err := get(func() (any, error) {
		src := source[string, *List[T]]{class: class, key: func(string) string { return key(kind) },
			fetch: listOf(func(ctx context.Context, _ string) ([]T, *gladly.Response, error) { return call(ctx) })}
		vals, _, errs := loadThrough(ctx, l.store, src, []string{""})
		if errs[0] != nil {
			return nil, errs[0]
		}
		if vals[0] == nil {
			return &List[T]{Items: []T{}}, nil
		}
		return vals[0], nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*List[T]), nil
}

// AllUsers returns every agent of the organization.
func (l *Loaders) AllUsers(ctx context.Context) (*List[*gladly.Agent], error) {
	return listOnce(ctx, l, &l.agents, kindAgents, ClassDirectory, l.client.Agents.List)
}

// AllGroups returns every team of the organization.
func (l *Loaders) AllGroups(ctx context.Context) (*List[*gladly.Team], error) {
	return listOnce(ctx, l, &l.teams, kindTeams, ClassDirectory, l.client.Teams.List)
}

// AllInboxes returns every inbox of the organization.
func (l *Loaders) AllInboxes(ctx context.Context) (*List[*gladly.Inbox], error) {
	return listOnce(ctx, l, &l.inboxes, kindInboxes, ClassDirectory, l.client.Inboxes.List)
}

// AllTopics returns every topic of the organization, disabled ones included.
func (l *Loaders) AllTopics(ctx context.Context) (*List[*gladly.Topic], error) {
	return listOnce(ctx, l, &l.topics, kindTopics, ClassDirectory, l.client.Topics.List)
}

// AllAudiences returns every audience of the organization.
func (l *Loaders) AllAudiences(ctx context.Context) (*List[*gladly.Audience], error) {
	return listOnce(ctx, l, &l.audiences, kindAudiences, ClassDirectory, l.client.Audiences.List)
}

// AllWebhooks returns every webhook of the organization.
func (l *Loaders) AllWebhooks(ctx context.Context) (*List[*gladly.Webhook], error) {
	return listOnce(ctx, l, &l.webhooks, kindWebhooks, ClassAdmin, l.client.Webhooks.List)
}

// GroupsOf returns the teams an agent belongs to, in the organization's order.
func (l *Loaders) GroupsOf(ctx context.Context, agentID string) ([]*gladly.Team, error) {
	all, err := l.AllGroups(ctx)
	if err != nil {
		return nil, err
	}
	var out []*gladly.Team
	for _, t := range all.Items {
		for _, a := range t.AgentIDs {
			if a == agentID {
				out = append(out, t)
				break
			}
		}
	}
	return out, nil
}

// byIDFromList returns a loader answering ids from an organization-wide list; an id the list lacks
// (a cached list older than the object) is fetched on its own through one (when given).
func byIDFromList[T any](l *Loaders, m *collection, all func(context.Context) (*List[T], error), id func(T) string, one source[string, T]) *dataloadgen.Loader[string, T] {
	ld := dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]T, []error) {
		if l.naive && one.fetch != nil {
			vals, _, errs := loadThrough(ctx, l.store, one, ids)
			return vals, errs
		}
		vals := make([]T, len(ids))
		errs := make([]error, len(ids))
		list, err := all(ctx)
		if err != nil {
			for i := range errs {
				errs[i] = err
			}
			return vals, errs
		}
		index := make(map[string]T, len(list.Items))
		for _, it := range list.Items {
			index[id(it)] = it
		}
		var missing []string
		var at []int
		for i, k := range ids {
			if v, ok := index[k]; ok {
				vals[i] = v
			} else if one.fetch != nil {
				missing = append(missing, k)
				at = append(at, i)
			}
		}
		if len(missing) > 0 {
			mv, _, me := loadThrough(ctx, l.store, one, missing)
			for j, i := range at {
				vals[i], errs[i] = mv[j], me[j]
			}
		}
		return vals, errs
	}, l.opts...)
	l.clearers = append(l.clearers, ld.ClearAll)
	return ld
}

func (l *Loaders) initDirectory() {
	c := l.client
	agentID := func(a *gladly.Agent) string { return a.ID }
	l.Users = byIDFromList(l, &l.agents, l.AllUsers, agentID,
		source[string, *gladly.Agent]{class: ClassDirectory, key: func(id string) string { return key(KindAgent, id) }, fetch: c.Agents.Get})
	// By email: Gladly has no agent lookup by email, so the list is the only source.
	l.UsersByEmail = byIDFromList(l, &l.agents, l.AllUsers, func(a *gladly.Agent) string { return strings.ToLower(a.EmailAddress) },
		source[string, *gladly.Agent]{})
	l.Groups = byIDFromList(l, &l.teams, l.AllGroups, func(t *gladly.Team) string { return t.ID },
		source[string, *gladly.Team]{class: ClassDirectory, key: func(id string) string { return key(KindTeam, id) }, fetch: c.Teams.Get})
	l.Inboxes = byIDFromList(l, &l.inboxes, l.AllInboxes, func(i *gladly.Inbox) string { return i.ID },
		source[string, *gladly.Inbox]{class: ClassDirectory, key: func(id string) string { return key(KindInbox, id) }, fetch: c.Inboxes.Get})
	l.Topics = byIDFromList(l, &l.topics, l.AllTopics, func(t *gladly.Topic) string { return t.ID },
		source[string, *gladly.Topic]{class: ClassDirectory, key: func(id string) string { return key(KindTopic, id) }, fetch: c.Topics.Get})
	l.Audiences = byIDFromList(l, &l.audiences, l.AllAudiences, func(a *gladly.Audience) string { return a.ID },
		source[string, *gladly.Audience]{})
}
