package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/graph"
	"github.com/gladgraph/gladgraph/graph/model"
)

// The admin domain's mutations: webhooks, export jobs, reports and user identity tokens.

type webhookPayload struct {
	Webhook    *webhookOut `json:"webhook"`
	UserErrors []userError `json:"userErrors"`
}

type deletePayload struct {
	DeletedID  *string     `json:"deletedId"`
	UserErrors []userError `json:"userErrors"`
}

const (
	createWebhookDoc = `mutation($input: CreateWebhookInput!) {
		createWebhook(input: $input) { webhook { ` + webhookFields + ` } userErrors { field code message } } }`
	updateWebhookDoc = `mutation($id: ID!, $input: UpdateWebhookInput!) {
		updateWebhook(id: $id, input: $input) { webhook { ` + webhookFields + ` } userErrors { field code message } } }`
	deleteWebhookDoc = `mutation($id: ID!) { deleteWebhook(id: $id) { deletedId userErrors { field code message } } }`
	readWebhooksDoc  = `query($id: ID!) { webhook(id: $id) { ` + webhookFields + ` } webhooks { totalCount nodes { id name } } }`
)

func createWebhook(t *testing.T, e *env, input map[string]any) webhookPayload {
	t.Helper()
	var out struct {
		P webhookPayload `json:"createWebhook"`
	}
	e.query(t, createWebhookDoc, map[string]any{"input": input}, &out)
	return out.P
}

func updateWebhook(t *testing.T, e *env, id string, input map[string]any) webhookPayload {
	t.Helper()
	var out struct {
		P webhookPayload `json:"updateWebhook"`
	}
	e.query(t, updateWebhookDoc, map[string]any{"id": id, "input": input}, &out)
	return out.P
}

func deleteWebhook(t *testing.T, e *env, id string) deletePayload {
	t.Helper()
	var out struct {
		P deletePayload `json:"deleteWebhook"`
	}
	e.query(t, deleteWebhookDoc, map[string]any{"id": id}, &out)
	return out.P
}

type webhooksRead struct {
	Webhook  *webhookOut `json:"webhook"`
	Webhooks struct {
		TotalCount int `json:"totalCount"`
		Nodes      []struct {
			ID   string  `json:"id"`
			Name *string `json:"name"`
		} `json:"nodes"`
	} `json:"webhooks"`
}

func readWebhooks(t *testing.T, e *env, id string) webhooksRead {
	t.Helper()
	var out webhooksRead
	e.query(t, readWebhooksDoc, map[string]any{"id": id}, &out)
	return out
}

// nameIn returns the name the webhooks list gives id ("" when the list lacks it).
func (r webhooksRead) nameIn(id string) (string, bool) {
	for _, n := range r.Webhooks.Nodes {
		if n.ID == id {
			if n.Name == nil {
				return "", true
			}
			return *n.Name, true
		}
	}
	return "", false
}

// wantUserErrors fails unless errs are exactly want (field and code; messages must be set).
func wantUserErrors(t *testing.T, what string, errs []userError, want ...userError) {
	t.Helper()
	got := make([]userError, len(errs))
	for i, e := range errs {
		if e.Message == "" {
			t.Errorf("%s: user error %v has no message", what, e)
		}
		got[i] = userError{Field: e.Field, Code: e.Code}
	}
	if want == nil {
		want = []userError{}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: user errors (-want +got):\n%s", what, diff)
	}
}

func ue(code string, field ...string) userError { return userError{Field: field, Code: code} }

