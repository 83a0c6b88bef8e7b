package gladly_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["automation"] = contractAutomation }

func contractAutomation(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()
	id := gladlytest.DemoAutomationSessionID

	sess, _, err := cl.Automation.GetSession(ctx, id)
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	want := &gladly.AutomationSession{ID: id, CompanyAddress: "chat.babbage.example.com", ConversationID: gladlytest.DemoOpenConversationID,
		CustomerAddress: gladlytest.DemoCustomerEmail, CustomerID: gladlytest.DemoCustomerID, EndpointType: "CHAT",
		Target: &gladly.AutomationTarget{TargetType: "AUTOMATION"}}
	if diff := cmp.Diff(want, sess, cmpopts.IgnoreFields(gladly.AutomationSession{}, "CreatedAt", "UpdatedAt")); diff != "" {
		t.Errorf("session (-want +got):\n%s", diff)
	}

	msgs, _, err := cl.Automation.ListMessages(ctx, id)
	if err != nil {
		t.Fatalf("messages: %v", err)
	}
	var types, from []string
	for i, m := range msgs {
		types = append(types, m.Type)
		from = append(from, m.From.Type)
		if m.SessionID != id || m.ID != gladlytest.DemoAutomationMessageID(i) || len(m.ID) != 24 || m.Context["IsAuthenticated"] != "true" {
			t.Errorf("message %d: %+v", i, m)
		}
		if i > 0 && m.CreatedAt.Before(msgs[i-1].CreatedAt) {
			t.Errorf("message %d is older than message %d", i, i-1)
		}
	}
	if want := []string{"TEXT", "MENU", "TEXT", "TEXT", "HTML"}; !cmp.Equal(types, want) {
		t.Errorf("message types %v, want %v", types, want)
	}
	if want := []string{"CUSTOMER", "AUTOMATION", "CUSTOMER", "AUTOMATION", "AUTOMATION"}; !cmp.Equal(from, want) {
		t.Errorf("senders %v, want %v", from, want)
	}

	menu, _, err := cl.Automation.GetMessage(ctx, id, gladlytest.DemoAutomationMessageID(1))
	if err != nil {
		t.Fatalf("message: %v", err)
	}
	if menu.Content.Prompt != "What can we help you with?" || len(menu.Content.MenuItems) != 3 || menu.Content.Value != "" {
		t.Errorf("menu message content %+v", menu.Content)
	}
	text, _, err := cl.Automation.GetMessage(ctx, id, gladlytest.DemoAutomationMessageID(0))
	if err != nil || text.Content.Value == "" || text.Content.MenuItems != nil {
		t.Errorf("text message %+v, %v", text, err)
	}

	for name, err := range map[string]error{
		"session":  func() error { _, _, err := cl.Automation.GetSession(ctx, "no-such-session"); return err }(),
		"messages": func() error { _, _, err := cl.Automation.ListMessages(ctx, "no-such-session"); return err }(),
		"message":  func() error { _, _, err := cl.Automation.GetMessage(ctx, id, "626c058b82388c00f4770ede"); return err }(),
		"message, session": func() error {
			_, _, err := cl.Automation.GetMessage(ctx, "no-such-session", gladlytest.DemoAutomationMessageID(0))
			return err
		}(),
	} {
		t.Run(name, func(t *testing.T) { assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist) })
	}
}
