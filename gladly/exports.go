package gladly

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Export job statuses.
const (
	ExportPending    = "PENDING"
	ExportInProgress = "IN_PROGRESS"
	ExportCompleted  = "COMPLETED"
	ExportFailed     = "FAILED"
)

// ExportRetention is how long Gladly keeps export jobs and their files; older jobs vanish from
// the API.
const ExportRetention = 14 * 24 * time.Hour

// Files of a completed conversations export.
const (
	ExportAgentsFile            = "agents.jsonl"
	ExportConversationItemsFile = "conversation_items.jsonl"
	ExportCustomersFile         = "customers.jsonl"
	ExportTopicsFile            = "topics.jsonl"
)

// ExportSchedule makes Gladly run export jobs hourly or daily (one per organization).
type ExportSchedule struct {
	ID          string    `json:"id"`
	Frequency   string    `json:"frequency"` // HOURLY or DAILY
	Type        string    `json:"type"`      // CONVERSATIONS
	NextStartAt time.Time `json:"nextStartAt,omitzero"`
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
}

// ExportJob is one run of the export schedule. Files are set once it is COMPLETED.
type ExportJob struct {
	ID         string              `json:"id"`
	ScheduleID string              `json:"scheduleId,omitempty"`
	Status     string              `json:"status"`
	UpdatedAt  time.Time           `json:"updatedAt,omitzero"`
	Parameters ExportJobParameters `json:"parameters"`
	Files      []string            `json:"files"`
}

// ExportJobParameters is the window a job exports.
type ExportJobParameters struct {
	Type    string    `json:"type"` // CONVERSATIONS
	StartAt time.Time `json:"startAt,omitzero"`
	EndAt   time.Time `json:"endAt,omitzero"`
}

// ExportCustomer is a line of customers.jsonl: a flatter shape than the customer profile API's.
type ExportCustomer struct {
	ID                  string            `json:"id"`
	Name                string            `json:"name,omitempty"`
	Address             string            `json:"address,omitempty"`
	EmailAddresses      []string          `json:"emailAddresses,omitempty"`
	PhoneNumbers        []string          `json:"phoneNumbers,omitempty"`
	ExternalCustomerID  string            `json:"externalCustomerId,omitempty"`
	ExternalCustomerIDs map[string]string `json:"externalCustomerIds,omitempty"`
}

// ListExportJobsOptions filters jobs; StartAt and EndAt bound the jobs' UpdatedAt (Gladly's
// defaults: 14 days ago and now; StartAt may not be older, EndAt not in the future).
type ListExportJobsOptions struct {
	Status  string
	StartAt time.Time
	EndAt   time.Time
}

// ListSchedules returns the organization's export schedules (there is one).
// Gladly: GET /api/v1/export/schedules (findSchedules)
func (s *ExportsService) ListSchedules(ctx context.Context) ([]*ExportSchedule, *Response, error) {
	return getList[*ExportSchedule](ctx, s.client, "findSchedules", nil, "/api/v1/export/schedules")
}

// ListJobs returns the export jobs of the last 14 days that match opts.
// Gladly: GET /api/v1/export/jobs (findJobs)
func (s *ExportsService) ListJobs(ctx context.Context, opts ListExportJobsOptions) ([]*ExportJob, *Response, error) {
	q := url.Values{}
	if opts.Status != "" {
		q.Set("status", opts.Status)
	}
	if !opts.StartAt.IsZero() {
		q.Set("startAt", opts.StartAt.UTC().Format(queryTime))
	}
	if !opts.EndAt.IsZero() {
		q.Set("endAt", opts.EndAt.UTC().Format(queryTime))
	}
	return getList[*ExportJob](ctx, s.client, "findJobs", q, "/api/v1/export/jobs")
}

// GetJob fetches an export job.
// Gladly: GET /api/v1/export/jobs/{jobId} (getJob)
func (s *ExportsService) GetJob(ctx context.Context, id string) (*ExportJob, *Response, error) {
	return get[*ExportJob](ctx, s.client, "getJob", nil, "/api/v1/export/jobs/%s", id)
}

// DeleteJob removes a job and its files. Gladly refuses (400 temporary_failure) until the job is
// COMPLETED or FAILED.
// Gladly: DELETE /api/v1/export/jobs/{jobId} (deleteJob)
func (s *ExportsService) DeleteJob(ctx context.Context, id string) (*Response, error) {
	return s.client.call(ctx, "deleteJob", http.MethodDelete, nil, nil, nil, "/api/v1/export/jobs/%s", id)
}

// GetFile opens one file of a completed job (see ExportJob.Files): newline-delimited JSON, one
// object per line, streamed as it is read. The caller must close it; ScanExportFile decodes it.
// Gladly: GET /api/v1/export/jobs/{jobId}/files/{filename} (getFile)
func (s *ExportsService) GetFile(ctx context.Context, jobID, filename string) (io.ReadCloser, *Response, error) {
	p, err := apiPath("/api/v1/export/jobs/%s/files/%s", jobID, filename)
	if err != nil {
		return nil, nil, err
	}
	req, err := s.client.NewRequest("getFile", http.MethodGet, p, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Accept = "application/x-ndjson"
	resp, err := s.client.DoRaw(ctx, req)
	if err != nil {
		return nil, resp, err
	}
	return resp.Body, resp, nil
}

// ScanExportFile decodes each line of an export file into a T (Agent, ExportCustomer, Topic, or
// json.RawMessage for conversation items) and calls fn with it; an error from fn stops the scan.
func ScanExportFile[T any](r io.Reader, fn func(T) error) error {
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, rerr := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var v T
			if err := json.Unmarshal(line, &v); err != nil {
				return fmt.Errorf("gladly: export file line %d: %w", n, err)
			}
			if err := fn(v); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("gladly: export file: %w", rerr)
		}
	}
}