// TestWebhookWritesAreReadBack: after each write, the next request sees the new state although
// the webhooks were cached before it, in memory and in Redis.
func TestWebhookWritesAreReadBack(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]envOption{"memory": nil, "redis": {withRedis()}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, opts...)
			before := readWebhooks(t, e, gladlytest.DemoWebhookID)
			e.fake.ResetStats()
			if readWebhooks(t, e, gladlytest.DemoWebhookID); e.fake.TotalCalls() != 0 {
				t.Fatalf("a second read made %d Gladly calls: the webhooks are not cached, and read-after-write proves nothing", e.fake.TotalCalls())
			}

			created := createWebhook(t, e, map[string]any{
				"name": "Order sync", "url": "https://hooks.example.com/orders", "events": []string{"CONVERSATION/CLOSED", "TASK/CREATED"},
				"credentials": map[string]any{"username": "sync", "password": "s3cret", "realm": "orders"},
				"headers":     []map[string]any{{"name": "X-Token", "value": "abc"}},
			})
			wantUserErrors(t, "create", created.UserErrors)
			w := created.Webhook
			if w == nil || w.ID == "" || w.Enabled || !w.HasCredentials || !cmp.Equal(w.HeaderKeys, []string{"X-Token"}) ||
				w.URL != "https://hooks.example.com/orders" || len(w.Events) != 2 || w.CreatedAt == nil {
				t.Fatalf("created webhook: %+v", w)
			}
			after := readWebhooks(t, e, w.ID)
			if after.Webhooks.TotalCount != before.Webhooks.TotalCount+1 || after.Webhook == nil || !cmp.Equal(*after.Webhook, *w) {
				t.Errorf("after create: %d webhooks (before %d), webhook(id) %+v", after.Webhooks.TotalCount, before.Webhooks.TotalCount, after.Webhook)
			}

			updated := updateWebhook(t, e, w.ID, map[string]any{"name": "Order sync v2", "events": []string{"TASK/CLOSED"}, "headers": []any{}})
			wantUserErrors(t, "update", updated.UserErrors)
			if u := updated.Webhook; u == nil || *u.Name != "Order sync v2" || !cmp.Equal(u.Events, []string{"TASK/CLOSED"}) ||
				len(u.HeaderKeys) != 0 || !u.HasCredentials || u.URL != w.URL {
				t.Errorf("updated webhook: %+v", updated.Webhook)
			}
			after = readWebhooks(t, e, w.ID)
			if name, ok := after.nameIn(w.ID); !ok || name != "Order sync v2" || after.Webhook == nil || *after.Webhook.Name != "Order sync v2" {
				t.Errorf("after update: list name %q (%v), webhook(id) %+v", name, ok, after.Webhook)
			}

			deleted := deleteWebhook(t, e, w.ID)
			wantUserErrors(t, "delete", deleted.UserErrors)
			if deleted.DeletedID == nil || *deleted.DeletedID != w.ID {
				t.Errorf("deletedId %v, want %s", deleted.DeletedID, w.ID)
			}
			after = readWebhooks(t, e, w.ID)
			if _, listed := after.nameIn(w.ID); listed || after.Webhook != nil || after.Webhooks.TotalCount != before.Webhooks.TotalCount {
				t.Errorf("after delete: listed %v, webhook(id) %+v, %d webhooks", listed, after.Webhook, after.Webhooks.TotalCount)
			}
		})
	}
}

// TestWebhookPing: enabling a webhook makes Gladly PING its URL; a URL that does not answer 200
// is refused on the field the caller must fix.
func TestWebhookPing(t *testing.T) {
	t.Parallel()
	receiver := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "broken") {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(receiver.Close)
	e := newEnv(t, withFake(gladlytest.WithWebhookClient(receiver.Client())))
	events := []string{"CONVERSATION/CLOSED"}

	live := createWebhook(t, e, map[string]any{"url": receiver.URL + "/live", "events": events, "enabled": true})
	wantUserErrors(t, "create enabled", live.UserErrors)
	if live.Webhook == nil || !live.Webhook.Enabled || live.Webhook.Name != nil {
		t.Fatalf("enabled webhook: %+v", live.Webhook)
	}
	refused := createWebhook(t, e, map[string]any{"url": receiver.URL + "/broken", "events": events, "enabled": true})
	wantUserErrors(t, "create enabled, PING fails", refused.UserErrors, ue("INVALID", "input", "url"))
	if refused.Webhook != nil {
		t.Errorf("refused webhook returned: %+v", refused.Webhook)
	}

	off := createWebhook(t, e, map[string]any{"url": receiver.URL + "/broken", "events": events})
	wantUserErrors(t, "create disabled", off.UserErrors)
	enable := updateWebhook(t, e, off.Webhook.ID, map[string]any{"enabled": true})
	wantUserErrors(t, "enable, PING fails", enable.UserErrors, ue("INVALID", "input", "enabled"))
	moved := updateWebhook(t, e, off.Webhook.ID, map[string]any{"enabled": true, "url": receiver.URL + "/fixed"})
	wantUserErrors(t, "enable at a new URL", moved.UserErrors)
	if moved.Webhook == nil || !moved.Webhook.Enabled || moved.Webhook.URL != receiver.URL+"/fixed" {
		t.Errorf("enabled at the new URL: %+v", moved.Webhook)
	}

	// An enabled webhook cannot be deleted; disabled, it can.
	blocked := deleteWebhook(t, e, live.Webhook.ID)
	wantUserErrors(t, "delete enabled", blocked.UserErrors, userError{Code: "INVALID_STATE"})
	if blocked.DeletedID != nil || readWebhooks(t, e, live.Webhook.ID).Webhook == nil {
		t.Errorf("refused delete: deletedId %v, or the webhook is gone", blocked.DeletedID)
	}
	wantUserErrors(t, "disable", updateWebhook(t, e, live.Webhook.ID, map[string]any{"enabled": false}).UserErrors)
	wantUserErrors(t, "delete disabled", deleteWebhook(t, e, live.Webhook.ID).UserErrors)
	if readWebhooks(t, e, live.Webhook.ID).Webhook != nil {
		t.Errorf("deleted webhook still readable")
	}
}

