package gladly_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["reports"] = contractReports }

func contractReports(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()

	rep, resp, err := cl.Reports.Create(ctx, &gladly.CreateReportRequest{
		MetricSet: "ContactSummaryReport", Timezone: "America/Los_Angeles", StartAt: "2021-10-01", EndAt: "2021-10-02",
		AggregationLevel: gladly.AggregateDaily,
		Filters:          &gladly.ReportFilters{Channel: "allChannels", Inboxes: []string{gladlytest.DemoInboxID("Chat"), gladlytest.DemoInboxID("Email")}},
	})
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv" || rep.Filename != "ContactSummaryReport-20211001-20211002-Daily.csv" {
		t.Errorf("report: content type %q, filename %q", ct, rep.Filename)
	}
	columns, rows, err := rep.Table()
	if err != nil || len(columns) == 0 || len(rows) != 2 {
		t.Errorf("report table: %v, %d rows, %v; want a header and a row per day", columns, len(rows), err)
	}

	ivr, _, err := cl.Reports.Create(ctx, &gladly.CreateReportRequest{MetricSet: "IvrEndStatesReportV2", StartAt: "2019-05-01", EndAt: "2019-05-16",
		AggregationLevel: gladly.AggregateDaily, Filters: &gladly.ReportFilters{PhoneNumber: "+15555555555"}})
	if err != nil || ivr.Filename != "IvrEndStatesReportV2-20190501-20190516.csv" {
		t.Errorf("IVR report: %+v, %v", ivr, err)
	}

	_, _, err = cl.Reports.Create(ctx, &gladly.CreateReportRequest{MetricSet: "ContactSummaryReport", StartAt: "2021-10-01", EndAt: "2021-10-02",
		Filters: &gladly.ReportFilters{Inboxes: []string{"c23d738960f946988e943f400313133a"}}})
	assertFieldError(t, err, http.StatusBadRequest, "filters.inboxes", gladly.CodePresent)
	_, _, err = cl.Reports.Create(ctx, &gladly.CreateReportRequest{MetricSet: "ContactSummaryReport", StartAt: "2021-10-01", EndAt: "2021-10-02",
		Filters: &gladly.ReportFilters{PhoneNumber: "+15555555555"}})
	assertFieldError(t, err, http.StatusBadRequest, "filters.phoneNumber", gladly.CodeInvalid)
	_, _, err = cl.Reports.Create(ctx, &gladly.CreateReportRequest{MetricSet: "ContactSummaryReport", StartAt: "2021-10-02", EndAt: "2021-10-01"})
	assertFieldError(t, err, http.StatusBadRequest, "endAt", gladly.CodeInvalid)

	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	wse, _, err := cl.Reports.WorkSessionEvents(ctx, &gladly.WorkSessionEventsRequest{StartAtTime: start, EndAtTime: start.Add(10 * time.Hour)})
	if err != nil || wse.Filename != "WorkSessionEventsReport-20240501T1000Z-20240501T2000Z.csv" {
		t.Errorf("work session report: %+v, %v", wse, err)
	}
	_, _, err = cl.Reports.WorkSessionEvents(ctx, &gladly.WorkSessionEventsRequest{StartAtTime: start, EndAtTime: start.Add(-time.Hour)})
	assertFieldError(t, err, http.StatusBadRequest, "startAtTime", gladly.CodeInvalid)
}

