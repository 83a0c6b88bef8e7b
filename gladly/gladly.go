// Package gladly is a typed client for Gladly's REST API (https://developer.gladly.com/rest/).
//
// One Client serves one Gladly organization with one API user. Resources hang off the client as
// services (c.Customers, c.Tasks, …); every method takes a context first and returns the decoded
// object, the *Response (Gladly-Limited-Data, Location, rate-limit headers) and an error that is a
// *Error for any non-2xx answer. Requests pass a client-side rate limiter (Gladly's 10 req/s per
// organization by default; reports 10/min and 2 concurrent) and are retried with jittered backoff
// only where that is safe: GETs, and creates that carry an id.
package gladly

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Client talks to one Gladly organization as one API user.
type Client struct {
	baseURL    *url.URL // scheme://host, without /api/v1
	httpClient *http.Client
	username   string
	token      string

	limiter       Limiter
	reportLimiter Limiter
	retry         RetryPolicy
	maxRetryAfter time.Duration
	// maxResponseBytes caps one answer (see WithMaxResponseBytes).
	maxResponseBytes int64
	logger           zerolog.Logger
	observers        []Observer
	newID            func() string

	// streamClient sends Request.Stream requests: httpClient without its total timeout, the
	// stream bounded by streamIdle per read instead (see stream.go).
	streamClient *http.Client
	streamIdle   time.Duration

	common service

	Agents           *AgentsService
	Answers          *AnswersService
	Audiences        *AudiencesService
	Automation       *AutomationService
	Communications   *CommunicationsService
	Conversations    *ConversationsService
	CustomAttributes *CustomAttributesService
	Customers        *CustomersService
	Events           *EventsService
	Exports          *ExportsService
	Inboxes          *InboxesService
	Items            *ItemsService
	Organization     *OrganizationService
	PublicAnswers    *PublicAnswersService
	Reports          *ReportsService
	Tasks            *TasksService
	Teams            *TeamsService
	Topics           *TopicsService
	UserIdentity     *UserIdentityService
	Webhooks         *WebhooksService
}

type service struct{ client *Client }

// The services, one per Gladly resource; each file <resource>.go holds its methods and models.
type (
	AgentsService           service // agents and their call recorder
	AnswersService          service // knowledge-base answers and their content
	AudiencesService        service // answer audiences
	AutomationService       service // message automation sessions and messages
	CommunicationsService   service // outbound SMS
	CustomersService        service // customer profiles
	ConversationsService    service // conversations, their topics and notes
	CustomAttributesService service // conversation custom attributes (freeform topics)
	EventsService           service // the events stream
	ExportsService          service // export schedules, jobs and files
	InboxesService          service // inboxes
	ItemsService            service // conversation items, media and transcripts
	OrganizationService     service // the organization
	PublicAnswersService    service // public (help-center) answers
	ReportsService          service // CSV reports
	TasksService            service // tasks and task comments
	TeamsService            service // teams
	TopicsService           service // conversation topics
	UserIdentityService     service // user identity JWTs for Gladly Chat
	WebhooksService         service // webhook subscriptions
)

// Option configures a Client.
type Option func(*Client) error

// WithHTTPClient sets the HTTP client used for every request. Its CheckRedirect is replaced so
// that Gladly's 301 answers (merged customers) reach the caller instead of being followed.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("gladly: nil http client")
		}
		cp := *hc
		c.httpClient = &cp
		return nil
	}
}

// WithBasicAuth sets the API user's email address and API token.
func WithBasicAuth(username, token string) Option {
	return func(c *Client) error {
		c.username, c.token = username, token
		return nil
	}
}

// WithRateLimit replaces the limiter for ordinary requests (default: 10 per second).
func WithRateLimit(l Limiter) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("gladly: nil limiter")
		}
		c.limiter = l
		return nil
	}
}

// WithReportRateLimit replaces the limiter for report requests (default: 10 per minute, 2 at once).
func WithReportRateLimit(l Limiter) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("gladly: nil limiter")
		}
		c.reportLimiter = l
		return nil
	}
}

// WithRetry sets the retry policy (default DefaultRetryPolicy).
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) error {
		c.retry = p
		return nil
	}
}

// WithLogger sets the logger for retries and rate-limit waits. Lines never carry credentials.
func WithLogger(l zerolog.Logger) Option {
	return func(c *Client) error {
		c.logger = l
		return nil
	}
}

