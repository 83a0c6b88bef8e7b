// Package mcptest holds what tests of the MCP tools share: arguments that make every read tool
// answer from the fake Gladly's demo fixture (e2e/lib/mcp.js mirrors them for the e2e suite), and
// the GraphQL handler the tools run through.
package mcptest

import (
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// DemoArguments are arguments for every read-only tool that resolve against the demo fixture
// (Ada Lovelace's contact, conversation, tickets, …). A new read tool needs an entry here and in
// e2e/lib/mcp.js: the tests and the e2e call every listed read tool and fail on one they have no
// arguments for.
func DemoArguments(now time.Time) map[string]map[string]any {
	ada := gladlytest.DemoCustomerID
	conv := gladlytest.DemoOpenConversationID
	return map[string]map[string]any{
		"get_contact_360":            {"id": ada},
		"get_contact":                {"id": ada},
		"find_contacts":              {"email": gladlytest.DemoCustomerEmail},
		"list_contact_tickets":       {"contactId": ada, "status": "OPEN"},
		"get_ticket":                 {"id": gladlytest.DemoOpenTaskID},
		"get_ticket_comment":         {"ticketId": gladlytest.DemoOpenTaskID, "id": DemoCommentID(gladlytest.DemoOpenTaskID, 0)},
		"list_contact_conversations": {"contactId": ada},
		"get_conversation":           {"id": conv},
		"get_conversation_timeline":  {"id": conv},
		"get_conversation_item":      {"id": gladlytest.DemoPhoneCallItemID},
		"get_conversation_note":      {"conversationId": conv, "id": gladlytest.DemoNoteItemID},
		"list_users":                 {},
		"get_user":                   {"id": gladlytest.DemoAgentID("Amy Agent")},
		"get_call_recording":         {"userId": gladlytest.DemoAgentID("Amy Agent")},
		"list_groups":                {},
		"get_group":                  {"id": gladlytest.DemoTeamID("Billing")},
		"list_inboxes":               {"disabled": false},
		"get_inbox":                  {"id": gladlytest.DemoInboxID("Chat")},
		"get_organization":           {},
		"list_topics":                {},
		"get_topic":                  {"id": gladlytest.DemoTopicID("Returns")},
		"get_answer":                 {"id": gladlytest.DemoAnswerID("How to reset your password")},
		"list_audiences":             {},
		"list_public_answers":        {},
		"get_public_answer":          {"id": gladlytest.DemoAnswerID("How to reset your password")},
		"search_public_answers":      {"query": "password"},
		"get_custom_attribute":       {"id": gladlytest.DemoCustomAttributeID("orderId")},
		"list_webhooks":              {},
		"get_webhook":                {"id": gladlytest.DemoWebhookID},
		"list_events":                {"startAt": now.Add(-23 * time.Hour).UTC().Format(time.RFC3339), "entities": []any{"CONVERSATION", "TASK"}},
		"list_export_schedules":      {},
		"list_export_jobs":           {},
		"get_export_job":             {"id": gladlytest.DemoExportJobID},
		"list_automation_messages":   {"sessionId": gladlytest.DemoAutomationSessionID},
		"get_automation_message":     {"sessionId": gladlytest.DemoAutomationSessionID, "id": gladlytest.DemoAutomationMessageID(0)},
		"create_report": {"input": map[string]any{"metricSet": "ContactSummaryReport",
			"startAt": now.AddDate(0, 0, -7).Format(time.DateOnly), "endAt": now.AddDate(0, 0, -1).Format(time.DateOnly)}},
		"search_schema": {"query": "transcript"},
	}
}

// DemoCommentID is the fixture id of the n-th comment (from 0) of a demo task, as the fake
// derives it.
func DemoCommentID(taskID string, n int) string {
	sum := sha256.Sum256([]byte("gladlytest/comment/" + taskID + "/" + string(rune('a'+n))))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
