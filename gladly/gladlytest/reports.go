package gladlytest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // report timezones must resolve wherever the fake runs
)

func (s *Server) reportRoutes() []route {
	return []route{
		{pattern: "POST /api/v1/reports", op: "createReport", report: true, h: s.createReport},
		{pattern: "POST /api/v1/reports/work-session-events", op: "createWorkSessionEventsReport", report: true, h: s.createWorkSessionEventsReport},
	}
}

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var (
	// metricSets are the report kinds of both revisions of Gladly's spec (newer values are
	// accepted as Gladly adds them within v1).
	metricSets = setOf(`AgentAwayTimeReport AgentAvailableTimeReportV2 AgentDurationsReport AgentDurationsReportV2
		AgentLoginTimeReport AgentSummary AgentSummaryV2 AgentSummaryGlanceReport AgentSummaryGlanceReportV2
		AgentTimestampsReport FirstContactResolutionByAgentV2Report PaymentsByAgentReport WorkSessionEventsReportV3
		WorkSessionEventsReportV4 WorkSessionsReport WorkSessionsReportV3 AnswerUsageReport AnswerUsageByAgentReport
		ChannelMixReportV2 ChannelWaitTimeReport ChannelWaitTimeReportV2 ContactExportReport ContactExportReportV2
		ContactExportReportV3 ContactSummaryReport ContactSummaryReportV2 ContactSummaryCountsReport
		ContactSummaryDurationsReport ContactSummaryDurationsReportV2 ContactTimestampsReport ConversationExportReport
		ConversationSidekickExportReport ConversationSummaryReport ConversationTimestampsReport AbandonedCallsInIVRReport
		AutoThrottleMissedConversationsReport IVRExecutiveSummaryReportV2 IvrEndStatesReportV2 PaymentsSummaryReport
		ProactiveVoiceSummaryReport TopicHierarchyReport TaskExportReport TaskSummaryReport TaskTimestampsReport
		TopicSummaryReport AutoThrottleChangesReport ChatDisplayPctChangesReport HelpCenterAnswerSearchReport
		HelpCenterAnswerUsageReport QuickActionsUsageReport SelfServiceThreadsReport SidekickAssistsByClassificationTopicReport
		GladAppAnswerSearchReport GladAppAnswerUsageReport GladAppContactPointsReport GladlyAISessionsDetailReport
		GladlyAISessionsDetailWithMessagesReport`)
	// aggregatedSets are the metric sets aggregationLevel applies to (the spec lists them).
	aggregatedSets = setOf(`AgentAwayTimeReport AgentLoginTimeReport AgentSummary AgentSummaryV2 AgentSummaryGlanceReport
		AgentSummaryGlanceReportV2 FirstContactResolutionByAgentV2Report AnswerUsageReport AnswerUsageByAgentReport
		ChannelMixReportV2 ChannelWaitTimeReport ChannelWaitTimeReportV2 ContactSummaryReport ContactSummaryReportV2
		ContactSummaryCountsReport ContactSummaryDurationsReport ContactSummaryDurationsReportV2 ConversationSummaryReport
		AbandonedCallsInIVRReport AutoThrottleMissedConversationsReport PaymentsSummaryReport ProactiveVoiceSummaryReport
		TopicHierarchyReport TaskSummaryReport HelpCenterAnswerUsageReport QuickActionsUsageReport GladAppAnswerUsageReport`)
	// ivrSets require filters.phoneNumber; no other metric set takes it.
	ivrSets = setOf(`IVRExecutiveSummaryReportV2 IvrEndStatesReportV2`)
	// timeRangeSets take startAtTime/endAtTime instead of dates. Gladly's text names
	// "AgentSummaryReport", which no metric set is called; AgentSummary is read for it.
	timeRangeSets     = setOf(`AgentSummary ContactExportReportV3`)
	reportChannels    = setOf(`allChannels chat email fbMessenger sms twitter voice whatsapp instagramDirect`)
	aggregationLevels = map[string]string{"halfHourly": "HalfHourly", "daily": "Daily", "weekly": "Weekly", "monthly": "Monthly", "quarterly": "Quarterly"}
)

// maxHalfHourlyDays bounds half-hourly reports: Gladly offers that level for short ranges only
// (its limit is not documented; a month is assumed).
const maxHalfHourlyDays = 31

type reportInput struct {
	MetricSet        string  `json:"metricSet"`
	Timezone         *string `json:"timezone"`
	StartAt          *string `json:"startAt"`
	EndAt            *string `json:"endAt"`
	StartAtTime      *string `json:"startAtTime"`
	EndAtTime        *string `json:"endAtTime"`
	AggregationLevel string  `json:"aggregationLevel"`
	Filters          struct {
		Channel     string   `json:"channel"`
		Inboxes     []string `json:"inboxes"`
		Teams       []string `json:"teams"`
		PhoneNumber *string  `json:"phoneNumber"`
	} `json:"filters"`
}