// WithObserver registers a function called once per HTTP attempt (metrics, access logs).
func WithObserver(o Observer) Option {
	return func(c *Client) error {
		if o != nil {
			c.observers = append(c.observers, o)
		}
		return nil
	}
}

// WithIDGenerator replaces the generator of ids for creates that accept a client-side id.
func WithIDGenerator(f func() string) Option {
	return func(c *Client) error {
		if f == nil {
			return errors.New("gladly: nil id generator")
		}
		c.newID = f
		return nil
	}
}

// NewClient returns a client for the organization named by base: an org slug ("acme" →
// https://acme.gladly.com), a host ("acme.us-1.gladly.com", "acme.gladly.qa") or a full URL
// ("https://acme.gladly.com", "http://127.0.0.1:8080"). A trailing /api/v1 is accepted.
// Without WithHTTPClient it sends on NewTransport(DefaultIdleConnsPerHost).
func NewClient(base string, opts ...Option) (*Client, error) {
	u, err := ParseBaseURL(base)
	if err != nil {
		return nil, err
	}
	c := &Client{
		baseURL:          u,
		httpClient:       &http.Client{Timeout: 60 * time.Second, Transport: NewTransport(DefaultIdleConnsPerHost)},
		limiter:          NewWindowLimiter(DefaultRequestsPerSecond, time.Second),
		reportLimiter:    NewReportLimiter(),
		retry:            DefaultRetryPolicy(),
		maxRetryAfter:    DefaultMaxRetryAfter,
		maxResponseBytes: DefaultMaxResponseBytes,
		streamIdle:       DefaultStreamIdleTimeout,
		logger:           zerolog.Nop(),
		newID:            NewID,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	// Gladly answers 301 for merged customers with the new id in the body; following the
	// redirect would hide that (and resend credentials to whatever Location says).
	c.httpClient.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.streamClient = streamHTTPClient(c.httpClient)

	c.common.client = c
	c.Agents = (*AgentsService)(&c.common)
	c.Answers = (*AnswersService)(&c.common)
	c.Audiences = (*AudiencesService)(&c.common)
	c.Automation = (*AutomationService)(&c.common)
	c.Communications = (*CommunicationsService)(&c.common)
	c.Conversations = (*ConversationsService)(&c.common)
	c.CustomAttributes = (*CustomAttributesService)(&c.common)
	c.Customers = (*CustomersService)(&c.common)
	c.Events = (*EventsService)(&c.common)
	c.Exports = (*ExportsService)(&c.common)
	c.Inboxes = (*InboxesService)(&c.common)
	c.Items = (*ItemsService)(&c.common)
	c.Organization = (*OrganizationService)(&c.common)
	c.PublicAnswers = (*PublicAnswersService)(&c.common)
	c.Reports = (*ReportsService)(&c.common)
	c.Tasks = (*TasksService)(&c.common)
	c.Teams = (*TeamsService)(&c.common)
	c.Topics = (*TopicsService)(&c.common)
	c.UserIdentity = (*UserIdentityService)(&c.common)
	c.Webhooks = (*WebhooksService)(&c.common)
	return c, nil
}

// BaseURL returns scheme://host of the organization (no path, no credentials).
func (c *Client) BaseURL() string { return c.baseURL.String() }

// Tenant identifies the credentials' view of Gladly: the host and the API user. Caches key on it so
// that two organizations, or two users of one organization, never share entries.
func (c *Client) Tenant() string { return c.baseURL.Host + "|" + strings.ToLower(c.username) }

// ParseBaseURL turns an org slug, a host or a URL into scheme://host.
func ParseBaseURL(base string) (*url.URL, error) {
	base = strings.TrimSpace(base)
	if base == "" {
		return nil, errors.New("gladly: empty base URL")
	}
	if !strings.Contains(base, "://") {
		if !strings.ContainsAny(base, ".:/") {
			base += ".gladly.com" // bare organization slug
		}
		base = "https://" + base
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("gladly: invalid base URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("gladly: base URL scheme must be https or http, got %q", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("gladly: base URL has no host")
	}
	if u.User != nil {
		return nil, errors.New("gladly: base URL must not carry credentials; use WithBasicAuth")
	}
	p := strings.TrimRight(u.Path, "/")
	if p != "" && p != "/api/v1" {
		return nil, fmt.Errorf("gladly: base URL path must be empty or /api/v1, got %q", u.Path)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("gladly: base URL must not have a query or fragment")
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}
