package gladlytest

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

func (s *Server) exportRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/export/schedules", op: "findSchedules", h: s.findSchedules},
		{pattern: "GET /api/v1/export/jobs", op: "findJobs", h: s.findJobs},
		{pattern: "GET /api/v1/export/jobs/{jobId}", op: "getJob", h: s.getJob},
		{pattern: "DELETE /api/v1/export/jobs/{jobId}", op: "deleteJob", h: s.deleteJob},
		{pattern: "GET /api/v1/export/jobs/{jobId}/files/{filename}", op: "getFile", h: s.getFile},
	}
}

// exportFiles are the files of a completed conversations export.
var exportFiles = []string{gladly.ExportAgentsFile, gladly.ExportConversationItemsFile, gladly.ExportCustomersFile, gladly.ExportTopicsFile}

// Demo export jobs.
var (
	// DemoExportJobID is the latest COMPLETED export job (yesterday's daily run).
	DemoExportJobID = fixtureID("export-job/latest-completed")
	// DemoRunningExportJobID is today's export job, IN_PROGRESS.
	DemoRunningExportJobID = fixtureID("export-job/running")
)

// visibleJob returns a job unless it is older than Gladly's 14-day retention. Callers hold s.mu.
func (s *Server) visibleJob(id string) (*gladly.ExportJob, bool) {
	j, ok := s.db.admin.jobs.get(id)
	if !ok || j.UpdatedAt.Before(s.now().Add(-gladly.ExportRetention)) {
		return nil, false
	}
	return j, true
}

func (s *Server) findSchedules(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sch := s.db.admin.schedule
	// A daily schedule's next run is the coming midnight (UTC).
	sch.NextStartAt = s.now().Truncate(24 * time.Hour).Add(24 * time.Hour)
	writeJSON(w, http.StatusOK, []gladly.ExportSchedule{sch})
}

func (s *Server) findJobs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	now := s.now()
	oldest := now.Add(-gladly.ExportRetention)
	var errs []fieldError
	status := q.Get("status")
	switch status {
	case "", gladly.ExportPending, gladly.ExportInProgress, gladly.ExportCompleted, gladly.ExportFailed:
	default:
		errs = append(errs, fieldError{Attr: "status", Code: "invalid", Detail: "status must be one of PENDING, IN_PROGRESS, COMPLETED, FAILED"})
	}
	startAt, endAt := oldest, now
	if v := q.Get("startAt"); v != "" {
		t, ok := parseISOTime(v)
		switch {
		case !ok:
			errs = append(errs, fieldError{Attr: "startAt", Code: "invalid", Detail: "startAt must be an ISO 8601 time"})
		case t.Before(oldest):
			errs = append(errs, fieldError{Attr: "startAt", Code: "invalid", Detail: "startAt cannot be more than 14 days ago"})
		default:
			startAt = t
		}
	}
	if v := q.Get("endAt"); v != "" {
		t, ok := parseISOTime(v)
		switch {
		case !ok:
			errs = append(errs, fieldError{Attr: "endAt", Code: "invalid", Detail: "endAt must be an ISO 8601 time"})
		case t.After(now):
			errs = append(errs, fieldError{Attr: "endAt", Code: "invalid", Detail: "endAt cannot be in the future"})
		case t.Before(startAt):
			errs = append(errs, fieldError{Attr: "endAt", Code: "invalid", Detail: "endAt cannot be before startAt"})
		default:
			endAt = t
		}
	}
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []*gladly.ExportJob{}
	for _, j := range s.db.admin.jobs.list() {
		if (status == "" || j.Status == status) && !j.UpdatedAt.Before(startAt) && !j.UpdatedAt.After(endAt) {
			out = append(out, j)
		}
	}
	slices.SortStableFunc(out, func(a, b *gladly.ExportJob) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("jobId")
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.visibleJob(id)
	if !ok {
		notFound(w, "job "+id+" does not exist")
		return
	}
	writeJSON(w, http.StatusOK, j)
}

func (s *Server) deleteJob(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("jobId")
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.visibleJob(id)
	if !ok {
		notFound(w, "job "+id+" does not exist")
		return
	}
	if j.Status != gladly.ExportCompleted && j.Status != gladly.ExportFailed {
		// The spec's example shows this body as a bare array; Gladly's canonical wrapped form
		// is answered (the client reads both).
		badRequest(w, fieldError{Attr: "status", Code: "temporary_failure",
			Detail: fmt.Sprintf("unable to delete job with status [%s]. Please try again after it has finished", j.Status)})
		return
	}
	s.db.admin.jobs.delete(id)
	noContent(w)
}

