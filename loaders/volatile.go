package loaders

import (
	"context"

	"github.com/gladgraph/gladgraph/gladly"
)

// Volatile data — events, export schedules and jobs, automation messages, call recordings —
// changes too fast to keep across requests. It is read live (at most once per request where a
// request may need it several times), and a response that read any of it is not cacheable.

// MarkVolatile records that the request read volatile data: its response gets no max-age.
func MarkVolatile(ctx context.Context) {
	StatsFrom(ctx).ObserveTTL(0)
	readSetFrom(ctx).observeTTL(0)
}

// ExportSchedules lists the organization's export schedules, once per request.
func (l *Loaders) ExportSchedules(ctx context.Context) ([]*gladly.ExportSchedule, error) {
	MarkVolatile(ctx)
	return l.schedules.get(func() ([]*gladly.ExportSchedule, error) {
		s, _, err := l.client.Exports.ListSchedules(ctx)
		return s, err
	})
}
