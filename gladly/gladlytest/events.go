package gladlytest

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// eventTime is the events' timestamp format: RFC 3339 at millisecond precision.
const eventTime = "2006-01-02T15:04:05.000Z07:00"

// eventWire is an event as the stream and webhook deliveries carry it.
type eventWire struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	Timestamp string         `json:"timestamp"`
	Initiator *gladly.Actor  `json:"initiator,omitempty"`
	Content   map[string]any `json:"content"`
}

func (e event) wire() eventWire {
	return eventWire{ID: e.ID, Type: e.Type, Timestamp: e.Timestamp.UTC().Format(eventTime), Initiator: e.Initiator, Content: e.Content}
}

// eventEntity is the entity of the events stream that an event type belongs to, or "" for
// types the stream never carries. The stream carries what both revisions of Gladly's spec list
// in its answer: not PING, EXPORT_JOB/*, AUTOMATION/*, CUSTOM_CHANNEL/*, the deprecated
// CUSTOMER_PROFILE/MERGED, nor CONVERSATION_STATUS/UPDATED (webhook-only in both).
func eventEntity(typ string) string {
	family, name, _ := strings.Cut(typ, "/")
	switch family {
	case gladly.EntityAgentAvailability, gladly.EntityAgentStatus, gladly.EntityContact, gladly.EntityConversation,
		gladly.EntityCustomer, gladly.EntityPaymentRequest, gladly.EntityTask:
		return family
	case "CONVERSATION_ASSIGNEE":
		return gladly.EntityConversation
	case gladly.EntityCustomerProfile:
		if name != "MERGED" {
			return family
		}
	}
	return ""
}

var eventEntities = map[string]bool{
	gladly.EntityAgentAvailability: true, gladly.EntityAgentStatus: true, gladly.EntityContact: true,
	gladly.EntityConversation: true, gladly.EntityCustomer: true, gladly.EntityCustomerProfile: true,
	gladly.EntityPaymentRequest: true, gladly.EntityTask: true,
}

// parseISOTime reads an ISO 8601 time as Gladly's query parameters take it (offsets allowed,
// seconds optional).
func parseISOTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// getEvents streams the events of the asked entities recorded from startAt to endAt, both
// included (an event recorded in the millisecond of the request is in its default window),
// oldest first, one JSON object per line. Gladly's stream lags up to 15 s behind real time;
// the fake's does not.
func (s *Server) getEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	now := s.now()
	var errs []fieldError
	startAt, ok := parseISOTime(q.Get("startAt"))
	switch {
	case q.Get("startAt") == "":
		errs = append(errs, fieldError{Attr: "startAt", Code: "blank", Detail: "startAt must be specified"})
	case !ok:
		errs = append(errs, fieldError{Attr: "startAt", Code: "invalid", Detail: "startAt must be an ISO 8601 time"})
	case startAt.Before(now.Add(-gladly.EventsWindow)):
		errs = append(errs, fieldError{Attr: "startAt", Code: "invalid", Detail: "startAt must be within the last 24 hours"})
	}
	endAt := now
	if v := q.Get("endAt"); v != "" {
		if endAt, ok = parseISOTime(v); !ok {
			errs = append(errs, fieldError{Attr: "endAt", Code: "invalid", Detail: "endAt must be an ISO 8601 time"})
		}
	}
	if len(errs) == 0 && !endAt.After(startAt) {
		errs = append(errs, fieldError{Attr: "startAt", Code: "invalid", Detail: "endAt must occur after startAt"})
	}
	entities := q["entities"]
	if len(entities) == 0 {
		errs = append(errs, fieldError{Attr: "entities", Code: "blank", Detail: "at least one entity must be present"})
	}
	for _, e := range entities {
		if !eventEntities[e] {
			errs = append(errs, fieldError{Attr: "entities", Code: "invalid", Detail: "unknown entity type " + e})
		}
	}
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}

	s.mu.Lock()
	var picked []event
	for _, ev := range s.db.events {
		if !ev.Timestamp.Before(startAt) && !ev.Timestamp.After(endAt) && slices.Contains(entities, eventEntity(ev.Type)) {
			picked = append(picked, ev)
		}
	}
	slices.SortStableFunc(picked, func(a, b event) int { return a.Timestamp.Compare(b.Timestamp) })
	rows := make([]any, len(picked))
	for i, ev := range picked {
		rows[i] = ev.wire()
	}
	lines, err := encodeLines(rows)
	s.mu.Unlock()
	if err != nil {
		http.Error(w, "gladlytest: encode event: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeLines(w, "application/x-jsonlines", lines)
}
