package gladlytest

import (
	"bytes"
	"io"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Request is one request as the fake saw it.
type Request struct {
	Time   time.Time // arrival
	Op     string    // operationId ("" for unknown paths)
	Method string
	Path   string
	Query  string
	Status int
	Body   []byte // the request body (first 64 KiB)
	User   string // the Basic-auth user name, if any
	// Conn is the client's address (host:port): one per connection, for counting connections.
	Conn string
}

const maxLoggedBody = 64 << 10

type stats struct {
	mu        sync.Mutex
	limit     int
	log       []Request
	byOp      map[string]int
	total     int
	perSecond map[int64]int
}

func newStats(limit int) *stats {
	return &stats{limit: limit, byOp: map[string]int{}, perSecond: map[int64]int{}}
}

// arrive counts a request as it reaches the server, before anything can refuse it.
func (s *stats) arrive(op string, at time.Time) {
	s.mu.Lock()
	s.byOp[op]++
	s.total++
	s.perSecond[at.Unix()]++
	s.mu.Unlock()
}

func (s *stats) record(r *http.Request, op string, status int, at time.Time) {
	req := Request{Time: at, Op: op, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: status, Conn: r.RemoteAddr}
	if u, _, ok := r.BasicAuth(); ok {
		req.User = u
	}
	if tb, ok := r.Body.(*teeBody); ok {
		req.Body = bytes.Clone(tb.buf.Bytes())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limit <= 0 {
		return
	}
	if len(s.log) >= s.limit {
		s.log = slices.Delete(s.log, 0, len(s.log)-s.limit+1)
	}
	s.log = append(s.log, req)
}

// teeBody keeps a copy of what the handler reads from the request body.
type teeBody struct {
	io.ReadCloser
	buf bytes.Buffer
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	if room := maxLoggedBody - t.buf.Len(); room > 0 {
		t.buf.Write(p[:min(n, room)])
	}
	return n, err
}

// Calls returns how many requests for op (an operationId such as "getCustomer") arrived.
func (s *Server) Calls(op string) int {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return s.st.byOp[op]
}

// TotalCalls returns how many requests arrived, for any operation.
func (s *Server) TotalCalls() int {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return s.st.total
}

// CallsByOp returns the request count of every operation that was called.
func (s *Server) CallsByOp() map[string]int {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return maps.Clone(s.st.byOp)
}

// Requests returns the request log, oldest first.
func (s *Server) Requests() []Request {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return slices.Clone(s.st.log)
}

// MaxPerSecond returns the largest number of requests that arrived within one calendar second.
func (s *Server) MaxPerSecond() int {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	m := 0
	for _, n := range s.st.perSecond {
		m = max(m, n)
	}
	return m
}

// ResetStats clears the counters and the request log.
func (s *Server) ResetStats() {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	s.st.log = nil
	s.st.byOp = map[string]int{}
	s.st.total = 0
	s.st.perSecond = map[int64]int{}
}
