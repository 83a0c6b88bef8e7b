package gladlytest

import (
	"bytes"
	"net/http"
	"slices"
	"testing"
)

// send makes one authenticated request to the fake and returns the status.
func send(t *testing.T, s *Server, method, path, body string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(s.Username, s.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// eventTypes returns the types of the events recorded since mark.
func (s *Server) eventTypes(mark int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.db.events[mark:] {
		out = append(out, e.Type)
	}
	return out
}

func (s *Server) eventCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.db.events)
}

// TestWorkEmitsGladlysEvents: each write records the events Gladly sends for it, in order.
func TestWorkEmitsGladlysEvents(t *testing.T) {
	t.Parallel()
	s := NewServer(t, WithoutRateLimit())
	start := s.eventCount()
	conv := "/api/v1/conversations/" + DemoOpenConversationID
	task := "/api/v1/tasks/" + DemoOpenTaskID
	for _, tc := range []struct {
		method, path, body string
		status             int
		want               []string
	}{
		{"POST", conv + "/topics", `{"topicIds":["` + DemoTopicID("Refund") + `"]}`, 204, []string{"CONVERSATION/TOPIC_ADDED"}},
		{"POST", conv + "/topics", `{"topicIds":["` + DemoTopicID("Refund") + `"]}`, 204, nil},
		{"DELETE", conv + "/topics/" + DemoTopicID("Refund"), ``, 204, []string{"CONVERSATION/TOPIC_REMOVED"}},
		{"POST", conv + "/notes", `{"body":"n"}`, 201, []string{"CONVERSATION/NOTE_CREATED"}},
		{"PATCH", conv, `{"assignee":{"inboxId":"` + DemoInboxID("Chat") + `","agentId":null}}`, 204, []string{"CONVERSATION_ASSIGNEE/UPDATED"}},
		{"PATCH", conv, `{"status":{"value":"CLOSED","force":true}}`, 204, []string{"CONVERSATION/CLOSED", "CONVERSATION_STATUS/UPDATED"}},
		{"PATCH", conv, `{"status":{"value":"CLOSED"}}`, 204, nil},
		{"PATCH", conv, `{"status":{"value":"OPEN"}}`, 204, []string{"CONVERSATION/REOPENED", "CONVERSATION_STATUS/UPDATED"}},
		{"PATCH", conv, `{"status":{"value":"CLOSED"}}`, 400, nil},
		{"POST", "/api/v1/customers/" + DemoCustomerID + "/tasks", `{"assignee":{"inboxId":"` + DemoInboxID("Email") + `"},"body":"b","dueAt":"2999-01-01T00:00:00Z"}`, 201, []string{"TASK/CREATED"}},
		{"PATCH", task, `{"body":"new","dueAt":"2999-01-02T00:00:00.000Z","assignee":{"inboxId":"` + DemoInboxID("Phone") + `"}}`, 204,
			[]string{"TASK/CONTENT_UPDATED", "TASK/DUE_DATE_UPDATED", "TASK/ASSIGNEE_UPDATED"}},
		{"POST", task + "/comments", `{"agentId":"` + DemoAgentID("Amy Agent") + `","comment":"c"}`, 201, []string{"TASK/COMMENT_ADDED"}},
		{"PATCH", task, `{"status":"CLOSED"}`, 204, []string{"TASK/CLOSED"}},
		{"PATCH", task, `{"status":"OPEN"}`, 204, []string{"TASK/REOPENED"}},
		{"POST", "/api/v1/communications/sms", `{"customer":{"mobileNumber":"+13125550188"},"from":"` + DemoSMSNumber + `","body":"hi"}`, 200, []string{"CUSTOMER_PROFILE/CREATED"}},
	} {
		mark := s.eventCount()
		if got := send(t, s, tc.method, tc.path, tc.body); got != tc.status {
			t.Fatalf("%s %s %s: %d, want %d", tc.method, tc.path, tc.body, got, tc.status)
		}
		if got := s.eventTypes(mark); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s %s: events %v, want %v", tc.method, tc.path, tc.body, got, tc.want)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.db.events[start:] {
		ids := []string{"customerId"}
		switch {
		case e.Type == "CONVERSATION/NOTE_CREATED":
			ids = append(ids, "conversationId", "noteId")
		case e.Type == "TASK/COMMENT_ADDED":
			ids = append(ids, "taskId", "commentId")
		case e.Type == "CONVERSATION/TOPIC_ADDED" || e.Type == "CONVERSATION/TOPIC_REMOVED":
			ids = append(ids, "conversationId", "topicId")
		case e.Type[:5] == "TASK/":
			ids = append(ids, "taskId")
		case e.Type[:12] == "CONVERSATION":
			ids = append(ids, "conversationId")
		}
		for _, k := range ids {
			if v, _ := e.Content[k].(string); v == "" {
				t.Errorf("%s event without %s: %v", e.Type, k, e.Content)
			}
		}
		if (e.Initiator == nil) != (e.Type == "CONVERSATION_STATUS/UPDATED") {
			t.Errorf("%s event initiator %v", e.Type, e.Initiator)
		}
	}
}
