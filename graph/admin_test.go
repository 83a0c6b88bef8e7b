package graph_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/graph"
)

// The admin domain's queries: webhooks, the events stream, exports and automation messages.

const webhookFields = `id name url events enabled hasCredentials headerKeys createdAt updatedAt disabledAtDueToRetryLimit`

type webhookOut struct {
	ID                        string   `json:"id"`
	Name                      *string  `json:"name"`
	URL                       string   `json:"url"`
	Events                    []string `json:"events"`
	Enabled                   bool     `json:"enabled"`
	HasCredentials            bool     `json:"hasCredentials"`
	HeaderKeys                []string `json:"headerKeys"`
	CreatedAt                 *string  `json:"createdAt"`
	UpdatedAt                 *string  `json:"updatedAt"`
	DisabledAtDueToRetryLimit *string  `json:"disabledAtDueToRetryLimit"`
}

type pageInfoOut struct {
	HasNextPage     bool    `json:"hasNextPage"`
	HasPreviousPage bool    `json:"hasPreviousPage"`
	EndCursor       *string `json:"endCursor"`
}

func TestWebhooksQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		Webhooks struct {
			TotalCount int          `json:"totalCount"`
			Truncated  bool         `json:"truncated"`
			Nodes      []webhookOut `json:"nodes"`
		} `json:"webhooks"`
		Page struct {
			Edges []struct {
				Cursor string     `json:"cursor"`
				Node   webhookOut `json:"node"`
			} `json:"edges"`
			PageInfo pageInfoOut `json:"pageInfo"`
		} `json:"page"`
		Webhook *webhookOut `json:"webhook"`
		Missing *webhookOut `json:"missing"`
	}
	e.query(t, `query($id: ID!) {
		webhooks { totalCount truncated nodes { `+webhookFields+` } }
		page: webhooks(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } }
		webhook(id: $id) { `+webhookFields+` }
		missing: webhook(id: "no-such-webhook") { id }
	}`, map[string]any{"id": gladlytest.DemoWebhookID}, &out)

	if out.Webhooks.TotalCount != 3 || len(out.Webhooks.Nodes) != 3 || out.Webhooks.Truncated {
		t.Fatalf("webhooks: %+v", out.Webhooks)
	}
	byName := map[string]webhookOut{}
	for _, w := range out.Webhooks.Nodes {
		if w.Name == nil || w.CreatedAt == nil || w.UpdatedAt == nil {
			t.Errorf("webhook %s lacks name or times: %+v", w.ID, w)
			continue
		}
		byName[*w.Name] = w
	}
	csat := byName["CSAT survey"]
	if csat.ID != gladlytest.DemoWebhookID || !csat.Enabled || csat.HasCredentials ||
		!cmp.Equal(csat.HeaderKeys, []string{"X-Gladly-Token"}) || !cmp.Equal(csat.Events, []string{"CONVERSATION/CLOSED"}) ||
		csat.DisabledAtDueToRetryLimit != nil {
		t.Errorf("CSAT webhook: %+v", csat)
	}
	if cache := byName["gladgraph cache invalidation"]; cache.Enabled || !cache.HasCredentials || len(cache.HeaderKeys) != 0 || len(cache.Events) != 10 {
		t.Errorf("cache webhook: %+v", cache)
	}
	if legacy := byName["Legacy CRM sync"]; legacy.Enabled || legacy.DisabledAtDueToRetryLimit == nil ||
		!slices.Contains(legacy.Events, gladly.EventCustomerProfileMergedDeprecated) {
		t.Errorf("legacy webhook: %+v", legacy)
	}
	if len(out.Page.Edges) != 1 || out.Page.Edges[0].Node.ID != out.Webhooks.Nodes[0].ID ||
		!out.Page.PageInfo.HasNextPage || out.Page.PageInfo.HasPreviousPage {
		t.Errorf("first page: %+v", out.Page)
	}
	if out.Webhook == nil || !cmp.Equal(*out.Webhook, csat) {
		t.Errorf("webhook(id) = %+v, want %+v", out.Webhook, csat)
	}
	if out.Missing != nil {
		t.Errorf("missing webhook resolved to %+v", out.Missing)
	}
	// The list once for every field; the missing id alone is asked for by id.
	assertCalls(t, e, map[string]int{"getWebhooks": 1, "getWebhook": 1})
}