// TestWebhookRefusals: Gladly's refusals as user errors.
func TestWebhookRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	csat := readWebhooks(t, e, gladlytest.DemoWebhookID).Webhook
	events := []string{"CONVERSATION/CLOSED"}

	taken := createWebhook(t, e, map[string]any{"url": csat.URL, "events": events})
	wantUserErrors(t, "URL taken", taken.UserErrors, ue("TAKEN", "input", "url"))
	movedOnto := updateWebhook(t, e, "QRFbLBIdTe-1Ud9tg-PsAw", map[string]any{"name": "x"})
	wantUserErrors(t, "update a missing webhook", movedOnto.UserErrors, ue("NOT_FOUND", "id"))
	unknown := createWebhook(t, e, map[string]any{"url": "https://hooks.example.com/x", "events": []string{"CONVERSATION/CLOSED", "NO_SUCH/EVENT"}})
	wantUserErrors(t, "unknown event type", unknown.UserErrors, ue("INVALID", "input", "events", "1"))
	wantUserErrors(t, "delete a missing webhook", deleteWebhook(t, e, "no-such-webhook").UserErrors, ue("NOT_FOUND", "id"))
	wantUserErrors(t, "delete the enabled demo webhook", deleteWebhook(t, e, gladlytest.DemoWebhookID).UserErrors, userError{Code: "INVALID_STATE"})

	// An organization has at most 20 webhooks; the demo has 3.
	for i := range 17 {
		p := createWebhook(t, e, map[string]any{"url": fmt.Sprintf("https://hooks.example.com/%d", i), "events": events})
		wantUserErrors(t, fmt.Sprintf("webhook %d", 4+i), p.UserErrors)
	}
	over := createWebhook(t, e, map[string]any{"url": "https://hooks.example.com/21", "events": events})
	wantUserErrors(t, "the 21st webhook", over.UserErrors, userError{Code: "INVALID_STATE"})
	if n := readWebhooks(t, e, gladlytest.DemoWebhookID).Webhooks.TotalCount; n != 20 {
		t.Errorf("%d webhooks after the refused 21st, want 20", n)
	}
}

