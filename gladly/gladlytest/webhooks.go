package gladlytest

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gladgraph/gladgraph/gladly"
)

func (s *Server) webhookRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/webhooks", op: "getWebhooks", h: s.getWebhooks},
		{pattern: "POST /api/v1/webhooks", op: "createWebhook", h: s.createWebhook},
		{pattern: "GET /api/v1/webhooks/{webhookId}", op: "getWebhook", h: s.getWebhook},
		{pattern: "PATCH /api/v1/webhooks/{webhookId}", op: "updateWebhook", h: s.updateWebhook},
		{pattern: "DELETE /api/v1/webhooks/{webhookId}", op: "deleteWebhook", h: s.deleteWebhook},
	}
}

const (
	maxWebhooks       = gladly.MaxWebhooks
	maxWebhookName    = 200
	deprecatedMerged  = "CUSTOMER_PROFILE/MERGED (deprecated)"
	webhookLimitError = "You are limited to 20 webhooks for your organization"
)

// webhookEvents are the event types a webhook may subscribe to, as the spec lists them. The
// deprecated merge event is listed with its " (deprecated)" suffix; it delivers events of type
// CUSTOMER_PROFILE/MERGED.
var webhookEvents = setOf(`
	AGENT_AVAILABILITY/FOCUS_ENTERED AGENT_AVAILABILITY/FOCUS_EXITED AGENT_AVAILABILITY/UPDATED
	AGENT_STATUS/CHANGED_ACTIVE_REASON AGENT_STATUS/LOGGED_IN AGENT_STATUS/LOGGED_OUT
	AGENT_STATUS/RETURNED_FROM_AWAY AGENT_STATUS/WENT_AWAY
	AUTOMATION/MESSAGE_RECEIVED AUTOMATION/MESSAGE_SENT
	CONTACT/ENDED CONTACT/FULFILLED CONTACT/HOLD_ENDED CONTACT/HOLD_STARTED CONTACT/JOINED
	CONTACT/MESSAGE_RECEIVED CONTACT/MESSAGE_SENT CONTACT/OFFER_ACCEPTED CONTACT/OFFERED
	CONTACT/OFFER_REJECTED CONTACT/STARTED CONTACT/TRANSFERRED
	CONVERSATION/CLOSED CONVERSATION/CREATED CONVERSATION/CUSTOM_ATTRIBUTE_ADDED
	CONVERSATION/CUSTOM_ATTRIBUTE_REMOVED CONVERSATION/NOTE_CREATED CONVERSATION/REOPENED
	CONVERSATION/TOPIC_ADDED CONVERSATION/TOPIC_REMOVED CONVERSATION_ASSIGNEE/UPDATED
	CONVERSATION_STATUS/UPDATED CUSTOM_CHANNEL/MESSAGE_SENT CUSTOMER/MERGED
	CUSTOMER_PROFILE/CREATED CUSTOMER_PROFILE/DELETED CUSTOMER_PROFILE/UPDATED
	EXPORT_JOB/COMPLETED EXPORT_JOB/FAILED
	PAYMENT_REQUEST/CREATED PAYMENT_REQUEST/STATUS_CHANGED PAYMENT_REQUEST/VIEWED
	TASK/ASSIGNEE_UPDATED TASK/CLOSED TASK/COMMENT_ADDED TASK/CONTENT_UPDATED TASK/CREATED
	TASK/DUE_DATE_UPDATED TASK/FOLLOWER_ADDED TASK/FOLLOWER_REMOVED TASK/REOPENED`)

// webhook is a stored webhook: its public view and the write-only parts behind it.
type webhook struct {
	view        gladly.Webhook // HasCredentials and HeaderKeys are derived on the way out
	credentials *gladly.WebhookCredentials
	headers     map[string]string
}

func (h *webhook) clone() *webhook {
	c := *h
	c.view.Events = slices.Clone(h.view.Events)
	c.headers = maps.Clone(h.headers)
	if h.credentials != nil {
		cr := *h.credentials
		c.credentials = &cr
	}
	return &c
}

// public is the webhook as Gladly shows it: credentials and header values never leave.
func (h *webhook) public() gladly.Webhook {
	v := h.view
	v.Events = slices.Clone(h.view.Events)
	v.HasCredentials = h.credentials != nil
	v.HeaderKeys = slices.Sorted(maps.Keys(h.headers))
	return v
}

// subscribed reports whether the webhook wants events of type typ.
func (h *webhook) subscribed(typ string) bool {
	for _, e := range h.view.Events {
		if e == typ || (e == deprecatedMerged && typ == "CUSTOMER_PROFILE/MERGED") {
			return true
		}
	}
	return false
}

// target is where and how deliveries for the webhook go.
func (h *webhook) target() deliveryTarget {
	return deliveryTarget{webhookID: h.view.ID, url: h.view.URL, credentials: h.credentials, headers: maps.Clone(h.headers)}
}

