package graph

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph/model"
	"github.com/gladgraph/gladgraph/loaders"
)

// The admin domain's pieces behind admin.resolvers.go: the events stream's limit, input checks
// and the mapping of the schema's inputs to Gladly's bodies.

// MaxEventsPerRequest is how many events one events query reads from Gladly's stream. A busy
// organization records tens of thousands of events a day, and a connection's totalCount and
// cursors need the whole window in memory; at about half a kilobyte an event this bounds one
// request to a few megabytes. Past it the stream is closed and the connection says truncated.
const MaxEventsPerRequest = 5000

// errEventsLimit stops the stream once the limit is passed.
var errEventsLimit = errors.New("events limit reached")

// readEvents reads the stream oldest first, at most limit events; truncated is true when the
// window holds more.
func readEvents(ctx context.Context, c *gladly.Client, opts gladly.ListEventsOptions, limit int) (events []*gladly.Event, truncated bool, err error) {
	loaders.MarkVolatile(ctx)
	_, err = c.Events.Stream(ctx, opts, func(e *gladly.Event) error {
		if len(events) == limit {
			return errEventsLimit
		}
		events = append(events, e)
		return nil
	})
	if errors.Is(err, errEventsLimit) {
		return events, true, nil
	}
	return events, false, err
}

// eventsOptions checks the window locally (Gladly's 24 hours, end after start) so that a
// request Gladly would refuse is never sent.
func eventsOptions(now, startAt time.Time, endAt *time.Time, entities []model.EventEntity) (gladly.ListEventsOptions, error) {
	opts := gladly.ListEventsOptions{StartAt: startAt}
	if startAt.Before(now.Add(-gladly.EventsWindow)) {
		return opts, errBadInput("startAt must be within the last 24 hours")
	}
	end := now
	if endAt != nil {
		end, opts.EndAt = *endAt, *endAt
	}
	if !end.After(startAt) {
		if endAt == nil {
			return opts, errBadInput("startAt must be in the past when endAt is omitted")
		}
		return opts, errBadInput("endAt must be after startAt")
	}
	if len(entities) == 0 {
		return opts, errBadInput("entities must name at least one kind of event")
	}
	for _, e := range entities {
		if !slices.Contains(opts.Entities, string(e)) {
			opts.Entities = append(opts.Entities, string(e))
		}
	}
	return opts, nil
}

// exportJobsOptions checks the filters against Gladly's 14-day retention locally.
func exportJobsOptions(now time.Time, status *model.ExportJobStatus, startAt, endAt *time.Time) (gladly.ListExportJobsOptions, error) {
	var opts gladly.ListExportJobsOptions
	if status != nil {
		opts.Status = string(*status)
	}
	start := now.Add(-gladly.ExportRetention)
	if startAt != nil {
		if startAt.Before(start) {
			return opts, errBadInput("startAt must be at most 14 days ago: older export jobs are gone")
		}
		start, opts.StartAt = *startAt, *startAt
	}
	if endAt != nil {
		if endAt.After(now) {
			return opts, errBadInput("endAt must not be in the future")
		}
		if endAt.Before(start) {
			return opts, errBadInput("endAt must not be before startAt")
		}
		opts.EndAt = *endAt
	}
	return opts, nil
}

// exportJob reads a job live; a job Gladly no longer has is null.
func (r *Resolver) exportJob(ctx context.Context, id string) (*model.ExportJob, error) {
	loaders.MarkVolatile(ctx)
	j, _, err := r.gladly(ctx).Exports.GetJob(ctx, id)
	if gladly.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return model.NewExportJob(j), nil
}

// invalidateWebhook drops the cached webhook and the webhooks list (Ref.tags). A cache that
// cannot be reached is logged, not reported: the write itself succeeded.
func (r *Resolver) invalidateWebhook(ctx context.Context, id string) {
	if err := loaders.For(ctx).Invalidate(ctx, loaders.Ref{Kind: loaders.KindWebhook, ID: id}); err != nil {
		r.Log.Warn().Err(err).Str("webhook", id).Msg("graph: webhook invalidation failed")
	}
}

// webhookAfterWrite reads a written webhook back through the loaders (after invalidation, so
// the new state). Gladly names a new webhook in Location; should it not, the URL, unique across
// webhooks, finds it.
func (r *Resolver) webhookAfterWrite(ctx context.Context, id, url string) (*model.Webhook, error) {
	l := loaders.For(ctx)
	if id != "" {
		w, err := l.Webhooks.Load(ctx, id)
		return model.NewWebhook(w), err
	}
	all, err := l.AllWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range all.Items {
		if w.URL == url {
			return model.NewWebhook(w), nil
		}
	}
	return nil, nil
}

