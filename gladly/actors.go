package gladly

// Actor types: who initiated or responded to an item, created a task, or sent a message.
const (
	ActorAgent      = "AGENT"
	ActorAPI        = "API"
	ActorAutomation = "AUTOMATION"
	ActorCustomer   = "CUSTOMER"
	ActorInternal   = "INTERNAL" // third-party email participant inside the organization's domain
	ActorExternal   = "EXTERNAL" // third-party email participant outside it
	ActorSystem     = "SYSTEM"   // Gladly itself (e.g. its AI, id "SIDEKICK_V2")
)

// Actor is the initiator or responder of an item, the creator of a task, the sender of an
// automation message or the initiator of an event.
type Actor struct {
	ID   string `json:"id,omitempty"`
	Type string `json:"type,omitempty"`
}

// Assignee is where a conversation or task is assigned: an inbox, and optionally an agent in it.
type Assignee struct {
	InboxID string `json:"inboxId"`
	AgentID string `json:"agentId,omitempty"`
}