// webhookInput is the body of createWebhook and updateWebhook. Pointers tell absent from empty;
// read-only fields sent back (id, createdAt, hasCredentials…) are ignored.
type webhookInput struct {
	Name        *string   `json:"name"`
	URL         *string   `json:"url"`
	Events      *[]string `json:"events"`
	Enabled     *bool     `json:"enabled"`
	Credentials *struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Realm    string `json:"realm"`
	} `json:"credentials"`
	Headers *map[string]string `json:"headers"`
}

// applyWebhook validates the fields present in in and sets them on h (a copy). Callers hold s.mu.
func (s *Server) applyWebhook(h *webhook, in *webhookInput) []fieldError {
	var errs []fieldError
	if in.Name != nil {
		if utf8.RuneCountInString(*in.Name) > maxWebhookName {
			errs = append(errs, fieldError{Attr: "name", Code: "too_long", Detail: fmt.Sprintf("name must be at most %d characters", maxWebhookName)})
		}
		h.view.Name = *in.Name
	}
	if in.URL != nil {
		u := strings.TrimSpace(*in.URL)
		switch {
		case u == "":
			errs = append(errs, fieldError{Attr: "url", Code: "blank", Detail: "url cannot be blank"})
		case !httpsURL(u):
			errs = append(errs, fieldError{Attr: "url", Code: "invalid", Detail: "url must be an absolute HTTPS URL"})
		case s.webhookURLTaken(u, h.view.ID):
			errs = append(errs, fieldError{Attr: "url", Code: "taken", Detail: "another webhook already uses this url"})
		}
		h.view.URL = u
	}
	if in.Events != nil {
		if len(*in.Events) == 0 {
			errs = append(errs, fieldError{Attr: "events", Code: "blank", Detail: "events cannot be blank"})
		}
		for i, e := range *in.Events {
			if !webhookEvents[e] && e != deprecatedMerged {
				errs = append(errs, fieldError{Attr: fmt.Sprintf("events.%d", i), Code: "invalid", Detail: fmt.Sprintf("%q is not a webhook event type", e)})
			}
		}
		h.view.Events = slices.Clone(*in.Events)
	}
	if in.Enabled != nil {
		h.view.Enabled = *in.Enabled
	}
	if c := in.Credentials; c != nil {
		if c.Username == "" {
			errs = append(errs, fieldError{Attr: "credentials.username", Code: "blank", Detail: "username cannot be blank"})
		}
		if c.Password == "" {
			errs = append(errs, fieldError{Attr: "credentials.password", Code: "blank", Detail: "password cannot be blank"})
		}
		h.credentials = &gladly.WebhookCredentials{Username: c.Username, Password: c.Password, Realm: c.Realm}
	}
	if in.Headers != nil {
		for k, v := range *in.Headers {
			if !validHeaderName(k) || strings.ContainsAny(v, "\r\n") {
				errs = append(errs, fieldError{Attr: "headers", Code: "invalid", Detail: fmt.Sprintf("header %q is not a valid HTTP header", k)})
			}
		}
		h.headers = maps.Clone(*in.Headers)
	}
	return errs
}

func httpsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil
}

func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// webhookURLTaken reports whether another webhook than self uses u. Callers hold s.mu.
func (s *Server) webhookURLTaken(u, self string) bool {
	for _, h := range s.db.admin.webhooks.list() {
		if h.view.ID != self && h.view.URL == u {
			return true
		}
	}
	return false
}

