package edge

import (
	"context"
	"net/http"
	"sync/atomic"
)

// A streamed answer (a recording) sends its status line before its body; when the stream is
// then cut (the client left, Gladly's stream broke or stalled) the status says 200 but the
// client got a part. MarkAborted lets the handler say so, and the access line logs the request
// as aborted (at warn, with the reason) instead of as a success.

type abortKey struct{}

type abortMark struct{ reason atomic.Pointer[string] }

// MarkAborted records that the request's answer was cut off, and why (a short word such as
// "client_gone" or "upstream_broke"). Outside a request served by the router it does nothing.
func MarkAborted(ctx context.Context, reason string) {
	if m, ok := ctx.Value(abortKey{}).(*abortMark); ok {
		m.reason.Store(&reason)
	}
}

// abortedReason is what MarkAborted recorded ("" when the answer went out whole).
func abortedReason(ctx context.Context) string {
	if m, ok := ctx.Value(abortKey{}).(*abortMark); ok {
		if p := m.reason.Load(); p != nil {
			return *p
		}
	}
	return ""
}

func withAbortMark(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), abortKey{}, &abortMark{})))
	})
}