type eventOut struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Initiator *struct{ ID, Type string }
	Content   json.RawMessage `json:"content"`
	Contact   *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"contact"`
	Conversation *struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"conversation"`
	Ticket *struct {
		ID string `json:"id"`
	} `json:"ticket"`
	User *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"user"`
	ConversationItem *struct {
		ID string `json:"id"`
	} `json:"conversationItem"`
	ExportJob *struct {
		ID string `json:"id"`
	} `json:"exportJob"`
}

// TestEventsResolveTheirObjectsInBatches: the day's events with what they are about; every
// distinct contact, conversation and task costs one call, agents one list.
func TestEventsResolveTheirObjectsInBatches(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		Events struct {
			TotalCount int        `json:"totalCount"`
			Truncated  bool       `json:"truncated"`
			Nodes      []eventOut `json:"nodes"`
		} `json:"events"`
	}
	e.query(t, `query($start: DateTime!) {
		events(startAt: $start, entities: [AGENT_STATUS, CONTACT, CONVERSATION, PAYMENT_REQUEST, TASK]) {
			totalCount truncated
			nodes {
				id type timestamp initiator { id type } content
				contact { id name } conversation { id status } ticket { id } user { id name }
				conversationItem { id } exportJob { id }
			}
		}
	}`, map[string]any{"start": time.Now().Add(-23*time.Hour - 59*time.Minute).Format(time.RFC3339Nano)}, &out)

	evs := out.Events.Nodes
	if out.Events.Truncated || out.Events.TotalCount != len(evs) {
		t.Fatalf("totalCount %d, truncated %v for %d events", out.Events.TotalCount, out.Events.Truncated, len(evs))
	}
	customers, conversations, tasks := map[string]bool{}, map[string]bool{}, map[string]bool{}
	withContact := 0
	for i, ev := range evs {
		if i > 0 && ev.Timestamp.Before(evs[i-1].Timestamp) {
			t.Errorf("event %d (%s) is older than the one before: not oldest first", i, ev.Timestamp)
		}
		var ids gladly.EventIDs
		if err := json.Unmarshal(ev.Content, &ids); err != nil || ev.Initiator == nil {
			t.Fatalf("event %s: content %s, initiator %v", ev.ID, ev.Content, ev.Initiator)
		}
		check := func(field, want string, got *string) {
			t.Helper()
			switch {
			case want == "" && got != nil:
				t.Errorf("%s %s: %s resolved to %q but the content names none", ev.Type, ev.ID, field, *got)
			case want != "" && (got == nil || *got != want):
				t.Errorf("%s %s: %s = %v, want %q", ev.Type, ev.ID, field, got, want)
			}
		}
		var contact, conversation, ticket, user *string
		if ev.Contact != nil {
			contact = &ev.Contact.ID
		}
		if ev.Conversation != nil {
			conversation = &ev.Conversation.ID
		}
		if ev.Ticket != nil {
			ticket = &ev.Ticket.ID
		}
		if ev.User != nil {
			user = &ev.User.ID
			if ev.User.Name == "" {
				t.Errorf("agent %s without a name", ev.User.ID)
			}
		}
		check("contact", ids.CustomerID, contact)
		check("conversation", ids.ConversationID, conversation)
		check("ticket", ids.TaskID, ticket)
		check("user", ids.AgentID, user)
		if ev.ExportJob != nil {
			t.Errorf("%s names no export job but resolved %v", ev.ID, ev.ExportJob)
		}
		if ids.CustomerID != "" {
			withContact++
			customers[ids.CustomerID] = true
		}
		if ids.ConversationID != "" {
			conversations[ids.ConversationID] = true
		}
		if ids.TaskID != "" {
			tasks[ids.TaskID] = true
		}
	}
	t.Logf("%d events, %d naming a contact: %d distinct contacts, %d conversations, %d tasks", len(evs), withContact, len(customers), len(conversations), len(tasks))
	if withContact < 20 {
		t.Fatalf("only %d events name a contact; the test needs 20 or more", withContact)
	}
	assertCalls(t, e, map[string]int{
		"getEvents": 1, "getCustomer": len(customers), "getConversation": len(conversations),
		"getTask": len(tasks), "getAgents": 1, "getAgent": 0,
	})
}

func TestEventsPagesAndFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	start := time.Now().Add(-23*time.Hour - 59*time.Minute).Format(time.RFC3339Nano)
	type conn struct {
		TotalCount int         `json:"totalCount"`
		PageInfo   pageInfoOut `json:"pageInfo"`
		Nodes      []eventOut  `json:"nodes"`
	}
	var all, page1, page2 struct {
		Events conn `json:"events"`
	}
	q := `query($start: DateTime!, $first: Int, $after: String) {
		events(startAt: $start, entities: [AGENT_STATUS], first: $first, after: $after) {
			totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id type timestamp }
		}
	}`
	e.query(t, q, map[string]any{"start": start}, &all)
	e.query(t, q, map[string]any{"start": start, "first": 3}, &page1)
	e.query(t, q, map[string]any{"start": start, "first": 3, "after": page1.Events.PageInfo.EndCursor}, &page2)
	if len(all.Events.Nodes) < 6 {
		t.Fatalf("%d agent status events; the test needs 6", len(all.Events.Nodes))
	}
	for _, ev := range all.Events.Nodes {
		if !strings.HasPrefix(ev.Type, "AGENT_STATUS/") {
			t.Errorf("entities AGENT_STATUS returned a %s event", ev.Type)
		}
	}
	ids := func(evs []eventOut) []string {
		var out []string
		for _, ev := range evs {
			out = append(out, ev.ID)
		}
		return out
	}
	got := append(ids(page1.Events.Nodes), ids(page2.Events.Nodes)...)
	if diff := cmp.Diff(ids(all.Events.Nodes[:6]), got); diff != "" {
		t.Errorf("two pages of 3 differ from the first 6 events (-want +got):\n%s", diff)
	}
	if !page1.Events.PageInfo.HasNextPage || page1.Events.TotalCount != all.Events.TotalCount || !page2.Events.PageInfo.HasPreviousPage {
		t.Errorf("page infos: %+v, %+v", page1.Events, page2.Events.PageInfo)
	}
	// endAt narrows the window: up to the third event, the first three.
	var upTo struct {
		Events conn `json:"events"`
	}
	third := all.Events.Nodes[2]
	e.query(t, `query($start: DateTime!, $end: DateTime) {
		events(startAt: $start, endAt: $end, entities: [AGENT_STATUS]) { totalCount nodes { id type } }
	}`, map[string]any{"start": start, "end": third.Timestamp.Format(time.RFC3339Nano)}, &upTo)
	if diff := cmp.Diff(ids(all.Events.Nodes[:3]), ids(upTo.Events.Nodes)); diff != "" {
		t.Errorf("events up to the third's time (-want +got):\n%s", diff)
	}
}

// TestEventsRefusesWindowsGladlyRefuses: the window is checked before anything is sent.
func TestEventsRefusesWindowsGladlyRefuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	for name, vars := range map[string]map[string]any{
		"startAt older than 24 hours": {"start": at(-25 * time.Hour), "entities": []string{"CONTACT"}},
		"endAt before startAt":        {"start": at(-time.Hour), "end": at(-2 * time.Hour), "entities": []string{"CONTACT"}},
		"endAt equal to startAt":      {"start": at(-time.Hour), "end": at(-time.Hour), "entities": []string{"CONTACT"}},
		"startAt in the future":       {"start": at(time.Hour), "entities": []string{"CONTACT"}},
		"no entities":                 {"start": at(-time.Hour), "entities": []string{}},
		"malformed cursor":            {"start": at(-time.Hour), "entities": []string{"CONTACT"}, "after": "nope"},
	} {
		resp := e.do(t, `query($start: DateTime!, $end: DateTime, $entities: [EventEntity!]!, $after: String) {
			events(startAt: $start, endAt: $end, entities: $entities, after: $after) { totalCount }
		}`, vars)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: errors %+v, want one BAD_USER_INPUT", name, resp.Errors)
		}
	}
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("refused windows made %d Gladly calls, want 0", n)
	}
}

// TestEventsStopAtTheLimit: past the per-request limit the stream is closed and the answer
// says it was truncated.
func TestEventsStopAtTheLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	opts := gladly.ListEventsOptions{StartAt: time.Now().Add(-23 * time.Hour), Entities: []string{gladly.EntityAgentStatus}}
	all, truncated, err := graph.ReadEvents(t.Context(), e.client, opts, graph.MaxEventsPerRequest)
	if err != nil || truncated || len(all) < 4 {
		t.Fatalf("all events: %d, truncated %v, err %v", len(all), truncated, err)
	}
	some, truncated, err := graph.ReadEvents(t.Context(), e.client, opts, 3)
	if err != nil || !truncated || len(some) != 3 {
		t.Fatalf("limit 3: %d events, truncated %v, err %v", len(some), truncated, err)
	}
	for i := range some {
		if some[i].ID != all[i].ID {
			t.Errorf("event %d of the limited read is %s, want %s", i, some[i].ID, all[i].ID)
		}
	}
	exact, truncated, err := graph.ReadEvents(t.Context(), e.client, opts, len(all))
	if err != nil || truncated || len(exact) != len(all) {
		t.Errorf("limit = count: %d events, truncated %v, err %v", len(exact), truncated, err)
	}
}

type exportJobOut struct {
	ID         string  `json:"id"`
	Status     string  `json:"status"`
	UpdatedAt  *string `json:"updatedAt"`
	Files      []string
	Parameters *struct {
		Type    string  `json:"type"`
		StartAt *string `json:"startAt"`
		EndAt   *string `json:"endAt"`
	} `json:"parameters"`
	Schedule *struct {
		ID        string `json:"id"`
		Frequency string `json:"frequency"`
	} `json:"schedule"`
}

const exportJobFields = `id status updatedAt files parameters { type startAt endAt } schedule { id frequency }`

func TestExportQueries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		Schedules struct {
			TotalCount int `json:"totalCount"`
			Nodes      []struct {
				ID          string  `json:"id"`
				Frequency   string  `json:"frequency"`
				Type        string  `json:"type"`
				NextStartAt *string `json:"nextStartAt"`
				UpdatedAt   *string `json:"updatedAt"`
			} `json:"nodes"`
		} `json:"exportSchedules"`
		Jobs struct {
			TotalCount int            `json:"totalCount"`
			Truncated  bool           `json:"truncated"`
			Nodes      []exportJobOut `json:"nodes"`
		} `json:"exportJobs"`
		Failed struct {
			Nodes []exportJobOut `json:"nodes"`
		} `json:"failed"`
		Job     *exportJobOut `json:"exportJob"`
		Running *exportJobOut `json:"running"`
		Missing *exportJobOut `json:"missing"`
	}
	e.query(t, `query($job: ID!, $running: ID!) {
		exportSchedules { totalCount nodes { id frequency type nextStartAt updatedAt } }
		exportJobs { totalCount truncated nodes { `+exportJobFields+` } }
		failed: exportJobs(status: FAILED) { nodes { id status } }
		exportJob(id: $job) { `+exportJobFields+` }
		running: exportJob(id: $running) { `+exportJobFields+` }
		missing: exportJob(id: "no-such-job") { id }
	}`, map[string]any{"job": gladlytest.DemoExportJobID, "running": gladlytest.DemoRunningExportJobID}, &out)

	if out.Schedules.TotalCount != 1 || len(out.Schedules.Nodes) != 1 {
		t.Fatalf("schedules: %+v", out.Schedules)
	}
	sch := out.Schedules.Nodes[0]
	if sch.Frequency != "DAILY" || sch.Type != "CONVERSATIONS" || sch.NextStartAt == nil || sch.UpdatedAt == nil {
		t.Errorf("schedule: %+v", sch)
	}
	// The demo runs one job a night; the 14 of the last 14 days are visible.
	if out.Jobs.TotalCount != 14 || len(out.Jobs.Nodes) != 14 || out.Jobs.Truncated {
		t.Errorf("jobs: totalCount %d, %d nodes, truncated %v; want 14", out.Jobs.TotalCount, len(out.Jobs.Nodes), out.Jobs.Truncated)
	}
	for _, j := range out.Jobs.Nodes {
		if j.Schedule == nil || j.Schedule.ID != sch.ID || j.Parameters == nil || j.Parameters.Type != "CONVERSATIONS" || j.UpdatedAt == nil {
			t.Errorf("job %s: %+v", j.ID, j)
		}
	}
	if len(out.Failed.Nodes) != 1 || out.Failed.Nodes[0].Status != "FAILED" {
		t.Errorf("failed jobs: %+v", out.Failed.Nodes)
	}
	if j := out.Job; j == nil || j.Status != "COMPLETED" || len(j.Files) != 4 || j.Parameters.StartAt == nil || j.Parameters.EndAt == nil || j.Schedule == nil {
		t.Errorf("completed job: %+v", out.Job)
	}
	if j := out.Running; j == nil || j.Status != "IN_PROGRESS" || len(j.Files) != 0 || j.Files == nil {
		t.Errorf("running job: %+v", out.Running)
	}
	if out.Missing != nil {
		t.Errorf("missing job resolved to %+v", out.Missing)
	}
	// Schedules are read live, once per request however many jobs and fields ask for them.
	assertCalls(t, e, map[string]int{"findSchedules": 1, "findJobs": 2, "getJob": 3})
}

func TestExportJobsWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	q := `query($start: DateTime, $end: DateTime) { exportJobs(startAt: $start, endAt: $end) { totalCount nodes { id updatedAt } } }`
	for name, vars := range map[string]map[string]any{
		"startAt older than 14 days": {"start": at(-15 * 24 * time.Hour)},
		"endAt in the future":        {"end": at(time.Hour)},
		"endAt before startAt":       {"start": at(-2 * 24 * time.Hour), "end": at(-3 * 24 * time.Hour)},
	} {
		resp := e.do(t, q, vars)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: errors %+v, want one BAD_USER_INPUT", name, resp.Errors)
		}
	}
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("refused windows made %d Gladly calls, want 0", n)
	}
	var out struct {
		ExportJobs struct {
			TotalCount int `json:"totalCount"`
			Nodes      []struct {
				UpdatedAt time.Time `json:"updatedAt"`
			} `json:"nodes"`
		} `json:"exportJobs"`
	}
	start := now.Add(-3 * 24 * time.Hour)
	e.query(t, q, map[string]any{"start": start.Format(time.RFC3339Nano), "end": at(0)}, &out)
	if n := out.ExportJobs.TotalCount; n < 3 || n > 4 {
		t.Errorf("jobs of the last 3 days: %d, want 3 or 4 (one a night)", n)
	}
	for _, j := range out.ExportJobs.Nodes {
		if j.UpdatedAt.Before(start) {
			t.Errorf("job updated at %s is before startAt %s", j.UpdatedAt, start)
		}
	}
}

func TestAutomationQueries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	type message struct {
		ID        string  `json:"id"`
		SessionID string  `json:"sessionId"`
		Type      string  `json:"type"`
		Body      *string `json:"body"`
		Prompt    *string `json:"prompt"`
		MenuItems []struct {
			ID    string `json:"id"`
			Label string `json:"label"`
		} `json:"menuItems"`
		CreatedAt *string `json:"createdAt"`
		From      *struct {
			Type    string `json:"type"`
			Contact *struct {
				Name string `json:"name"`
			} `json:"contact"`
		} `json:"from"`
		Context map[string]string `json:"context"`
	}
	const fields = `id sessionId type body prompt menuItems { id label } createdAt from { type contact { name } } context`
	var out struct {
		Messages struct {
			TotalCount int       `json:"totalCount"`
			Nodes      []message `json:"nodes"`
		} `json:"automationMessages"`
		Last struct {
			Nodes []message `json:"nodes"`
		} `json:"last"`
		NoSession *struct{ TotalCount int } `json:"noSession"`
		Menu      *message                  `json:"menu"`
		Missing   *message                  `json:"missing"`
	}
	e.query(t, `query($s: ID!, $menu: ID!) {
		automationMessages(sessionId: $s) { totalCount nodes { `+fields+` } }
		last: automationMessages(sessionId: $s, last: 1) { nodes { id type } }
		noSession: automationMessages(sessionId: "no-such-session") { totalCount }
		menu: automationMessage(sessionId: $s, id: $menu) { `+fields+` }
		missing: automationMessage(sessionId: $s, id: "0123456789abcdef01234567") { id }
	}`, map[string]any{"s": gladlytest.DemoAutomationSessionID, "menu": gladlytest.DemoAutomationMessageID(1)}, &out)

	var types []string
	for _, m := range out.Messages.Nodes {
		types = append(types, m.Type)
		if m.SessionID != gladlytest.DemoAutomationSessionID || m.CreatedAt == nil || m.From == nil || m.Context["IsAuthenticated"] != "true" {
			t.Errorf("message %s: %+v", m.ID, m)
		}
	}
	if diff := cmp.Diff([]string{"TEXT", "MENU", "TEXT", "TEXT", "HTML"}, types); diff != "" || out.Messages.TotalCount != 5 {
		t.Fatalf("message types (-want +got):\n%s", diff)
	}
	first := out.Messages.Nodes[0]
	if first.Body == nil || *first.Body != "Hi! Where is my order AL-1815?" || first.From.Type != "CUSTOMER" ||
		first.From.Contact == nil || first.From.Contact.Name != "Ada Lovelace" || first.Prompt != nil || len(first.MenuItems) != 0 {
		t.Errorf("Ada's message: %+v", first)
	}
	m := out.Menu
	if m == nil || m.Type != "MENU" || m.Body != nil || m.Prompt == nil || *m.Prompt != "What can we help you with?" ||
		len(m.MenuItems) != 3 || m.MenuItems[2].Label != "Talk to an agent" || m.From.Contact != nil {
		t.Errorf("menu message: %+v", m)
	}
	if len(out.Last.Nodes) != 1 || out.Last.Nodes[0].Type != "HTML" {
		t.Errorf("last message: %+v", out.Last.Nodes)
	}
	if out.NoSession != nil || out.Missing != nil {
		t.Errorf("missing session %+v and message %+v, want null", out.NoSession, out.Missing)
	}
	assertCalls(t, e, map[string]int{"getAutomationSessionMessages": 3, "getAutomationSessionMessage": 2, "getCustomer": 1})
}

// TestAdminUpstreamFailureKeepsTheRest: Gladly failing one field is that field's error, with
// its extensions.code; the rest of the query resolves.
func TestAdminUpstreamFailureKeepsTheRest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	unavailable := gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503}
	e.fake.FailNext("findSchedules", unavailable, unavailable, unavailable, unavailable)
	resp := e.do(t, `{ webhooks { totalCount } exportSchedules { totalCount } exportJob(id: "`+gladlytest.DemoExportJobID+`") { id status } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" || jsonString(resp.Errors[0].Path) != `["exportSchedules"]` {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	var data struct {
		Webhooks        struct{ TotalCount int } `json:"webhooks"`
		ExportSchedules *struct{}                `json:"exportSchedules"`
		ExportJob       *struct{ Status string } `json:"exportJob"`
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Webhooks.TotalCount != 3 || data.ExportSchedules != nil || data.ExportJob == nil || data.ExportJob.Status != "COMPLETED" {
		t.Errorf("partial data: %s", resp.Data)
	}
}
