package health

import (
	"context"
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

	// A 429 is Gladly answering: ready. Any other failure is not, and is not cached.
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
		if rec.Code != http.StatusServiceUnavailable {
			t.Errorf("readyz on a 503 = %d", rec.Code)
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