// maxWebhookName is Gladly's limit on a webhook's name.
const maxWebhookName = 200

// webhookInput is what createWebhook and updateWebhook share; nil means not given.
type webhookInput struct {
	name        *string
	url         *string
	events      []string
	credentials *model.WebhookCredentialsInput
	headers     []*model.WebhookHeaderInput
}

// check refuses what Gladly would refuse (paths under "input").
func (in webhookInput) check(v *validation, create bool) {
	if in.name != nil {
		v.maxLen(fieldPath("input", "name"), *in.name, maxWebhookName)
	}
	if in.url != nil || create {
		p, u := fieldPath("input", "url"), ""
		if in.url != nil {
			u = *in.url
		}
		if v.required(p, u) && !webhookURL(u) {
			v.add(p, model.UserErrorCodeInvalid, "url must be an absolute https:// URL without user information")
		}
	}
	if in.events != nil || create {
		if len(in.events) == 0 {
			v.add(fieldPath("input", "events"), model.UserErrorCodeBlank, "events must name at least one event type")
		}
		for i, e := range in.events {
			if strings.TrimSpace(e) == "" {
				v.add(fieldPath("input", "events", i), model.UserErrorCodeBlank, "an event type cannot be blank")
			}
		}
	}
	if c := in.credentials; c != nil {
		v.required(fieldPath("input", "credentials", "username"), c.Username)
		v.required(fieldPath("input", "credentials", "password"), c.Password)
	}
	seen := map[string]bool{}
	for i, h := range in.headers {
		p := fieldPath("input", "headers", i, "name")
		switch {
		case !v.required(p, h.Name):
		case !headerName(h.Name):
			v.add(p, model.UserErrorCodeInvalid, "name must be an HTTP header name (letters, digits and !#$%%&'*+-.^_`|~)")
		case seen[strings.ToLower(h.Name)]:
			v.add(p, model.UserErrorCodeTaken, "header %s is given twice (header names are case-insensitive)", h.Name)
		}
		seen[strings.ToLower(h.Name)] = true
		if strings.ContainsAny(h.Value, "\r\n") {
			v.add(fieldPath("input", "headers", i, "value"), model.UserErrorCodeInvalid, "value cannot contain line breaks")
		}
	}
}

// webhookURL reports whether s is an absolute https URL; credentials go in `credentials`, never
// in the URL (Gladly refuses both).
func webhookURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil
}

// headerName reports whether s is an HTTP header name (an RFC 9110 token).
func headerName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", c)
		if !ok {
			return false
		}
	}
	return true
}

func webhookCredentials(c *model.WebhookCredentialsInput) *gladly.WebhookCredentials {
	if c == nil {
		return nil
	}
	out := &gladly.WebhookCredentials{Username: c.Username, Password: c.Password}
	if c.Realm != nil {
		out.Realm = *c.Realm
	}
	return out
}

// webhookHeaders is Gladly's headers object; an empty list given is an empty object (it clears
// the headers on update), none given is nil (left out).
func webhookHeaders(hs []*model.WebhookHeaderInput) map[string]string {
	if hs == nil {
		return nil
	}
	out := make(map[string]string, len(hs))
	for _, h := range hs {
		out[h.Name] = h.Value
	}
	return out
}

