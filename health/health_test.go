package health

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

type countingOrg struct {
	calls atomic.Int32
	err   error
}

func (o *countingOrg) Get(context.Context) (*gladly.Organization, *gladly.Response, error) {
	o.calls.Add(1)
	return &gladly.Organization{}, nil, o.err
}

func TestReadyzCachesGladlySuccess(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	org := &countingOrg{}
	h := &Checker{org: org, now: func() time.Time { return now }}
	probe := func() int {
		rec := httptest.NewRecorder()
		h.Readiness(rec, httptest.NewRequest("GET", "/readyz", nil))
		return rec.Code
	}
	for range 3 {
		if code := probe(); code != http.StatusOK {
			t.Fatalf("readyz = %d", code)
		}
	}
	if n := org.calls.Load(); n != 1 {
		t.Errorf("3 probes within %s made %d Gladly calls, want 1", gladlyOKFor, n)
	}
	now = now.Add(gladlyOKFor + time.Second)
	probe()
	if n := org.calls.Load(); n != 2 {
		t.Errorf("after %s: %d calls, want 2", gladlyOKFor, n)
	}

	// A 429 is Gladly answering: ready. Any other failure is degraded (still 200: cached reads
	// work), and is not cached.
	org2 := &countingOrg{err: &gladly.RateLimitError{Err: &gladly.Error{StatusCode: 429}}}
	h2 := &Checker{org: org2, now: time.Now}
	rec := httptest.NewRecorder()
	h2.Readiness(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("readyz on a 429 = %d, want 200", rec.Code)
	}
	org3 := &countingOrg{err: &gladly.Error{StatusCode: 503}}
	h3 := &Checker{org: org3, now: time.Now}
	for range 2 {
		rec := httptest.NewRecorder()
		h3.Readiness(rec, httptest.NewRequest("GET", "/readyz", nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"degraded"`) || !strings.Contains(rec.Body.String(), "503") {
			t.Errorf("readyz on a 503 = %d %s, want 200 degraded naming the 503", rec.Code, rec.Body.String())
		}
	}
	if n := org3.calls.Load(); n != 2 {
		t.Errorf("failures cached: %d calls for 2 probes", n)
	}
}

func TestReadyzDraining(t *testing.T) {
	t.Parallel()
	h := &Checker{org: &countingOrg{}, now: time.Now}
	h.draining.Store(true)
	rec := httptest.NewRecorder()
	h.Readiness(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "shutting_down") {
		t.Errorf("readyz while draining = %d %s", rec.Code, rec.Body.String())
	}
}

func TestReadyzAccountsStore(t *testing.T) {
	t.Parallel()
	probe := func(h *Checker) (int, string) {
		rec := httptest.NewRecorder()
		h.Readiness(rec, httptest.NewRequest("GET", "/readyz", nil))
		return rec.Code, rec.Body.String()
	}
	up := New(nil, &countingOrg{}, WithAccountsStore(func(context.Context) error { return nil }))
	if code, body := probe(up); code != http.StatusOK || !strings.Contains(body, `"accounts":{"status":"up"}`) {
		t.Errorf("store up: %d %s", code, body)
	}
	// The driver's error may name the database's host and user: not shown.
	down := New(nil, &countingOrg{}, WithAccountsStore(func(context.Context) error {
		return errors.New("dial tcp db.internal:5432 user=gladgraph: connection refused")
	}))
	code, body := probe(down)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"status":"unavailable"`) || !strings.Contains(body, `"accounts":{"status":"down"`) {
		t.Errorf("store down: %d %s, want 503 unavailable", code, body)
	}
	if strings.Contains(body, "db.internal") || strings.Contains(body, "user=") {
		t.Errorf("store error leaked into the answer: %s", body)
	}
}