func (s *Server) getWebhooks(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []gladly.Webhook{}
	for _, h := range s.db.admin.webhooks.list() {
		out = append(out, h.public())
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.db.admin.webhooks.get(r.PathValue("webhookId"))
	if !ok {
		notFoundEmpty(w) // the spec documents this 404 without a body
		return
	}
	writeJSON(w, http.StatusOK, h.public())
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	var in webhookInput
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	h := &webhook{view: gladly.Webhook{ID: s.newID()}}
	errs := s.applyWebhook(h, &in)
	if in.URL == nil {
		errs = append(errs, fieldError{Attr: "url", Code: "blank", Detail: "url cannot be blank"})
	}
	if in.Events == nil {
		errs = append(errs, fieldError{Attr: "events", Code: "blank", Detail: "events cannot be blank"})
	}
	if len(errs) == 0 && s.db.admin.webhooks.len() >= maxWebhooks {
		errs = append(errs, fieldError{Code: "invalid_state", Detail: webhookLimitError})
	}
	s.mu.Unlock()
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	// Gladly checks an enabled webhook's URL with a PING before saving it. The PING goes out
	// without the lock; the checks are repeated after it.
	if h.view.Enabled {
		if err := s.ping(r.Context(), h.target()); err != nil {
			badRequest(w, pingError(err))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhookURLTaken(h.view.URL, h.view.ID) {
		badRequest(w, fieldError{Attr: "url", Code: "taken", Detail: "another webhook already uses this url"})
		return
	}
	if s.db.admin.webhooks.len() >= maxWebhooks {
		badRequest(w, fieldError{Code: "invalid_state", Detail: webhookLimitError})
		return
	}
	h.view.CreatedAt = s.nowMillis()
	h.view.UpdatedAt = h.view.CreatedAt
	s.db.admin.webhooks.put(h.view.ID, h)
	created(w, "/api/v1/webhooks/"+h.view.ID)
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) {
	var in webhookInput
	if !decodeBody(w, r, &in) {
		return
	}
	id := r.PathValue("webhookId")
	s.mu.Lock()
	cur, ok := s.db.admin.webhooks.get(id)
	if !ok {
		s.mu.Unlock()
		notFoundEmpty(w)
		return
	}
	next := cur.clone()
	errs := s.applyWebhook(next, &in)
	wasEnabled, oldURL := cur.view.Enabled, cur.view.URL
	s.mu.Unlock()
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	if next.view.Enabled && (!wasEnabled || next.view.URL != oldURL) {
		if err := s.ping(r.Context(), next.target()); err != nil {
			badRequest(w, pingError(err))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.db.admin.webhooks.has(id) {
		notFoundEmpty(w)
		return
	}
	if s.webhookURLTaken(next.view.URL, id) {
		badRequest(w, fieldError{Attr: "url", Code: "taken", Detail: "another webhook already uses this url"})
		return
	}
	if next.view.Enabled && !wasEnabled {
		next.view.DisabledAtDueToRetryLimit = time.Time{} // re-enabled after fixing the endpoint
	}
	next.view.UpdatedAt = s.nowMillis()
	s.db.admin.webhooks.put(id, next)
	noContent(w)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("webhookId")
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.db.admin.webhooks.get(id)
	if !ok {
		notFoundEmpty(w)
		return
	}
	if h.view.Enabled {
		badRequest(w, fieldError{Attr: "enabled", Code: "invalid_state", Detail: "Webhook must be disabled to be deleted"})
		return
	}
	s.db.admin.webhooks.delete(id)
	noContent(w)
}

// pingError is the refusal of a webhook whose URL failed the PING. The detail names the failure
// (a status, or no answer) but never the URL, which may carry a secret.
func pingError(err error) fieldError {
	return fieldError{Attr: "url", Code: "invalid", Detail: "the webhook did not answer the PING event with 200 OK within 15 seconds (" + err.Error() + ")"}
}

// Demo webhooks.
var (
	// DemoWebhookID is the enabled demo webhook (CSAT survey on CONVERSATION/CLOSED). Its URL is
	// not reachable from the fake, so deliveries to it fail and are retried.
	DemoWebhookID = fixtureID("webhook/csat-survey")
)

func (s *Server) seedWebhooks() {
	epoch := s.seedEpoch()
	domain := s.spec.org.LoginDomain
	put := func(h *webhook, age time.Duration) {
		h.view.CreatedAt = epoch.Add(-age)
		if h.view.UpdatedAt.IsZero() {
			h.view.UpdatedAt = h.view.CreatedAt.Add(time.Hour)
		}
		s.db.admin.webhooks.put(h.view.ID, h)
	}
	put(&webhook{
		view: gladly.Webhook{ID: s.fid("webhook/csat-survey"), Name: "CSAT survey", URL: "https://hooks." + domain + "/gladly/csat",
			Events: []string{"CONVERSATION/CLOSED"}, Enabled: true},
		headers: map[string]string{"X-Gladly-Token": "csat-" + s.newID()},
	}, 200*24*time.Hour)
	put(&webhook{
		view: gladly.Webhook{ID: s.fid("webhook/gladgraph-cache"), Name: "gladgraph cache invalidation",
			URL: "https://graph." + domain + "/webhooks/gladly",
			Events: []string{"CUSTOMER_PROFILE/UPDATED", "CUSTOMER_PROFILE/DELETED", "CUSTOMER/MERGED", "CONVERSATION/CLOSED",
				"CONVERSATION/REOPENED", "CONVERSATION_ASSIGNEE/UPDATED", "CONVERSATION/TOPIC_ADDED", "TASK/CREATED", "TASK/CLOSED", "TASK/COMMENT_ADDED"}},
		credentials: &gladly.WebhookCredentials{Username: "gladly", Password: s.newID()},
	}, 30*24*time.Hour)
	legacy := &webhook{
		view: gladly.Webhook{ID: s.fid("webhook/legacy-crm"), Name: "Legacy CRM sync", URL: "https://crm." + domain + "/inbound/gladly",
			Events: []string{"CUSTOMER_PROFILE/CREATED", deprecatedMerged}},
		credentials: &gladly.WebhookCredentials{Username: "crm", Password: s.newID(), Realm: "crm"},
		headers:     map[string]string{"X-API-Key": s.newID()},
	}
	legacy.view.DisabledAtDueToRetryLimit = epoch.Add(-9 * 24 * time.Hour)
	legacy.view.UpdatedAt = legacy.view.DisabledAtDueToRetryLimit
	put(legacy, 400*24*time.Hour)
}