// reportQuery is a validated report request.
type reportQuery struct {
	metricSet string
	level     string    // aggregation level ("daily" by default)
	from, to  time.Time // [from, to)
	loc       *time.Location
	inboxes   map[string]bool // nil: all
	agents    map[string]bool // members of the teams filter; nil: all
	channel   string
	filename  string
}

func (s *Server) createReport(w http.ResponseWriter, r *http.Request) {
	var in reportInput
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	q, errs := s.checkReport(&in)
	var columns []string
	var rows [][]string
	if len(errs) == 0 {
		columns, rows = s.buildReport(q)
	}
	s.mu.Unlock()
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	writeCSV(w, q.filename, columns, rows)
}

// checkReport applies Gladly's rules to a report request, collecting every refusal as Gladly's
// examples do. Callers hold s.mu (filters name inboxes and teams).
func (s *Server) checkReport(in *reportInput) (*reportQuery, []fieldError) {
	var errs []fieldError
	q := &reportQuery{metricSet: in.MetricSet, level: "daily", channel: "allChannels"}
	switch {
	case in.MetricSet == "":
		errs = append(errs, fieldError{Attr: "metricSet", Code: "blank", Detail: "metricSet must be specified"})
	case !metricSets[in.MetricSet]:
		errs = append(errs, fieldError{Attr: "metricSet", Code: "invalid", Detail: "the specified value is not a valid metricSet"})
	}
	if in.AggregationLevel != "" {
		if _, ok := aggregationLevels[in.AggregationLevel]; !ok {
			errs = append(errs, fieldError{Attr: "aggregationLevel", Code: "invalid", Detail: "the specified value is not a valid aggregation level"})
		} else {
			q.level = in.AggregationLevel
		}
	}

	if in.StartAtTime != nil || in.EndAtTime != nil {
		errs = append(errs, s.checkReportTimes(in, q)...)
	} else {
		errs = append(errs, s.checkReportDates(in, q)...)
	}
	if q.level == "halfHourly" && q.to.Sub(q.from) > maxHalfHourlyDays*24*time.Hour {
		errs = append(errs, fieldError{Attr: "aggregationLevel", Code: "invalid", Detail: fmt.Sprintf("halfHourly aggregation is available for ranges of up to %d days", maxHalfHourlyDays)})
	}

	f := in.Filters
	if f.Channel != "" {
		if !reportChannels[f.Channel] {
			errs = append(errs, fieldError{Attr: "filters.channel", Code: "invalid", Detail: "the specified value is not a valid channel"})
		}
		q.channel = f.Channel
	}
	if len(f.Inboxes) > 0 {
		q.inboxes = map[string]bool{}
		for _, id := range f.Inboxes {
			if !s.db.inboxes.has(id) {
				errs = append(errs, fieldError{Attr: "filters.inboxes", Code: "present", Detail: "the requested inbox does not exist"})
				break
			}
			q.inboxes[id] = true
		}
	}
	if len(f.Teams) > 0 {
		q.agents = map[string]bool{}
		for _, id := range f.Teams {
			t, ok := s.db.teams.get(id)
			if !ok {
				errs = append(errs, fieldError{Attr: "filters.teams", Code: "present", Detail: "the requested team does not exist"})
				break
			}
			for _, a := range t.AgentIDs {
				q.agents[a] = true
			}
		}
	}
	switch {
	case ivrSets[in.MetricSet] && (f.PhoneNumber == nil || *f.PhoneNumber == ""):
		errs = append(errs, fieldError{Attr: "filters.phoneNumber", Code: "blank", Detail: "the phoneNumber filter is required for the " + in.MetricSet + " metricSet"})
	case ivrSets[in.MetricSet] && !validE164(*f.PhoneNumber):
		errs = append(errs, fieldError{Attr: "filters.phoneNumber", Code: "invalid", Detail: "phoneNumber must be in E.164 format"})
	case !ivrSets[in.MetricSet] && f.PhoneNumber != nil:
		errs = append(errs, fieldError{Attr: "filters.phoneNumber", Code: "invalid", Detail: "the phoneNumber filter cannot be applied to the " + in.MetricSet + " metricSet"})
	}
	return q, errs
}

