package gladlytest

import (
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// Report columns. The export reports' columns are those Gladly's files are known to carry; the
// aggregate reports stand in for Gladly's many metric sets with a few plausible measures.
var (
	conversationExportColumns = []string{"Created At", "Conversation ID", "Customer ID", "Status",
		"Assigned Agent ID - Current", "Inbox ID - Current", "First Closed At", "Last Closed At"}
	taskExportColumns = []string{"Created At", "Task ID", "Customer ID", "Status",
		"Assigned Agent ID - Current", "Inbox ID - Current", "Due At"}
	contactExportColumns = []string{"Contact ID", "Conversation ID", "Customer ID", "Channel", "Inbox ID",
		"Agent ID", "Started At", "Ended At", "Status"}
	topicHierarchyColumns = []string{"Period Start", "Topic ID", "Topic", "Parent Topic", "Conversations"}
	agentColumns          = []string{"Period Start", "Agent ID", "Agent Name", "Conversations Assigned", "Handle Time (s)", "Available Time (s)"}
	summaryColumns        = []string{"Period Start", "Channel", "Contacts Received", "Contacts Handled", "Average Wait Time (s)"}
	workSessionColumns    = []string{"id", "contact_session_id", "contact_session_created_at", "customer_id", "conversation_id",
		"inbox_id", "channel", "direction", "agent_accepted_at", "contact_session_routed_at", "agent_id", "sla_fulfilled_at",
		"contact_session_ended_at", "status", "within_sla", "work_session_handle_time_sec",
		"work_session_after_contact_time_sec", "work_session_unknown_time_sec", "accepted_inbox_id"}
)

// reportChannelOfInbox is the report channel of the demo's inboxes.
var reportChannelOfInbox = map[string]string{"Email": "email", "Chat": "chat", "Phone": "voice", "SMS": "sms", "VIP": "chat"}

// agentMetricSet reports whether a metric set has a row per agent.
func agentMetricSet(ms string) bool {
	return strings.HasPrefix(ms, "Agent") || strings.HasPrefix(ms, "WorkSession") ||
		strings.Contains(ms, "ByAgent")
}

// buildReport computes a report from the organization's data. Callers hold s.mu.
func (s *Server) buildReport(q *reportQuery) ([]string, [][]string) {
	switch q.metricSet {
	case "ConversationExportReport":
		return conversationExportColumns, s.conversationExportRows(q)
	case "TaskExportReport":
		return taskExportColumns, s.taskExportRows(q)
	case "ContactExportReport", "ContactExportReportV2", "ContactExportReportV3":
		return contactExportColumns, s.contactExportRows(q)
	case "TopicHierarchyReport":
		return topicHierarchyColumns, s.topicHierarchyRows(q)
	}
	if agentMetricSet(q.metricSet) {
		return agentColumns, s.agentRows(q)
	}
	return summaryColumns, s.summaryRows(q)
}

func (q *reportQuery) stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(q.loc).Format(eventTime)
}