// reportRequest checks a createReport input locally and maps it to Gladly's body: the schema's
// enums to Gladly's spelling, groups to Gladly's teams.
func reportRequest(v *validation, in model.CreateReportInput) *gladly.CreateReportRequest {
	body := &gladly.CreateReportRequest{MetricSet: in.MetricSet}
	v.required(fieldPath("input", "metricSet"), in.MetricSet)
	if in.StartAtTime != nil || in.EndAtTime != nil {
		for _, f := range []struct {
			name string
			v    *string
		}{{"startAt", in.StartAt}, {"endAt", in.EndAt}, {"timezone", in.Timezone}} {
			if f.v != nil {
				v.add(fieldPath("input", f.name), model.UserErrorCodePresent, "%s must be omitted when startAtTime and endAtTime are given", f.name)
			}
		}
		start, okStart := reportInstant(v, "startAtTime", in.StartAtTime)
		end, okEnd := reportInstant(v, "endAtTime", in.EndAtTime)
		if okStart && okEnd && !end.After(start) {
			v.add(fieldPath("input", "endAtTime"), model.UserErrorCodeInvalid, "endAtTime must be after startAtTime")
		}
		body.StartAtTime, body.EndAtTime = reportField(in.StartAtTime), reportField(in.EndAtTime)
	} else {
		start, okStart := reportDay(v, "startAt", in.StartAt)
		end, okEnd := reportDay(v, "endAt", in.EndAt)
		if okStart && okEnd && end.Before(start) {
			v.add(fieldPath("input", "endAt"), model.UserErrorCodeInvalid, "endAt must not be before startAt")
		}
		if in.Timezone != nil {
			// Whether a name is in the IANA database is Gladly's to say: this process's copy may
			// be older than Gladly's.
			v.required(fieldPath("input", "timezone"), *in.Timezone)
		}
		body.StartAt, body.EndAt, body.Timezone = reportField(in.StartAt), reportField(in.EndAt), reportField(in.Timezone)
	}
	if in.AggregationLevel != nil {
		body.AggregationLevel = gladlyEnum(string(*in.AggregationLevel))
	}
	if f := in.Filters; f != nil {
		filters := &gladly.ReportFilters{Inboxes: f.InboxIds, Teams: f.GroupIds}
		if f.Channel != nil {
			filters.Channel = gladlyEnum(string(*f.Channel))
		}
		for _, ids := range []struct {
			name string
			ids  []string
		}{{"inboxIds", f.InboxIds}, {"groupIds", f.GroupIds}} {
			for i, id := range ids.ids {
				if strings.TrimSpace(id) == "" {
					v.add(fieldPath("input", "filters", ids.name, i), model.UserErrorCodeBlank, "an id in %s cannot be blank", ids.name)
				}
			}
		}
		if f.PhoneNumber != nil {
			v.phone(fieldPath("input", "filters", "phoneNumber"), *f.PhoneNumber)
			filters.PhoneNumber = *f.PhoneNumber
		}
		if filters.Channel != "" || len(filters.Inboxes) > 0 || len(filters.Teams) > 0 || filters.PhoneNumber != "" {
			body.Filters = filters
		}
	}
	return body
}

// reportAttrs are Gladly's report attributes whose schema names differ.
var reportAttrs = attrMap{
	"filters.inboxes": {"input", "filters", "inboxIds"},
	"filters.teams":   {"input", "filters", "groupIds"},
}

// reportDay reads a report date, YYYY-MM-DD.
func reportDay(v *validation, name string, s *string) (time.Time, bool) {
	p := fieldPath("input", name)
	if s == nil {
		v.add(p, model.UserErrorCodeBlank, "%s is required unless startAtTime and endAtTime are given", name)
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, *s)
	if err != nil {
		v.add(p, model.UserErrorCodeInvalid, "%s must be a date, YYYY-MM-DD", name)
		return time.Time{}, false
	}
	return t, true
}

// reportInstant reads a report time to the minute, YYYY-MM-DDThh:mmZ (or an offset).
func reportInstant(v *validation, name string, s *string) (time.Time, bool) {
	p := fieldPath("input", name)
	if s == nil {
		other := "endAtTime"
		if name == other {
			other = "startAtTime"
		}
		v.add(p, model.UserErrorCodeBlank, "%s is required with %s", name, other)
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02T15:04Z07:00", *s)
	if err != nil {
		v.add(p, model.UserErrorCodeInvalid, "%s must be a time to the minute, YYYY-MM-DDThh:mmZ", name)
		return time.Time{}, false
	}
	return t, true
}

// gladlyEnum spells a schema enum value as Gladly does: HALF_HOURLY → halfHourly,
// FB_MESSENGER → fbMessenger, ALL_CHANNELS → allChannels.
func gladlyEnum(v string) string {
	var b strings.Builder
	for i, w := range strings.Split(strings.ToLower(v), "_") {
		if i > 0 && w != "" {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	return b.String()
}

// newReport parses a report's CSV into the schema's table. Short rows are padded so that each
// row has one cell per column.
func newReport(metricSet string, rep *gladly.Report) (*model.Report, error) {
	columns, rows, err := gladly.ParseReportCSV(rep.CSV)
	if err != nil {
		return nil, fmt.Errorf("createReport: %w", err)
	}
	if columns == nil {
		columns = []string{}
	}
	if rows == nil {
		rows = [][]string{}
	}
	for i, row := range rows {
		if len(row) < len(columns) {
			rows[i] = append(row, make([]string, len(columns)-len(row))...)
		}
	}
	out := &model.Report{
		MetricSet: metricSet,
		Columns:   columns,
		Rows:      rows,
		RowCount:  len(rows),
		CSV:       strings.TrimPrefix(string(rep.CSV), "\ufeff"),
	}
	if rep.Filename != "" {
		out.Filename = &rep.Filename
	}
	return out, nil
}

// reportField is an optional report input as Gladly's body takes it (omitted when empty).
func reportField(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