// TestWebhookLocalValidation: input Gladly would refuse is refused here, and nothing is sent.
func TestWebhookLocalValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ok := func(extra map[string]any) map[string]any {
		in := map[string]any{"url": "https://hooks.example.com/x", "events": []string{"CONVERSATION/CLOSED"}}
		for k, v := range extra {
			in[k] = v
		}
		return in
	}
	for name, c := range map[string]struct {
		input map[string]any
		want  []userError
	}{
		"http URL":      {ok(map[string]any{"url": "http://hooks.example.com/x"}), []userError{ue("INVALID", "input", "url")}},
		"relative URL":  {ok(map[string]any{"url": "/gladly"}), []userError{ue("INVALID", "input", "url")}},
		"URL with user": {ok(map[string]any{"url": "https://me:pw@hooks.example.com/x"}), []userError{ue("INVALID", "input", "url")}},
		"blank URL":     {ok(map[string]any{"url": " "}), []userError{ue("BLANK", "input", "url")}},
		"long name":     {ok(map[string]any{"name": strings.Repeat("é", 201)}), []userError{ue("TOO_LONG", "input", "name")}},
		"no events":     {ok(map[string]any{"events": []string{}}), []userError{ue("BLANK", "input", "events")}},
		"blank event":   {ok(map[string]any{"events": []string{"TASK/CREATED", ""}}), []userError{ue("BLANK", "input", "events", "1")}},
		"credentials": {ok(map[string]any{"credentials": map[string]any{"username": "", "password": " "}}),
			[]userError{ue("BLANK", "input", "credentials", "username"), ue("BLANK", "input", "credentials", "password")}},
		"headers": {ok(map[string]any{"headers": []map[string]any{
			{"name": "", "value": "a"}, {"name": "X Token", "value": "b"}, {"name": "X-Key", "value": "c"},
			{"name": "x-key", "value": "d"}, {"name": "X-Line", "value": "e\r\nX-Evil: 1"},
		}}), []userError{
			ue("BLANK", "input", "headers", "0", "name"), ue("INVALID", "input", "headers", "1", "name"),
			ue("TAKEN", "input", "headers", "3", "name"), ue("INVALID", "input", "headers", "4", "value"),
		}},
	} {
		p := createWebhook(t, e, c.input)
		wantUserErrors(t, "create: "+name, p.UserErrors, c.want...)
		if p.Webhook != nil {
			t.Errorf("create: %s: webhook %+v returned with user errors", name, p.Webhook)
		}
	}
	for name, c := range map[string]struct {
		input map[string]any
		want  []userError
	}{
		"http URL":   {map[string]any{"url": "http://hooks.example.com/x"}, []userError{ue("INVALID", "input", "url")}},
		"blank URL":  {map[string]any{"url": ""}, []userError{ue("BLANK", "input", "url")}},
		"no events":  {map[string]any{"events": []string{}}, []userError{ue("BLANK", "input", "events")}},
		"long name":  {map[string]any{"name": strings.Repeat("n", 201)}, []userError{ue("TOO_LONG", "input", "name")}},
		"bad header": {map[string]any{"headers": []map[string]any{{"name": "X:Y", "value": "1"}}}, []userError{ue("INVALID", "input", "headers", "0", "name")}},
	} {
		p := updateWebhook(t, e, gladlytest.DemoWebhookID, c.input)
		wantUserErrors(t, "update: "+name, p.UserErrors, c.want...)
	}
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("refused input made %d Gladly calls, want 0", n)
	}
}

func TestDeleteExportJob(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	del := func(id string) deletePayload {
		var out struct {
			P deletePayload `json:"deleteExportJob"`
		}
		e.query(t, `mutation($id: ID!) { deleteExportJob(id: $id) { deletedId userErrors { field code message } } }`, map[string]any{"id": id}, &out)
		return out.P
	}
	running := del(gladlytest.DemoRunningExportJobID)
	wantUserErrors(t, "delete a running job", running.UserErrors, userError{Code: "TEMPORARY_FAILURE"})
	if running.DeletedID != nil {
		t.Errorf("running job deleted: %v", *running.DeletedID)
	}
	wantUserErrors(t, "delete a missing job", del("no-such-job").UserErrors, ue("NOT_FOUND", "id"))

	done := del(gladlytest.DemoExportJobID)
	wantUserErrors(t, "delete a completed job", done.UserErrors)
	if done.DeletedID == nil || *done.DeletedID != gladlytest.DemoExportJobID {
		t.Errorf("deletedId %v", done.DeletedID)
	}
	var after struct {
		Gone    *struct{ ID string } `json:"gone"`
		Running *struct{ ID string } `json:"running"`
		Jobs    struct {
			Nodes []struct{ ID string } `json:"nodes"`
		} `json:"exportJobs"`
	}
	e.query(t, `query($gone: ID!, $running: ID!) { gone: exportJob(id: $gone) { id } running: exportJob(id: $running) { id } exportJobs { nodes { id } } }`,
		map[string]any{"gone": gladlytest.DemoExportJobID, "running": gladlytest.DemoRunningExportJobID}, &after)
	if after.Gone != nil || after.Running == nil {
		t.Errorf("after delete: deleted job %v, running job %v", after.Gone, after.Running)
	}
	for _, j := range after.Jobs.Nodes {
		if j.ID == gladlytest.DemoExportJobID {
			t.Errorf("deleted job still listed")
		}
	}
}

