package model

import (
	"encoding/json"

	"github.com/gladgraph/gladgraph/gladly"
)

// The directory connections.
type (
	UserConnection  = Connection[*User]
	UserEdge        = Edge[*User]
	GroupConnection = Connection[*Group]
	GroupEdge       = Edge[*Group]
	InboxConnection = Connection[*Inbox]
	InboxEdge       = Edge[*Inbox]
)

// User is a Gladly agent as the unified User.
type User struct{ *gladly.Agent }

// NewUser wraps an agent (nil stays nil).
func NewUser(a *gladly.Agent) *User {
	if a == nil {
		return nil
	}
	return &User{a}
}

// NewUsers wraps agents.
func NewUsers(as []*gladly.Agent) []*User { return wrapAll(as, NewUser) }

func (u *User) Email() string               { return u.EmailAddress }
func (u *User) RemoteData() json.RawMessage { return rawOrEncoded(u.Raw, u.Agent) }

// Group is a Gladly team as the unified Group.
type Group struct{ *gladly.Team }

// NewGroup wraps a team (nil stays nil).
func NewGroup(t *gladly.Team) *Group {
	if t == nil {
		return nil
	}
	return &Group{t}
}

// NewGroups wraps teams.
func NewGroups(ts []*gladly.Team) []*Group { return wrapAll(ts, NewGroup) }

func (g *Group) Description() *string        { return optional(g.Team.Description) }
func (g *Group) RemoteData() json.RawMessage { return rawOrEncoded(g.Raw, g.Team) }

// Organization is the Gladly organization; settings Gladly leaves out read as null.
type Organization struct{ *gladly.Organization }

// NewOrganization wraps the organization (nil stays nil).
func NewOrganization(o *gladly.Organization) *Organization {
	if o == nil {
		return nil
	}
	return &Organization{o}
}

func (o *Organization) LoginDomain() *string { return optional(o.Organization.LoginDomain) }
func (o *Organization) Timezone() *string    { return optional(o.Organization.Timezone) }
func (o *Organization) GladlyURL() *string   { return optional(o.Organization.GladlyURL) }

// Assignee is where a conversation or ticket is assigned; its inbox and user are joins.
type Assignee struct {
	InboxID string
	UserID  string
}

// NewAssignee maps Gladly's assignee (nil stays nil).
func NewAssignee(a *gladly.Assignee) *Assignee {
	if a == nil {
		return nil
	}
	return &Assignee{InboxID: a.InboxID, UserID: a.AgentID}
}

// CallRecording is an agent's call recorder; its user, contact and item are joins.
type CallRecording struct{ *gladly.CallRecorder }

// NewCallRecording wraps a call recorder (nil stays nil).
func NewCallRecording(c *gladly.CallRecorder) *CallRecording {
	if c == nil {
		return nil
	}
	return &CallRecording{c}
}

// OnCall reports whether the agent is on a call (Gladly names the call only then).
func (c *CallRecording) OnCall() bool { return c.ConversationItemID != "" || c.CustomerID != "" }

// Actor is the initiator or responder of an item, the creator of a ticket, the sender of a
// message; its user or contact is a join by type.
type Actor struct{ gladly.Actor }

// NewActor maps Gladly's actor (nil stays nil).
func NewActor(a *gladly.Actor) *Actor {
	if a == nil {
		return nil
	}
	return &Actor{*a}
}

func (a *Actor) ID() *string { return optional(a.Actor.ID) }

// ActorType is Gladly's type; an unknown one is reported as SYSTEM.
func (a *Actor) ActorType() ActorType {
	if t := ActorType(a.Type); t.IsValid() {
		return t
	}
	return ActorTypeSystem
}