// getFile serves a completed job's file, built from the organization's current data in the
// shapes Gladly's export uses, one JSON object per line.
func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	id, name := r.PathValue("jobId"), r.PathValue("filename")
	s.mu.Lock()
	j, ok := s.visibleJob(id)
	if !ok {
		s.mu.Unlock()
		notFound(w, "job "+id+" does not exist")
		return
	}
	if !slices.Contains(j.Files, name) {
		s.mu.Unlock()
		notFound(w, "file "+name+" does not exist")
		return
	}
	var rows []any
	switch name {
	case gladly.ExportAgentsFile:
		for _, a := range s.db.agents.list() {
			rows = append(rows, gladly.Agent{ID: a.ID, Name: a.Name, EmailAddress: a.EmailAddress})
		}
	case gladly.ExportCustomersFile:
		for _, c := range s.db.customers.list() {
			rows = append(rows, exportCustomer(c))
		}
	case gladly.ExportTopicsFile:
		for _, t := range s.db.topics.list() {
			rows = append(rows, *t)
		}
	case gladly.ExportConversationItemsFile:
		rows = s.exportItems(j.Parameters.StartAt, j.Parameters.EndAt)
	}
	lines, err := encodeLines(rows)
	s.mu.Unlock()
	if err != nil {
		http.Error(w, "gladlytest: encode export line: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeLines(w, "application/x-ndjson", lines)
}

// exportCustomer is a customer in customers.jsonl's shape: addresses and numbers as plain
// strings.
func exportCustomer(c *gladly.Customer) gladly.ExportCustomer {
	out := gladly.ExportCustomer{ID: c.ID, Name: c.Name, Address: c.Address, ExternalCustomerID: c.ExternalCustomerID, ExternalCustomerIDs: c.ExternalCustomerIDs}
	for _, e := range c.Emails {
		out.EmailAddresses = append(out.EmailAddresses, e.Original)
	}
	for _, p := range c.Phones {
		out.PhoneNumbers = append(out.PhoneNumbers, p.Normalized)
	}
	return out
}

// exportItems returns the conversation items of [from, to) as conversation_items.jsonl lines
// (the item shape of getItem), oldest first. Callers hold s.mu.
//
// exportItems returns the conversation items of [from, to), oldest first; like Gladly's export,
// items the API does not serve are left out.
func (s *Server) exportItems(from, to time.Time) []any {
	var items []*gladly.Item
	for _, it := range s.db.work.items.list() {
		if it.ConversationID != "" && servedByAPI(it) && !it.Timestamp.Before(from) && it.Timestamp.Before(to) {
			items = append(items, it)
		}
	}
	slices.SortStableFunc(items, func(a, b *gladly.Item) int { return a.Timestamp.Compare(b.Timestamp) })
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

func (s *Server) seedExports() {
	epoch := s.seedEpoch()
	s.db.admin.schedule = gladly.ExportSchedule{ID: s.fid("export-schedule/daily"), Frequency: "DAILY", Type: "CONVERSATIONS",
		UpdatedAt: epoch.Add(-400 * 24 * time.Hour)}
	// One daily job per night: today's still running, one failed. The jobs of 15 to 17 days
	// ago are past the 14-day retention and invisible; the one of 14 days ago, which would cross
	// the line at a time of day, is left out so that what is visible never depends on the hour.
	midnight := epoch.Truncate(24 * time.Hour)
	for day := range 18 {
		if day == 14 {
			continue
		}
		end := midnight.Add(-time.Duration(day) * 24 * time.Hour)
		j := &gladly.ExportJob{
			ScheduleID: s.db.admin.schedule.ID, Status: gladly.ExportCompleted, Files: slices.Clone(exportFiles),
			Parameters: gladly.ExportJobParameters{Type: "CONVERSATIONS", StartAt: end.Add(-24 * time.Hour), EndAt: end},
			UpdatedAt:  end.Add(2*time.Hour + time.Duration(s.rng.Int64N(int64(time.Hour)))).Truncate(time.Millisecond),
		}
		switch day {
		case 0:
			j.ID, j.Status, j.Files = s.fid("export-job/running"), gladly.ExportInProgress, []string{}
			j.UpdatedAt = epoch.Add(-20 * time.Minute)
		case 1:
			j.ID = s.fid("export-job/latest-completed")
		case 5, 16:
			j.Status, j.Files = gladly.ExportFailed, []string{}
		}
		if j.ID == "" {
			j.ID = s.newID()
		}
		s.db.admin.jobs.put(j.ID, j)
	}
}