type reportPayload struct {
	Report *struct {
		MetricSet string     `json:"metricSet"`
		Filename  *string    `json:"filename"`
		Columns   []string   `json:"columns"`
		Rows      [][]string `json:"rows"`
		RowCount  int        `json:"rowCount"`
		CSV       string     `json:"csv"`
	} `json:"report"`
	UserErrors []userError `json:"userErrors"`
}

func createReport(t *testing.T, e *env, input map[string]any) reportPayload {
	t.Helper()
	var out struct {
		P reportPayload `json:"createReport"`
	}
	e.query(t, `mutation($input: CreateReportInput!) {
		createReport(input: $input) { report { metricSet filename columns rows rowCount csv } userErrors { field code message } } }`,
		map[string]any{"input": input}, &out)
	return out.P
}

func TestCreateReport(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withFake(gladlytest.WithRequestLog(100)))
	today := time.Now().UTC()
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }

	summary := createReport(t, e, map[string]any{"metricSet": "ContactSummaryReport", "startAt": day(-2), "endAt": day(0), "timezone": "UTC", "aggregationLevel": "DAILY"})
	wantUserErrors(t, "summary", summary.UserErrors)
	r := summary.Report
	if r == nil || r.MetricSet != "ContactSummaryReport" || r.RowCount != 3 || len(r.Rows) != 3 || len(r.Columns) == 0 ||
		r.Filename == nil || !strings.HasSuffix(*r.Filename, ".csv") || !strings.HasPrefix(r.CSV, r.Columns[0]) {
		t.Fatalf("summary report: %+v", r)
	}
	for i, row := range r.Rows {
		if len(row) != len(r.Columns) {
			t.Errorf("row %d has %d cells for %d columns", i, len(row), len(r.Columns))
		}
	}

	timed := createReport(t, e, map[string]any{"metricSet": "ContactExportReportV3",
		"startAtTime": today.Add(-6 * time.Hour).Format("2006-01-02T15:04Z"), "endAtTime": today.Format("2006-01-02T15:04Z")})
	wantUserErrors(t, "time range", timed.UserErrors)
	if timed.Report == nil || timed.Report.RowCount != len(timed.Report.Rows) || timed.Report.Columns == nil {
		t.Errorf("time range report: %+v", timed.Report)
	}

	// The schema's enums and names in Gladly's spelling.
	billing, chat := gladlytest.DemoTeamID("Billing"), gladlytest.DemoInboxID("Chat")
	filtered := createReport(t, e, map[string]any{"metricSet": "ContactSummaryReport", "startAt": day(-1), "endAt": day(0), "aggregationLevel": "HALF_HOURLY",
		"filters": map[string]any{"channel": "FB_MESSENGER", "groupIds": []string{billing}, "inboxIds": []string{chat}}})
	wantUserErrors(t, "filtered", filtered.UserErrors)
	var sent map[string]any
	for _, req := range e.fake.Requests() {
		if req.Op == "createReport" {
			sent = nil // the last one
			if err := json.Unmarshal(req.Body, &sent); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := map[string]any{"metricSet": "ContactSummaryReport", "startAt": day(-1), "endAt": day(0), "aggregationLevel": "halfHourly",
		"filters": map[string]any{"channel": "fbMessenger", "teams": []any{billing}, "inboxes": []any{chat}}}
	if diff := cmp.Diff(want, sent); diff != "" {
		t.Errorf("report request sent to Gladly (-want +got):\n%s", diff)
	}

	// Gladly's refusals, on the schema's field paths.
	for name, c := range map[string]struct {
		input map[string]any
		want  userError
	}{
		"unknown metric set": {map[string]any{"metricSet": "NoSuchReport", "startAt": day(-1), "endAt": day(0)}, ue("INVALID", "input", "metricSet")},
		"missing inbox": {map[string]any{"metricSet": "ContactSummaryReport", "startAt": day(-1), "endAt": day(0),
			"filters": map[string]any{"inboxIds": []string{"no-such-inbox"}}}, ue("PRESENT", "input", "filters", "inboxIds")},
		"missing group": {map[string]any{"metricSet": "ContactSummaryReport", "startAt": day(-1), "endAt": day(0),
			"filters": map[string]any{"groupIds": []string{"no-such-team"}}}, ue("PRESENT", "input", "filters", "groupIds")},
		"phone number on a summary": {map[string]any{"metricSet": "ContactSummaryReport", "startAt": day(-1), "endAt": day(0),
			"filters": map[string]any{"phoneNumber": "+14155550100"}}, ue("INVALID", "input", "filters", "phoneNumber")},
	} {
		p := createReport(t, e, c.input)
		wantUserErrors(t, name, p.UserErrors, c.want)
		if p.Report != nil {
			t.Errorf("%s: report returned with user errors", name)
		}
	}
}

func TestCreateReportLocalValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for name, c := range map[string]struct {
		input map[string]any
		want  []userError
	}{
		"blank metric set": {map[string]any{"metricSet": "", "startAt": "2024-05-01", "endAt": "2024-05-02"}, []userError{ue("BLANK", "input", "metricSet")}},
		"no dates": {map[string]any{"metricSet": "ContactSummaryReport"},
			[]userError{ue("BLANK", "input", "startAt"), ue("BLANK", "input", "endAt")}},
		"malformed date":   {map[string]any{"metricSet": "ContactSummaryReport", "startAt": "2024/05/01", "endAt": "2024-05-02"}, []userError{ue("INVALID", "input", "startAt")}},
		"end before start": {map[string]any{"metricSet": "ContactSummaryReport", "startAt": "2024-05-02", "endAt": "2024-05-01"}, []userError{ue("INVALID", "input", "endAt")}},
		"blank timezone":   {map[string]any{"metricSet": "ContactSummaryReport", "startAt": "2024-05-01", "endAt": "2024-05-02", "timezone": ""}, []userError{ue("BLANK", "input", "timezone")}},
		"dates and times": {map[string]any{"metricSet": "ContactExportReportV3", "startAt": "2024-05-01", "timezone": "UTC", "startAtTime": "2024-05-01T10:00Z", "endAtTime": "2024-05-01T12:00Z"},
			[]userError{ue("PRESENT", "input", "startAt"), ue("PRESENT", "input", "timezone")}},
		"one time only":    {map[string]any{"metricSet": "ContactExportReportV3", "startAtTime": "2024-05-01T10:00Z"}, []userError{ue("BLANK", "input", "endAtTime")}},
		"malformed time":   {map[string]any{"metricSet": "ContactExportReportV3", "startAtTime": "2024-05-01 10:00", "endAtTime": "2024-05-01T12:00Z"}, []userError{ue("INVALID", "input", "startAtTime")}},
		"times backwards":  {map[string]any{"metricSet": "ContactExportReportV3", "startAtTime": "2024-05-01T12:00Z", "endAtTime": "2024-05-01T12:00Z"}, []userError{ue("INVALID", "input", "endAtTime")}},
		"bad phone filter": {map[string]any{"metricSet": "IvrEndStatesReportV2", "startAt": "2024-05-01", "endAt": "2024-05-02", "filters": map[string]any{"phoneNumber": "555-0100"}}, []userError{ue("INVALID", "input", "filters", "phoneNumber")}},
		"blank ids": {map[string]any{"metricSet": "ContactSummaryReport", "startAt": "2024-05-01", "endAt": "2024-05-02", "filters": map[string]any{"inboxIds": []string{""}, "groupIds": []string{"g", " "}}},
			[]userError{ue("BLANK", "input", "filters", "inboxIds", "0"), ue("BLANK", "input", "filters", "groupIds", "1")}},
	} {
		p := createReport(t, e, c.input)
		wantUserErrors(t, name, p.UserErrors, c.want...)
	}
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("refused reports made %d Gladly calls, want 0", n)
	}
}