func TestReportRefusals(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv, gladly.WithReportRateLimit(gladly.Unlimited{}))
	ctx := t.Context()
	days := func(r gladly.CreateReportRequest) *gladly.CreateReportRequest {
		if r.MetricSet == "" && r.StartAtTime == "" {
			r.MetricSet = "ContactSummaryReport"
		}
		if r.StartAtTime == "" && r.EndAtTime == "" {
			r.StartAt, r.EndAt = cmpOr(r.StartAt, "2024-05-01"), cmpOr(r.EndAt, "2024-05-07")
		}
		return &r
	}
	for name, tc := range map[string]struct {
		req        *gladly.CreateReportRequest
		attr, code string
	}{
		"no metric set":           {&gladly.CreateReportRequest{StartAt: "2024-05-01", EndAt: "2024-05-02"}, "metricSet", gladly.CodeBlank},
		"unknown metric set":      {days(gladly.CreateReportRequest{MetricSet: "EverythingReport"}), "metricSet", gladly.CodeInvalid},
		"unknown aggregation":     {days(gladly.CreateReportRequest{AggregationLevel: "hourly"}), "aggregationLevel", gladly.CodeInvalid},
		"half-hourly over months": {days(gladly.CreateReportRequest{AggregationLevel: gladly.AggregateHalfHourly, EndAt: "2024-07-01"}), "aggregationLevel", gladly.CodeInvalid},
		"unknown channel":         {days(gladly.CreateReportRequest{Filters: &gladly.ReportFilters{Channel: "pigeon"}}), "filters.channel", gladly.CodeInvalid},
		"unknown team":            {days(gladly.CreateReportRequest{MetricSet: "AgentSummaryV2", Filters: &gladly.ReportFilters{Teams: []string{"no-such-team"}}}), "filters.teams", gladly.CodePresent},
		"IVR without phone":       {days(gladly.CreateReportRequest{MetricSet: "IVRExecutiveSummaryReportV2"}), "filters.phoneNumber", gladly.CodeBlank},
		"IVR bad phone":           {days(gladly.CreateReportRequest{MetricSet: "IvrEndStatesReportV2", Filters: &gladly.ReportFilters{PhoneNumber: "555-1234"}}), "filters.phoneNumber", gladly.CodeInvalid},
		"phone elsewhere":         {days(gladly.CreateReportRequest{Filters: &gladly.ReportFilters{PhoneNumber: "+15555555555"}}), "filters.phoneNumber", gladly.CodeInvalid},
		"bad date":                {days(gladly.CreateReportRequest{StartAt: "05/01/2024"}), "startAt", gladly.CodeInvalid},
		"no end":                  {&gladly.CreateReportRequest{MetricSet: "ContactSummaryReport", StartAt: "2024-05-01"}, "endAt", gladly.CodeBlank},
		"unknown timezone":        {days(gladly.CreateReportRequest{Timezone: "Mars/Olympus_Mons"}), "timezone", gladly.CodeInvalid},
		"times elsewhere":         {&gladly.CreateReportRequest{MetricSet: "ContactSummaryReport", StartAtTime: "2024-05-01T10:00Z", EndAtTime: "2024-05-01T12:00Z"}, "startAtTime", gladly.CodeInvalid},
		"times with dates": {&gladly.CreateReportRequest{MetricSet: "ContactExportReportV3", StartAt: "2024-05-01",
			StartAtTime: "2024-05-01T10:00Z", EndAtTime: "2024-05-01T12:00Z"}, "startAt", gladly.CodePresent},
		"times reversed": {&gladly.CreateReportRequest{MetricSet: "ContactExportReportV3",
			StartAtTime: "2024-05-01T10:00Z", EndAtTime: "2024-05-01T09:00Z"}, "startAtTime", gladly.CodeInvalid},
	} {
		_, _, err := cl.Reports.Create(ctx, tc.req)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		assertFieldError(t, err, http.StatusBadRequest, tc.attr, tc.code)
	}

	// Every refusal is reported at once, as Gladly's example shows.
	_, _, err := cl.Reports.Create(ctx, days(gladly.CreateReportRequest{AggregationLevel: "hourly", Filters: &gladly.ReportFilters{PhoneNumber: "+15555555555"}}))
	assertFieldError(t, err, http.StatusBadRequest, "filters.phoneNumber", gladly.CodeInvalid)
	assertFieldError(t, err, http.StatusBadRequest, "aggregationLevel", gladly.CodeInvalid)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestReportPeriodsAndFilters(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv, gladly.WithReportRateLimit(gladly.Unlimited{}))
	ctx := t.Context()
	table := func(req *gladly.CreateReportRequest) (*gladly.Report, []string, [][]string) {
		t.Helper()
		rep, _, err := cl.Reports.Create(ctx, req)
		if err != nil {
			t.Fatalf("%s: %v", req.MetricSet, err)
		}
		cols, rows, err := rep.Table()
		if err != nil {
			t.Fatal(err)
		}
		return rep, cols, rows
	}
	// 2024 Q1: 91 days, 13 Monday-to-Sunday weeks, 3 months, 1 quarter.
	for level, want := range map[string]int{gladly.AggregateDaily: 91, gladly.AggregateWeekly: 13, gladly.AggregateMonthly: 3, gladly.AggregateQuarterly: 1} {
		rep, _, rows := table(&gladly.CreateReportRequest{MetricSet: "ContactSummaryCountsReport", StartAt: "2024-01-01", EndAt: "2024-03-31", AggregationLevel: level})
		if len(rows) != want {
			t.Errorf("%s: %d rows, want %d", level, len(rows), want)
		}
		if rows[0][0] != "2024-01-01" {
			t.Errorf("%s: first period %q", level, rows[0][0])
		}
		if want := "ContactSummaryCountsReport-20240101-20240331-" + levelName(level) + ".csv"; rep.Filename != want {
			t.Errorf("%s: filename %q, want %q", level, rep.Filename, want)
		}
	}
	_, _, rows := table(&gladly.CreateReportRequest{MetricSet: "ChannelMixReportV2", StartAt: "2024-01-01", EndAt: "2024-01-01", AggregationLevel: gladly.AggregateHalfHourly})
	if len(rows) != 48 || rows[1][0] != "2024-01-01 00:30" {
		t.Errorf("half-hourly day: %d rows, second %v", len(rows), rows[1])
	}

	// Agent reports have a row per agent and period; a team filter keeps its members.
	_, cols, rows := table(&gladly.CreateReportRequest{MetricSet: "AgentSummaryV2", StartAt: "2024-05-01", EndAt: "2024-05-01"})
	if cols[1] != "Agent ID" || len(rows) < 20 {
		t.Errorf("agent report: %v, %d rows", cols, len(rows))
	}
	billing, _, err := cl.Teams.Get(ctx, gladlytest.DemoTeamID("Billing"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, rows = table(&gladly.CreateReportRequest{MetricSet: "AgentSummaryV2", StartAt: "2024-05-01", EndAt: "2024-05-01", Filters: &gladly.ReportFilters{Teams: []string{billing.ID}}})
	var got []string
	for _, r := range rows {
		got = append(got, r[1])
	}
	if !cmp.Equal(got, billing.AgentIDs) {
		t.Errorf("team-filtered agents %v, want the team's %v", got, billing.AgentIDs)
	}

	// The topic report has a row per topic and period.
	_, cols, rows = table(&gladly.CreateReportRequest{MetricSet: "TopicHierarchyReport", StartAt: "2024-05-01", EndAt: "2024-05-03"})
	perDay := map[string]int{}
	for _, r := range rows {
		perDay[r[0]]++
	}
	if cols[2] != "Topic" || len(perDay) != 3 || perDay["2024-05-01"] < 10 || perDay["2024-05-01"] != perDay["2024-05-03"] {
		t.Errorf("topic report: %v, rows per day %v; want every topic on each of 3 days", cols, perDay)
	}

	// Same request, same report.
	a, _, _ := table(&gladly.CreateReportRequest{MetricSet: "AgentAwayTimeReport", StartAt: "2024-05-01", EndAt: "2024-05-02"})
	b, _, _ := table(&gladly.CreateReportRequest{MetricSet: "AgentAwayTimeReport", StartAt: "2024-05-01", EndAt: "2024-05-02"})
	if string(a.CSV) != string(b.CSV) {
		t.Errorf("the same report differs between two requests")
	}

	// A time-range report is named by its minutes.
	rep, _, _ := table(&gladly.CreateReportRequest{MetricSet: "ContactExportReportV3", StartAtTime: "2024-05-01T10:00Z", EndAtTime: "2024-05-01T20:00Z"})
	if rep.Filename != "ContactExportReportV3-20240501T1000Z-20240501T2000Z.csv" {
		t.Errorf("time-range report filename %q", rep.Filename)
	}
}

func levelName(level string) string {
	return map[string]string{"daily": "Daily", "weekly": "Weekly", "monthly": "Monthly", "quarterly": "Quarterly"}[level]
}

// TestReportsKeepTheReportLimit: reports go through the report limiter (10 per minute per
// organization), so the client stops itself before Gladly would answer 429; without it, the
// fake does answer 429.
func TestReportsKeepTheReportLimit(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)} // one minute for the fake
	srv := gladlytest.NewServer(t, gladlytest.WithRateLimit(1000), gladlytest.WithClock(clk.now))
	req := &gladly.CreateReportRequest{MetricSet: "ContactSummaryReport", StartAt: "2024-05-01", EndAt: "2024-05-01"}

	limited := newClient(t, srv, gladly.WithReportRateLimit(gladly.NewReportLimiter()))
	for i := range gladly.ReportsPerMinute {
		if _, _, err := limited.Reports.Create(t.Context(), req); err != nil {
			t.Fatalf("report %d: %v", i+1, err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, _, err := limited.Reports.Create(ctx, req)
	if !errors.Is(err, gladly.ErrLimiterDeadline) || srv.Calls("createReport") != gladly.ReportsPerMinute {
		t.Errorf("11th report in the minute: %v after %d calls; want the limiter to hold it back", err, srv.Calls("createReport"))
	}

	unlimited := newClient(t, srv, gladly.WithReportRateLimit(gladly.Unlimited{}), gladly.WithRetry(gladly.NoRetry()))
	if _, _, err := unlimited.Reports.Create(t.Context(), req); !gladly.IsRateLimited(err) {
		t.Errorf("11th report past the client limiter: %v, want 429 from Gladly", err)
	}
}

func TestParseReportCSV(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in   string
		cols []string
		rows [][]string
	}{
		"plain":       {"A,B\n1,2\n3,4\n", []string{"A", "B"}, [][]string{{"1", "2"}, {"3", "4"}}},
		"bom":         {"\ufeffTimestamp,Event Type\n2024-05-01,X\n", []string{"Timestamp", "Event Type"}, [][]string{{"2024-05-01", "X"}}},
		"blank lines": {"\ufeff\r\n\n  \nA,B\r\n1,\"two, quoted\"\r\n", []string{"A", "B"}, [][]string{{"1", "two, quoted"}}},
		"header only": {"A,B\n", []string{"A", "B"}, nil},
		"empty":       {"", nil, nil},
		"bom only":    {"\ufeff\n", nil, nil},
	} {
		cols, rows, err := gladly.ParseReportCSV([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !cmp.Equal(cols, tc.cols) || !cmp.Equal(rows, tc.rows, cmpopts.EquateEmpty()) {
			t.Errorf("%s: %q %q, want %q %q", name, cols, rows, tc.cols, tc.rows)
		}
	}
}
