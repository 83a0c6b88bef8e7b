package caller

// The scopes of DESIGN.md §8. Their names are fixed: deployments, gateways and API keys rely on
// them.
const (
	ContactsRead       = "contacts:read"
	ContactsWrite      = "contacts:write"
	ContactsDelete     = "contacts:delete"
	TicketsRead        = "tickets:read"
	TicketsWrite       = "tickets:write"
	ConversationsRead  = "conversations:read"
	ConversationsWrite = "conversations:write"
	MessagesSend       = "messages:send"
	DirectoryRead      = "directory:read"
	KnowledgeRead      = "knowledge:read"
	KnowledgeWrite     = "knowledge:write"
	AdminRead          = "admin:read"
	AdminWrite         = "admin:write"
	IdentityIssue      = "identity:issue"
	AccountsAdmin      = "accounts:admin"
)

// GladlyScopes are every scope that grants access to Gladly data: what an anonymous caller of
// the demo or of AUTH_MODE=none holds, and what an API key may be issued with.
var GladlyScopes = []string{
	ContactsRead, ContactsWrite, ContactsDelete,
	TicketsRead, TicketsWrite,
	ConversationsRead, ConversationsWrite, MessagesSend,
	DirectoryRead, KnowledgeRead, KnowledgeWrite,
	AdminRead, AdminWrite, IdentityIssue,
}

// Known reports whether name is one of the scopes above (accounts:admin included).
func Known(name string) bool {
	if name == AccountsAdmin {
		return true
	}
	for _, s := range GladlyScopes {
		if s == name {
			return true
		}
	}
	return false
}