// conversations returns the conversations created in the report's window that pass its inbox
// and channel filters, oldest first.
func (s *Server) reportConversations(q *reportQuery) []*gladly.Conversation {
	var out []*gladly.Conversation
	for _, c := range s.db.work.conversations.list() {
		if c.CreatedAt.Before(q.from) || !c.CreatedAt.Before(q.to) || (q.inboxes != nil && !q.inboxes[c.InboxID]) {
			continue
		}
		if q.channel != "allChannels" && s.reportChannel(c.InboxID) != q.channel {
			continue
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b *gladly.Conversation) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

func (s *Server) reportChannel(inboxID string) string {
	if in, ok := s.db.inboxes.get(inboxID); ok && reportChannelOfInbox[in.Name] != "" {
		return reportChannelOfInbox[in.Name]
	}
	return "email"
}

func (s *Server) conversationExportRows(q *reportQuery) [][]string {
	var rows [][]string
	for _, c := range s.reportConversations(q) {
		rows = append(rows, []string{q.stamp(c.CreatedAt), c.ID, c.CustomerID, c.Status, c.AgentID, c.InboxID, q.stamp(c.ClosedAt), q.stamp(c.ClosedAt)})
	}
	return rows
}

func (s *Server) contactExportRows(q *reportQuery) [][]string {
	var rows [][]string
	for _, c := range s.reportConversations(q) {
		status := "UNANSWERED"
		if c.AgentID != "" {
			status = "ANSWERED"
		}
		rows = append(rows, []string{fixtureID("contact/" + c.ID), c.ID, c.CustomerID, s.reportChannel(c.InboxID), c.InboxID,
			c.AgentID, q.stamp(c.CreatedAt), q.stamp(c.ClosedAt), status})
	}
	return rows
}

func (s *Server) taskExportRows(q *reportQuery) [][]string {
	var tasks []*gladly.Task
	for _, t := range s.db.work.tasks.list() {
		if t.Timestamp.Before(q.from) || !t.Timestamp.Before(q.to) {
			continue
		}
		var a gladly.Assignee
		if t.Assignee != nil {
			a = *t.Assignee
		}
		if (q.inboxes != nil && !q.inboxes[a.InboxID]) || (q.agents != nil && !q.agents[a.AgentID]) {
			continue
		}
		tasks = append(tasks, t)
	}
	slices.SortStableFunc(tasks, func(a, b *gladly.Task) int { return a.Timestamp.Compare(b.Timestamp) })
	var rows [][]string
	for _, t := range tasks {
		var a gladly.Assignee
		if t.Assignee != nil {
			a = *t.Assignee
		}
		rows = append(rows, []string{q.stamp(t.Timestamp), t.ID, t.CustomerID, t.Status, a.AgentID, a.InboxID, q.stamp(t.DueAt)})
	}
	return rows
}

func (s *Server) topicHierarchyRows(q *reportQuery) [][]string {
	convs := s.reportConversations(q)
	var rows [][]string
	for _, p := range q.periods() {
		for _, t := range s.db.topics.list() {
			parent := ""
			if pt, ok := s.db.topics.get(t.ParentID); ok {
				parent = pt.Name
			}
			n := 0
			for _, c := range convs {
				if p.holds(c.CreatedAt) && slices.Contains(c.TopicIDs, t.ID) {
					n++
				}
			}
			rows = append(rows, []string{p.label, t.ID, t.Name, parent, strconv.Itoa(n)})
		}
	}
	return rows
}

func (s *Server) agentRows(q *reportQuery) [][]string {
	var convs []*gladly.Conversation
	for _, c := range s.db.work.conversations.list() {
		if !c.CreatedAt.Before(q.from) && c.CreatedAt.Before(q.to) {
			convs = append(convs, c)
		}
	}
	var rows [][]string
	for _, p := range q.periods() {
		for _, a := range s.db.agents.list() {
			if a.ID == s.db.apiAgent || (q.agents != nil && !q.agents[a.ID]) {
				continue
			}
			n := 0
			for _, c := range convs {
				if c.AgentID == a.ID && p.holds(c.CreatedAt) {
					n++
				}
			}
			key := q.metricSet + "|" + p.label + "|" + a.ID
			handle := n*420 + pseudo(key+"|handle", 0, 600)
			available := int(p.end.Sub(p.start).Seconds()) * pseudo(key+"|available", 20, 60) / 100
			rows = append(rows, []string{p.label, a.ID, a.Name, strconv.Itoa(n), strconv.Itoa(handle), strconv.Itoa(available)})
		}
	}
	return rows
}

func (s *Server) summaryRows(q *reportQuery) [][]string {
	convs := s.reportConversations(q)
	var rows [][]string
	for _, p := range q.periods() {
		received, handled := 0, 0
		for _, c := range convs {
			if p.holds(c.CreatedAt) {
				received++
				if c.AgentID != "" {
					handled++
				}
			}
		}
		wait := pseudo(q.metricSet+"|"+p.label, 5, 300)
		rows = append(rows, []string{p.label, q.channel, strconv.Itoa(received), strconv.Itoa(handled), strconv.Itoa(wait)})
	}
	return rows
}

// workSessionRows lists a contact row per conversation whose contact is anchored in [from, to):
// on when it ended, or when it was created while it has not.
func (s *Server) workSessionRows(from, to time.Time) [][]string {
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(eventTime)
	}
	var convs []*gladly.Conversation
	for _, c := range s.db.work.conversations.list() {
		anchor := c.CreatedAt
		if !c.ClosedAt.IsZero() {
			anchor = c.ClosedAt
		}
		if !anchor.Before(from) && anchor.Before(to) {
			convs = append(convs, c)
		}
	}
	slices.SortStableFunc(convs, func(a, b *gladly.Conversation) int { return a.CreatedAt.Compare(b.CreatedAt) })
	var rows [][]string
	for _, c := range convs {
		channel := "CHAT"
		if in, ok := s.db.inboxes.get(c.InboxID); ok && channelOfInbox[in.Name] != "" {
			channel = channelOfInbox[in.Name]
		}
		routed := c.CreatedAt.Add(5 * time.Second)
		var accepted, fulfilled time.Time
		status, withinSLA, handle := "UNANSWERED", "false", 0
		if c.AgentID != "" {
			accepted = routed.Add(time.Duration(pseudo(c.ID+"|accept", 10, 90)) * time.Second)
			fulfilled = accepted.Add(time.Duration(pseudo(c.ID+"|reply", 30, 600)) * time.Second)
			status, withinSLA = "ANSWERED", strconv.FormatBool(fulfilled.Sub(c.CreatedAt) < 5*time.Minute)
			handle = pseudo(c.ID+"|handle", 60, 1800)
		}
		rows = append(rows, []string{
			fixtureID("work-session/" + c.ID), fixtureID("contact/" + c.ID), stamp(c.CreatedAt), c.CustomerID, c.ID,
			c.InboxID, channel, "INBOUND", stamp(accepted), stamp(routed), c.AgentID, stamp(fulfilled),
			stamp(c.ClosedAt), status, withinSLA, strconv.Itoa(handle),
			strconv.Itoa(pseudo(c.ID+"|acw", 0, 120)), strconv.Itoa(pseudo(c.ID+"|unknown", 0, 60)), c.InboxID,
		})
	}
	return rows
}

// period is one aggregation bucket of a report: [start, end).
type period struct {
	start, end time.Time
	label      string
}

func (p period) holds(t time.Time) bool { return !t.Before(p.start) && t.Before(p.end) }

// periods splits the report's window at the boundaries of its aggregation level, in its
// timezone (weeks start on Monday; the first and last buckets are clipped to the window).
func (q *reportQuery) periods() []period {
	level := q.level
	if !aggregatedSets[q.metricSet] {
		level = "daily"
	}
	var out []period
	for t := q.from.In(q.loc); t.Before(q.to); {
		y, m, d := t.Date()
		var next time.Time
		switch level {
		case "halfHourly":
			next = t.Truncate(30 * time.Minute).Add(30 * time.Minute)
		case "weekly":
			days := (8 - int(t.Weekday())) % 7
			if days == 0 {
				days = 7
			}
			next = time.Date(y, m, d+days, 0, 0, 0, 0, q.loc)
		case "monthly":
			next = time.Date(y, m+1, 1, 0, 0, 0, 0, q.loc)
		case "quarterly":
			next = time.Date(y, ((m-1)/3)*3+4, 1, 0, 0, 0, 0, q.loc)
		default:
			next = time.Date(y, m, d+1, 0, 0, 0, 0, q.loc)
		}
		if next.After(q.to) {
			next = q.to
		}
		label := t.Format(time.DateOnly)
		if level == "halfHourly" {
			label = t.Format("2006-01-02 15:04")
		}
		out = append(out, period{start: t, end: next, label: label})
		t = next
	}
	return out
}

// pseudo is a stable number in [lo, hi) for key: reports of the same data are the same.
func pseudo(key string, lo, hi int) int {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	return lo + int(h.Sum64()%uint64(hi-lo))
}