// checkReportDates reads startAt/endAt: whole days in the report's timezone.
func (s *Server) checkReportDates(in *reportInput, q *reportQuery) []fieldError {
	var errs []fieldError
	q.loc = time.UTC
	if loc, err := time.LoadLocation(s.db.org.Timezone); err == nil {
		q.loc = loc
	}
	if in.Timezone != nil {
		loc, err := time.LoadLocation(*in.Timezone)
		if *in.Timezone == "" || err != nil {
			errs = append(errs, fieldError{Attr: "timezone", Code: "invalid", Detail: "timezone must be an IANA timezone name"})
		} else {
			q.loc = loc
		}
	}
	date := func(attr string, v *string) (time.Time, bool) {
		if v == nil || *v == "" {
			errs = append(errs, fieldError{Attr: attr, Code: "blank", Detail: attr + " must be specified"})
			return time.Time{}, false
		}
		t, err := time.ParseInLocation(time.DateOnly, *v, q.loc)
		if err != nil {
			errs = append(errs, fieldError{Attr: attr, Code: "invalid", Detail: attr + " must be a date in the format YYYY-mm-dd"})
			return time.Time{}, false
		}
		return t, true
	}
	from, okFrom := date("startAt", in.StartAt)
	last, okTo := date("endAt", in.EndAt)
	if !okFrom || !okTo {
		return errs
	}
	if last.Before(from) {
		return append(errs, fieldError{Attr: "endAt", Code: "invalid", Detail: "endAt must not be before startAt"})
	}
	q.from, q.to = from, last.AddDate(0, 0, 1) // the report includes the whole endAt day
	q.filename = fmt.Sprintf("%s-%s-%s", q.metricSet, from.Format("20060102"), last.Format("20060102"))
	if aggregatedSets[q.metricSet] {
		q.filename += "-" + aggregationLevels[q.level]
	}
	q.filename += ".csv"
	return errs
}

// checkReportTimes reads startAtTime/endAtTime, which only two metric sets take, and then
// without startAt, endAt or timezone.
func (s *Server) checkReportTimes(in *reportInput, q *reportQuery) []fieldError {
	var errs []fieldError
	if !timeRangeSets[in.MetricSet] {
		return append(errs, fieldError{Attr: "startAtTime", Code: "invalid", Detail: "startAtTime and endAtTime cannot be applied to the " + in.MetricSet + " metricSet"})
	}
	for _, f := range []struct {
		attr string
		v    *string
	}{{"startAt", in.StartAt}, {"endAt", in.EndAt}, {"timezone", in.Timezone}} {
		if f.v != nil {
			errs = append(errs, fieldError{Attr: f.attr, Code: "present", Detail: f.attr + " must be omitted when startAtTime and endAtTime are given"})
		}
	}
	from, to, terrs := reportWindow(in.StartAtTime, in.EndAtTime)
	errs = append(errs, terrs...)
	if len(errs) > 0 {
		return errs
	}
	q.loc, q.from, q.to = time.UTC, from, to
	q.filename = fmt.Sprintf("%s-%s-%s.csv", q.metricSet, from.UTC().Format("20060102T1504Z"), to.Add(-time.Minute).UTC().Format("20060102T1504Z"))
	return nil
}

// reportWindow reads a startAtTime/endAtTime pair ("2006-01-02T15:04Z07:00"); endAtTime is
// inclusive to the minute, so the window is [start, end+1min).
func reportWindow(startAt, endAt *string) (from, to time.Time, errs []fieldError) {
	read := func(attr string, v *string) (time.Time, bool) {
		if v == nil || *v == "" {
			errs = append(errs, fieldError{Attr: attr, Code: "blank", Detail: attr + " must be specified"})
			return time.Time{}, false
		}
		t, ok := parseISOTime(*v)
		if !ok {
			errs = append(errs, fieldError{Attr: attr, Code: "invalid", Detail: attr + " must be in the format YYYY-mm-ddThh:mmZ"})
		}
		return t, ok
	}
	from, okFrom := read("startAtTime", startAt)
	end, okTo := read("endAtTime", endAt)
	if okFrom && okTo && !end.After(from) {
		errs = append(errs, fieldError{Attr: "startAtTime", Code: "invalid", Detail: "endAtTime must occur after startAtTime"})
	}
	return from, end.Add(time.Minute), errs
}

// writeCSV answers a report: a header row of human-readable columns and the rows, after a
// byte order mark as Gladly's files may carry. A report without rows is an empty body.
func writeCSV(w http.ResponseWriter, filename string, columns []string, rows [][]string) {
	var buf bytes.Buffer
	if len(rows) > 0 {
		buf.WriteString("\ufeff")
		cw := csv.NewWriter(&buf)
		_ = cw.Write(columns)
		_ = cw.WriteAll(rows)
	}
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("Content-Disposition", "attachment; filename="+filename)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

type wseInput struct {
	StartAtTime *string `json:"startAtTime"`
	EndAtTime   *string `json:"endAtTime"`
}

func (s *Server) createWorkSessionEventsReport(w http.ResponseWriter, r *http.Request) {
	var in wseInput
	if !decodeBody(w, r, &in) {
		return
	}
	from, to, errs := reportWindow(in.StartAtTime, in.EndAtTime)
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	s.mu.Lock()
	rows := s.workSessionRows(from, to)
	s.mu.Unlock()
	name := fmt.Sprintf("WorkSessionEventsReport-%s-%s.csv", from.UTC().Format("20060102T1504Z"), to.Add(-time.Minute).UTC().Format("20060102T1504Z"))
	writeCSV(w, name, workSessionColumns, rows)
}