// TestCreateReportRateLimited: Gladly's 429 is an error with UPSTREAM_RATE_LIMITED, not the
// caller's input.
func TestCreateReportRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.fake.FailNext("createReport", gladlytest.Fault{Kind: gladlytest.FaultRateLimit})
	resp := e.do(t, `mutation { createReport(input: {metricSet: "TopicHierarchyReport", startAt: "2024-05-01", endAt: "2024-05-02"}) { report { rowCount } userErrors { code } } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UPSTREAM_RATE_LIMITED" || resp.Errors[0].Extensions["retryAfterSeconds"] == nil {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	if string(resp.Data) != `{"createReport":null}` {
		t.Errorf("data: %s", resp.Data)
	}
	if n := e.fake.Calls("createReport"); n != 1 {
		t.Errorf("createReport sent %d times; reports are never retried", n)
	}
}

// TestReportEnumsInGladlySpelling: every value of the schema's report enums has Gladly's name.
func TestReportEnumsInGladlySpelling(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"HALF_HOURLY": "halfHourly", "DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly", "QUARTERLY": "quarterly",
		"ALL_CHANNELS": "allChannels", "CHAT": "chat", "EMAIL": "email", "FB_MESSENGER": "fbMessenger", "SMS": "sms",
		"TWITTER": "twitter", "VOICE": "voice", "WHATSAPP": "whatsapp", "INSTAGRAM_DIRECT": "instagramDirect",
	}
	var values []string
	for _, v := range model.AllReportAggregationLevel {
		values = append(values, string(v))
	}
	for _, v := range model.AllReportChannel {
		values = append(values, string(v))
	}
	if len(values) != len(want) {
		t.Errorf("the schema has %d report enum values, the test knows %d", len(values), len(want))
	}
	for _, v := range values {
		if got := graph.GladlyEnum(v); got != want[v] {
			t.Errorf("%s is sent as %q, want %q", v, got, want[v])
		}
	}
}

func TestCreateUserIdentityToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	token := func(typ, identity string) (tok *string, errs []userError) {
		var out struct {
			P struct {
				Token      *string     `json:"token"`
				UserErrors []userError `json:"userErrors"`
			} `json:"createUserIdentityToken"`
		}
		e.query(t, `mutation($type: UserIdentityType!, $identity: String!) {
			createUserIdentityToken(input: {identityType: $type, identity: $identity}) { token userErrors { field code message } } }`,
			map[string]any{"type": typ, "identity": identity}, &out)
		return out.P.Token, out.P.UserErrors
	}
	for _, c := range []struct{ typ, identity string }{{"EMAIL", gladlytest.DemoCustomerEmail}, {"MOBILE_PHONE_NUMBER", "+14155550100"}} {
		tok, errs := token(c.typ, c.identity)
		wantUserErrors(t, c.typ, errs)
		if tok == nil {
			t.Fatalf("%s: no token", c.typ)
		}
		claims, err := e.fake.VerifyUserIdentityToken(*tok)
		if err != nil || claims.Subject != c.identity || claims.IdentityType != c.typ {
			t.Errorf("%s token: claims %+v, err %v", c.typ, claims, err)
		}
	}
	if n := e.fake.Calls("createUserIdentityJWT"); n != 2 {
		t.Errorf("createUserIdentityJWT called %d times, want 2", n)
	}

	e.fake.ResetStats()
	for _, c := range []struct {
		typ, identity string
		want          userError
	}{
		{"EMAIL", "", ue("BLANK", "input", "identity")},
		{"EMAIL", "ada.example.com", ue("INVALID", "input", "identity")},
		{"EMAIL", "Ada <ada@example.com>", ue("INVALID", "input", "identity")},
		{"EMAIL", "+14155550100", ue("INVALID", "input", "identity")},
		{"MOBILE_PHONE_NUMBER", "415-555-0100", ue("INVALID", "input", "identity")},
		{"MOBILE_PHONE_NUMBER", gladlytest.DemoCustomerEmail, ue("INVALID", "input", "identity")},
	} {
		tok, errs := token(c.typ, c.identity)
		wantUserErrors(t, c.typ+" "+c.identity, errs, c.want)
		if tok != nil {
			t.Errorf("%s %q: token issued with user errors", c.typ, c.identity)
		}
	}
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("refused identities made %d Gladly calls, want 0", n)
	}
}
