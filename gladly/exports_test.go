package gladly_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["exports"] = contractExports }

// readExportFile fetches a file of a job and decodes its lines as T.
func readExportFile[T any](t *testing.T, cl *gladly.Client, jobID, name string) []T {
	t.Helper()
	rc, resp, err := cl.Exports.GetFile(t.Context(), jobID, name)
	if err != nil {
		t.Fatalf("file %s: %v", name, err)
	}
	defer rc.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("file %s: content type %q", name, ct)
	}
	var out []T
	if err := gladly.ScanExportFile(rc, func(v T) error { out = append(out, v); return nil }); err != nil {
		t.Fatalf("file %s: %v", name, err)
	}
	return out
}

func contractExports(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()

	schedules, _, err := cl.Exports.ListSchedules(ctx)
	if err != nil || len(schedules) != 1 || schedules[0].Frequency != "DAILY" || !schedules[0].NextStartAt.After(time.Now()) {
		t.Fatalf("schedules: %+v, %v; want one daily schedule with its next run ahead", schedules, err)
	}
	jobs, _, err := cl.Exports.ListJobs(ctx, gladly.ListExportJobsOptions{})
	if err != nil || len(jobs) != 14 {
		t.Fatalf("jobs: %d, %v; want the 14 of the last 14 days", len(jobs), err)
	}
	week, _, err := cl.Exports.ListJobs(ctx, gladly.ListExportJobsOptions{Status: gladly.ExportCompleted, StartAt: time.Now().Add(-7 * 24 * time.Hour), EndAt: time.Now()})
	if err != nil || len(week) == 0 || len(week) > 7 {
		t.Errorf("completed jobs of the last week: %d, %v", len(week), err)
	}
	for _, j := range week {
		if j.Status != gladly.ExportCompleted || j.ScheduleID != schedules[0].ID {
			t.Errorf("job %+v", j)
		}
	}

	job, _, err := cl.Exports.GetJob(ctx, gladlytest.DemoExportJobID)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{gladly.ExportAgentsFile, gladly.ExportConversationItemsFile, gladly.ExportCustomersFile, gladly.ExportTopicsFile}
	if job.Status != gladly.ExportCompleted || !cmp.Equal(job.Files, wantFiles) || !job.Parameters.EndAt.After(job.Parameters.StartAt) {
		t.Errorf("latest completed job: %+v", job)
	}
	if agents := readExportFile[gladly.Agent](t, cl, job.ID, gladly.ExportAgentsFile); len(agents) < 20 {
		t.Errorf("agents.jsonl: %d lines", len(agents))
	}
	if customers := readExportFile[gladly.ExportCustomer](t, cl, job.ID, gladly.ExportCustomersFile); len(customers) < 4 {
		t.Errorf("customers.jsonl: %d lines", len(customers))
	}
	if topics := readExportFile[gladly.Topic](t, cl, job.ID, gladly.ExportTopicsFile); len(topics) < 10 {
		t.Errorf("topics.jsonl: %d lines", len(topics))
	}
	readExportFile[json.RawMessage](t, cl, job.ID, gladly.ExportConversationItemsFile)

	_, _, err = cl.Exports.GetFile(ctx, job.ID, "conversations.jsonl")
	assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist)
	_, err = cl.Exports.DeleteJob(ctx, gladlytest.DemoRunningExportJobID)
	assertFieldError(t, err, http.StatusBadRequest, "status", gladly.CodeTemporaryFailure)
	if _, err := cl.Exports.DeleteJob(ctx, job.ID); err != nil {
		t.Fatalf("delete completed job: %v", err)
	}
	_, _, err = cl.Exports.GetJob(ctx, job.ID)
	assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist)
	_, err = cl.Exports.DeleteJob(ctx, job.ID)
	assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist)
}

func TestExportRetention(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)}
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithClock(clk.now))
	cl := newClient(t, srv)
	ctx := t.Context()
	count := func() int {
		t.Helper()
		jobs, _, err := cl.Exports.ListJobs(ctx, gladly.ListExportJobsOptions{StartAt: clk.now().Add(-gladly.ExportRetention)})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if j.UpdatedAt.Before(clk.now().Add(-gladly.ExportRetention)) {
				t.Errorf("job %s updated %v is older than 14 days", j.ID, j.UpdatedAt)
			}
		}
		return len(jobs)
	}
	if n := count(); n != 14 {
		t.Fatalf("%d jobs visible, want 14 (older seeded jobs hidden)", n)
	}
	// Two days on, the two oldest visible jobs pass the 14-day line.
	clk.advance(48 * time.Hour)
	if n := count(); n != 12 {
		t.Errorf("two days later: %d jobs visible, want 12", n)
	}
	// Yesterday's job, 13 days on, is gone from every endpoint.
	clk.advance(11 * 24 * time.Hour)
	_, _, err := cl.Exports.GetJob(ctx, gladlytest.DemoExportJobID)
	assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist)
	_, _, err = cl.Exports.GetFile(ctx, gladlytest.DemoExportJobID, gladly.ExportAgentsFile)
	assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist)
	_, err = cl.Exports.DeleteJob(ctx, gladlytest.DemoExportJobID)
	assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist)
}

