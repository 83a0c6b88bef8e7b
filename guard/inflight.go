package guard

import (
	"net/http"
	"strconv"
	"time"
)

// InFlight runs at most max requests at once (MAX_IN_FLIGHT); a request over it is answered
// 503 with Retry-After at once instead of queueing behind the others, so an overload sheds load
// rather than growing memory and latency without bound. max ≤ 0 disables the bound.
func InFlight(max int, retryAfter time.Duration, next http.Handler) http.Handler {
	if max <= 0 {
		return next
	}
	secs := strconv.Itoa(int(max64(retryAfter.Seconds(), 1)))
	sem := make(chan struct{}, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case sem <- struct{}{}:
		default:
			w.Header().Set("Retry-After", secs)
			http.Error(w, "too many requests in flight; retry later", http.StatusServiceUnavailable)
			return
		}
		defer func() { <-sem }()
		next.ServeHTTP(w, r)
	})
}

func max64(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}
