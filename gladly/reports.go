package gladly

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"
)

// Report aggregation levels (the metric set decides which apply; daily is the default).
const (
	AggregateHalfHourly = "halfHourly"
	AggregateDaily      = "daily"
	AggregateWeekly     = "weekly"
	AggregateMonthly    = "monthly"
	AggregateQuarterly  = "quarterly"
)

// CreateReportRequest is the body of createReport. A report covers whole days, StartAt to EndAt
// inclusive, in Timezone (default: the organization's); the two metric sets that take a time
// range use StartAtTime/EndAtTime instead, and then StartAt, EndAt and Timezone stay empty.
type CreateReportRequest struct {
	MetricSet string `json:"metricSet"` // e.g. "ConversationExportReport"
	Timezone  string `json:"timezone,omitempty"`
	// StartAt and EndAt are dates, "2006-01-02" (see ReportDate).
	StartAt string `json:"startAt,omitempty"`
	EndAt   string `json:"endAt,omitempty"`
	// StartAtTime and EndAtTime are minutes, "2006-01-02T15:04Z07:00" (see ReportTime).
	StartAtTime      string         `json:"startAtTime,omitempty"`
	EndAtTime        string         `json:"endAtTime,omitempty"`
	AggregationLevel string         `json:"aggregationLevel,omitempty"`
	Filters          *ReportFilters `json:"filters,omitempty"`
}

// ReportFilters narrow a report; each applies to some metric sets only.
type ReportFilters struct {
	// Channel is allChannels (default), chat, email, fbMessenger, sms, twitter, voice, whatsapp
	// or instagramDirect.
	Channel string   `json:"channel,omitempty"`
	Inboxes []string `json:"inboxes,omitempty"` // every id must exist
	Teams   []string `json:"teams,omitempty"`   // every id must exist
	// PhoneNumber (E.164) is required by the IVR metric sets and refused by the others.
	PhoneNumber string `json:"phoneNumber,omitempty"`
}

// WorkSessionEventsRequest is the window of a work-session-events report; EndAtTime is
// inclusive to the minute. Gladly anchors rows on when a contact ended, so EndAtTime = now
// catches contacts that ended late.
type WorkSessionEventsRequest struct {
	StartAtTime time.Time
	EndAtTime   time.Time
}

// Report is a generated CSV report.
type Report struct {
	// Filename is the attachment name Gladly gave it, e.g.
	// "ConversationExportReport-20240501-20240507.csv".
	Filename string
	CSV      []byte
}

// ReportDate formats the date of t (in t's location) as reports take it.
func ReportDate(t time.Time) string { return t.Format(time.DateOnly) }

// ReportTime formats t to the minute as reports take it.
func ReportTime(t time.Time) string { return t.Format("2006-01-02T15:04Z07:00") }

// Create generates a report. Reports pass the report limiter (10 per minute, 2 at once per
// organization) and, having no id, are never retried.
// Gladly: POST /api/v1/reports (createReport)
func (s *ReportsService) Create(ctx context.Context, body *CreateReportRequest) (*Report, *Response, error) {
	return s.client.report(ctx, "createReport", "/api/v1/reports", body)
}

// WorkSessionEvents generates the legacy (V2) work session report: one row per contact and
// per agent work session.
// Gladly: POST /api/v1/reports/work-session-events
func (s *ReportsService) WorkSessionEvents(ctx context.Context, body *WorkSessionEventsRequest) (*Report, *Response, error) {
	if body.StartAtTime.IsZero() || body.EndAtTime.IsZero() {
		return nil, nil, &ArgumentError{Detail: "work session report: StartAtTime and EndAtTime are required"}
	}
	wire := map[string]string{"startAtTime": ReportTime(body.StartAtTime), "endAtTime": ReportTime(body.EndAtTime)}
	return s.client.report(ctx, "createWorkSessionEventsReport", "/api/v1/reports/work-session-events", wire)
}

func (c *Client) report(ctx context.Context, op, path string, body any) (*Report, *Response, error) {
	req, err := c.NewRequest(op, http.MethodPost, path, nil, body)
	if err != nil {
		return nil, nil, err
	}
	req.Report = true
	req.Accept = "text/csv"
	resp, err := c.DoRaw(ctx, req)
	if err != nil {
		return nil, resp, err
	}
	// Reading to the end and closing frees the report slot.
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, resp, fmt.Errorf("gladly: %s: read report: %w", op, err)
	}
	r := &Report{CSV: b}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		r.Filename = params["filename"]
	}
	return r, resp, nil
}

// Table parses the report: its header row and its data rows.
func (r *Report) Table() (columns []string, rows [][]string, err error) {
	return ParseReportCSV(r.CSV)
}

// ParseReportCSV reads a report's CSV: the first non-blank line names the columns. A UTF-8 byte
// order mark and blank lines before the header, which Gladly's files may carry, are skipped; an
// empty report (Gladly sends no header when there are no rows) has no columns and no rows.
func ParseReportCSV(b []byte) (columns []string, rows [][]string, err error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for len(b) > 0 {
		line, rest, _ := bytes.Cut(b, []byte("\n"))
		if len(bytes.TrimSpace(line)) > 0 {
			break
		}
		b = rest
	}
	if len(b) == 0 {
		return nil, nil, nil
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1 // a row cut short is the caller's to judge, not a parse failure
	records, err := cr.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("gladly: report CSV: %w", err)
	}
	if len(records) == 0 {
		return nil, nil, nil
	}
	return records[0], records[1:], nil
}