func TestExportJobFilters(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)}
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithClock(clk.now))
	cl := newClient(t, srv)
	ctx := t.Context()
	now := clk.now()
	byStatus := map[string]int{}
	for _, status := range []string{gladly.ExportPending, gladly.ExportInProgress, gladly.ExportCompleted, gladly.ExportFailed} {
		jobs, _, err := cl.Exports.ListJobs(ctx, gladly.ListExportJobsOptions{Status: status})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if j.Status != status {
				t.Errorf("status %s: got a %s job", status, j.Status)
			}
			if (j.Status == gladly.ExportCompleted) != (len(j.Files) == 4) {
				t.Errorf("%s job with files %v", j.Status, j.Files)
			}
		}
		byStatus[status] = len(jobs)
	}
	if want := map[string]int{gladly.ExportPending: 0, gladly.ExportInProgress: 1, gladly.ExportCompleted: 12, gladly.ExportFailed: 1}; !cmp.Equal(byStatus, want) {
		t.Errorf("jobs by status %v, want %v", byStatus, want)
	}
	window, _, err := cl.Exports.ListJobs(ctx, gladly.ListExportJobsOptions{StartAt: now.Add(-72 * time.Hour), EndAt: now.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range window {
		if j.UpdatedAt.Before(now.Add(-72*time.Hour)) || j.UpdatedAt.After(now.Add(-24*time.Hour)) {
			t.Errorf("job updated %v outside the window", j.UpdatedAt)
		}
	}
	if len(window) != 2 {
		t.Errorf("%d jobs updated 1–3 days ago, want 2", len(window))
	}

	for name, tc := range map[string]struct {
		opts gladly.ListExportJobsOptions
		attr string
	}{
		"unknown status":    {gladly.ListExportJobsOptions{Status: "DONE"}, "status"},
		"start too old":     {gladly.ListExportJobsOptions{StartAt: now.Add(-15 * 24 * time.Hour)}, "startAt"},
		"end in the future": {gladly.ListExportJobsOptions{EndAt: now.Add(time.Hour)}, "endAt"},
		"end before start":  {gladly.ListExportJobsOptions{StartAt: now.Add(-time.Hour), EndAt: now.Add(-2 * time.Hour)}, "endAt"},
		"start 13 days ago": {gladly.ListExportJobsOptions{StartAt: now.Add(-13 * 24 * time.Hour)}, ""},
	} {
		_, _, err := cl.Exports.ListJobs(ctx, tc.opts)
		if tc.attr == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		assertFieldError(t, err, http.StatusBadRequest, tc.attr, gladly.CodeInvalid)
	}
}

func TestExportDeleteOnlyFinishedJobs(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	_, err := cl.Exports.DeleteJob(ctx, gladlytest.DemoRunningExportJobID)
	var ge *gladly.Error
	want := []gladly.FieldError{{Attr: "status", Code: gladly.CodeTemporaryFailure,
		Detail: "unable to delete job with status [IN_PROGRESS]. Please try again after it has finished"}}
	if !errors.As(err, &ge) || ge.StatusCode != http.StatusBadRequest || !cmp.Equal(ge.Errors, want) {
		t.Fatalf("delete running job: %v; want 400 %+v", err, want)
	}
	if _, _, err := cl.Exports.GetJob(ctx, gladlytest.DemoRunningExportJobID); err != nil {
		t.Errorf("the running job is gone after a refused delete: %v", err)
	}
	failed, _, err := cl.Exports.ListJobs(ctx, gladly.ListExportJobsOptions{Status: gladly.ExportFailed})
	if err != nil || len(failed) != 1 {
		t.Fatalf("failed jobs: %d, %v", len(failed), err)
	}
	_, _, err = cl.Exports.GetFile(ctx, failed[0].ID, gladly.ExportAgentsFile)
	assertFieldError(t, err, http.StatusNotFound, "", gladly.CodeNotExist)
	if _, err := cl.Exports.DeleteJob(ctx, failed[0].ID); err != nil {
		t.Errorf("delete failed job: %v", err)
	}
}

func TestExportFilesFollowTheData(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	id, _, err := cl.Customers.Create(t.Context(), &gladly.CreateCustomerRequest{Name: "Exported Later",
		Emails: []gladly.Email{{Original: "Later@Example.com"}}, Phones: []gladly.Phone{{Original: "(415) 555-0199"}}})
	if err != nil {
		t.Fatal(err)
	}
	customers := readExportFile[gladly.ExportCustomer](t, cl, gladlytest.DemoExportJobID, gladly.ExportCustomersFile)
	byID := map[string]gladly.ExportCustomer{}
	for _, c := range customers {
		byID[c.ID] = c
	}
	wantAda := gladly.ExportCustomer{ID: gladlytest.DemoCustomerID, Name: "Ada Lovelace", Address: "12 St James's Square, London SW1Y 4JH",
		EmailAddresses: []string{"ada@example.com", "countess@lovelace.example"}, PhoneNumbers: []string{"+442079460018", "+442079460019"},
		ExternalCustomerIDs: map[string]string{"shop": "AL-1815"}}
	if diff := cmp.Diff(wantAda, byID[gladlytest.DemoCustomerID]); diff != "" {
		t.Errorf("Ada in customers.jsonl (-want +got):\n%s", diff)
	}
	if got := byID[id]; got.Name != "Exported Later" || !cmp.Equal(got.EmailAddresses, []string{"Later@Example.com"}) || !cmp.Equal(got.PhoneNumbers, []string{"+14155550199"}) {
		t.Errorf("new customer in customers.jsonl: %+v", got)
	}
	// The file has its own shape: plain address lists, not the profile API's objects.
	rc, _, err := cl.Exports.GetFile(t.Context(), gladlytest.DemoExportJobID, gladly.ExportCustomersFile)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(rc)
	rc.Close()
	if bytes.Contains(raw, []byte(`"emails"`)) || !bytes.Contains(raw, []byte(`"emailAddresses":["ada@example.com"`)) {
		t.Errorf("customers.jsonl is not in the export shape: %.300s", raw)
	}
}
