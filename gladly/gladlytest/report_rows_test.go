package gladlytest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly"
)

// postReport asks the fake for a report and returns its parsed table.
func postReport(t *testing.T, s *Server, path, body string) ([]string, [][]string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(s.Username, s.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", path, body, resp.StatusCode, b)
	}
	if len(b) > 0 && !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Errorf("report without a byte order mark: %.40q", b)
	}
	cols, rows, err := gladly.ParseReportCSV(b)
	if err != nil {
		t.Fatal(err)
	}
	return cols, rows
}

// TestReportRowsFromData: the export reports list the store's conversations and tasks of the
// window, with their filters; the work-session report anchors contacts on when they ended.
func TestReportRowsFromData(t *testing.T) {
	t.Parallel()
	s := NewServer(t, WithoutRateLimit())
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	chat, email := DemoInboxID("Chat"), DemoInboxID("Email")
	amy := DemoAgentID("Amy Agent")
	s.mu.Lock()
	for _, c := range []*gladly.Conversation{
		{ID: "c-open", CustomerID: DemoCustomerID, InboxID: chat, AgentID: amy, Status: gladly.ConversationOpen, CreatedAt: day.Add(10 * time.Hour), TopicIDs: []string{DemoTopicID("Returns")}},
		{ID: "c-closed", CustomerID: DemoCustomerID, InboxID: email, Status: gladly.ConversationClosed, CreatedAt: day.Add(30 * time.Hour), ClosedAt: day.Add(50 * time.Hour), TopicIDs: []string{}},
		{ID: "c-before", CustomerID: DemoCustomerID, InboxID: chat, Status: gladly.ConversationClosed, CreatedAt: day.Add(-time.Hour), ClosedAt: day.Add(-time.Minute), TopicIDs: []string{}},
	} {
		s.db.work.conversations.put(c.ID, c)
	}
	s.db.work.tasks.put("t-1", &gladly.Task{ID: "t-1", CustomerID: DemoCustomerID, Timestamp: day.Add(12 * time.Hour), Status: gladly.TaskOpen,
		Assignee: &gladly.Assignee{InboxID: email, AgentID: amy}, DueAt: day.Add(72 * time.Hour)})
	s.mu.Unlock()

	cols, rows := postReport(t, s, "/api/v1/reports", `{"metricSet":"ConversationExportReport","timezone":"UTC","startAt":"2024-05-01","endAt":"2024-05-02"}`)
	if cols[1] != "Conversation ID" || len(rows) != 2 || rows[0][1] != "c-open" || rows[1][1] != "c-closed" {
		t.Fatalf("conversation export: %v %v", cols, rows)
	}
	if want := []string{"2024-05-02T06:00:00.000Z", "c-closed", DemoCustomerID, "CLOSED", "", email, "2024-05-03T02:00:00.000Z", "2024-05-03T02:00:00.000Z"}; !cmp.Equal(rows[1], want) {
		t.Errorf("closed conversation row %q, want %q", rows[1], want)
	}
	_, rows = postReport(t, s, "/api/v1/reports", `{"metricSet":"ConversationExportReport","timezone":"UTC","startAt":"2024-05-01","endAt":"2024-05-02","filters":{"inboxes":["`+email+`"]}}`)
	if len(rows) != 1 || rows[0][1] != "c-closed" {
		t.Errorf("inbox-filtered export: %v", rows)
	}
	// In Los Angeles, 1 May starts at 07:00 UTC: the 06:00 UTC conversation of 2 May falls on 1 May.
	_, rows = postReport(t, s, "/api/v1/reports", `{"metricSet":"ConversationExportReport","timezone":"America/Los_Angeles","startAt":"2024-05-02","endAt":"2024-05-02"}`)
	if len(rows) != 0 {
		t.Errorf("2 May in Los Angeles: %v, want none", rows)
	}

	_, rows = postReport(t, s, "/api/v1/reports", `{"metricSet":"TaskExportReport","startAt":"2024-05-01","endAt":"2024-05-01","timezone":"UTC"}`)
	if len(rows) != 1 || rows[0][1] != "t-1" || rows[0][4] != amy || rows[0][5] != email {
		t.Errorf("task export: %v", rows)
	}
	_, rows = postReport(t, s, "/api/v1/reports", `{"metricSet":"TaskExportReport","startAt":"2024-05-01","endAt":"2024-05-01","filters":{"teams":["`+DemoTeamID("Escalations")+`"]}}`)
	if len(rows) != 0 {
		t.Errorf("task export for a team without Amy: %v", rows)
	}

	_, rows = postReport(t, s, "/api/v1/reports", `{"metricSet":"TopicHierarchyReport","startAt":"2024-05-01","endAt":"2024-05-01","timezone":"UTC"}`)
	for _, r := range rows {
		if want := map[bool]string{true: "1", false: "0"}[r[1] == DemoTopicID("Returns")]; r[4] != want {
			t.Errorf("topic %s (%s): %s conversations, want %s", r[2], r[1], r[4], want)
		}
	}

	_, rows = postReport(t, s, "/api/v1/reports", `{"metricSet":"ContactSummaryCountsReport","startAt":"2024-05-01","endAt":"2024-05-02","timezone":"UTC","filters":{"channel":"chat"}}`)
	if len(rows) != 2 || rows[0][2] != "1" || rows[0][3] != "1" || rows[1][2] != "0" {
		t.Errorf("chat contacts per day: %v", rows)
	}

	// Work sessions: the closed conversation is anchored on its close (3 May 02:00), the open
	// one on its creation.
	cols, rows = postReport(t, s, "/api/v1/reports/work-session-events", `{"startAtTime":"2024-05-03T00:00Z","endAtTime":"2024-05-03T03:00Z"}`)
	if len(cols) != 19 || len(rows) != 1 || rows[0][4] != "c-closed" || rows[0][13] != "UNANSWERED" {
		t.Errorf("work sessions of 3 May: %v %v", cols, rows)
	}
	_, rows = postReport(t, s, "/api/v1/reports/work-session-events", `{"startAtTime":"2024-05-01T09:59Z","endAtTime":"2024-05-01T10:00-00:00"}`)
	if len(rows) != 1 || rows[0][4] != "c-open" || rows[0][10] != amy || rows[0][13] != "ANSWERED" {
		t.Errorf("work sessions ending at the minute of the open conversation (inclusive): %v", rows)
	}
	_, rows = postReport(t, s, "/api/v1/reports/work-session-events", `{"startAtTime":"2024-06-01T00:00Z","endAtTime":"2024-06-02T00:00Z"}`)
	if rows != nil {
		t.Errorf("empty window: %v, want an empty report", rows)
	}
}
