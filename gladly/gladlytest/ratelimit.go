package gladlytest

import (
	"net/http"
	"sync"
	"time"
)

// orgLimiter is Gladly's per-organization limit: N requests per second across all tokens,
// counted per calendar second (Ratelimit-Remaining-Second is "the number of requests remaining
// in the current second"), and for reports 10 per minute with at most 2 in flight.
type orgLimiter struct {
	mu         sync.Mutex
	perSecond  int // 0: unlimited
	second     int64
	used       int
	minute     int64
	reports    int
	inFlight   int
	reportsMin int
	reportsMax int
}

func newOrgLimiter(perSecond int) *orgLimiter {
	return &orgLimiter{perSecond: perSecond, reportsMin: 10, reportsMax: 2}
}

// admit counts the request against the limits; when one is exceeded it answers 429 itself.
func (l *orgLimiter) admit(w http.ResponseWriter, now time.Time, report bool) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perSecond <= 0 {
		return func() {}, true
	}
	if sec := now.Unix(); sec != l.second {
		l.second, l.used = sec, 0
	}
	if l.used >= l.perSecond {
		setRateHeaders(w.Header(), l.perSecond, 0)
		writeErrors(w, http.StatusTooManyRequests, fieldError{Code: "rate_limited", Detail: "Rate limit reached"})
		return nil, false
	}
	if report {
		if m := now.Unix() / 60; m != l.minute {
			l.minute, l.reports = m, 0
		}
		if l.reports >= l.reportsMin || l.inFlight >= l.reportsMax {
			setRateHeaders(w.Header(), l.perSecond, l.perSecond-l.used)
			writeErrors(w, http.StatusTooManyRequests, fieldError{Code: "rate_limited", Detail: "Report rate limit reached: 10 per minute, 2 concurrent"})
			return nil, false
		}
		l.reports++
		l.inFlight++
	}
	l.used++
	setRateHeaders(w.Header(), l.perSecond, l.perSecond-l.used)
	if !report {
		return func() {}, true
	}
	return func() {
		l.mu.Lock()
		l.inFlight--
		l.mu.Unlock()
	}, true
}

// SetRateLimit changes the organization's per-second limit; 0 switches limits off.
func (s *Server) SetRateLimit(perSecond int) {
	s.lim.mu.Lock()
	defer s.lim.mu.Unlock()
	s.lim.perSecond = perSecond
}
