package gladly

import (
	"context"
	"net/http"
	"net/url"
	"path"
	"time"
)

// MaxWebhooks is how many webhooks an organization may have.
const MaxWebhooks = 20

// Webhook event types a webhook can subscribe to (Gladly's list grows; unknown values are kept).
// EventCustomerProfileMergedDeprecated is literally what Gladly's list holds for the deprecated
// merge event; deliveries of it carry the type "CUSTOMER_PROFILE/MERGED".
const (
	EventConversationClosed              = "CONVERSATION/CLOSED"
	EventConversationCreated             = "CONVERSATION/CREATED"
	EventCustomerProfileCreated          = "CUSTOMER_PROFILE/CREATED"
	EventCustomerProfileUpdated          = "CUSTOMER_PROFILE/UPDATED"
	EventCustomerProfileDeleted          = "CUSTOMER_PROFILE/DELETED"
	EventCustomerProfileMergedDeprecated = "CUSTOMER_PROFILE/MERGED (deprecated)"
	EventCustomerMerged                  = "CUSTOMER/MERGED"
	EventTaskCreated                     = "TASK/CREATED"
	EventExportJobCompleted              = "EXPORT_JOB/COMPLETED"
	// EventPing is not subscribable: Gladly sends it when a webhook is enabled or its URL
	// changes, and the receiver must answer 200.
	EventPing = "PING"
)

// Webhook is a subscription: Gladly POSTs the subscribed events to URL while Enabled. The
// credentials and headers it sends are write-only; answers only say whether they are set.
type Webhook struct {
	ID     string   `json:"id"`
	Name   string   `json:"name,omitempty"`
	Events []string `json:"events"`
	URL    string   `json:"url"`
	// Enabled is false on creation unless asked for; Gladly clears it after a delivery has
	// failed through every retry (then DisabledAtDueToRetryLimit is set).
	Enabled                   bool      `json:"enabled"`
	DisabledAtDueToRetryLimit time.Time `json:"disabledAtDueToRetryLimit,omitzero"`
	HasCredentials            bool      `json:"hasCredentials"`
	HeaderKeys                []string  `json:"headerKeys,omitempty"`
	CreatedAt                 time.Time `json:"createdAt,omitzero"`
	UpdatedAt                 time.Time `json:"updatedAt,omitzero"`
}

// WebhookCredentials are the HTTP Basic credentials Gladly sends with every delivery.
type WebhookCredentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Realm    string `json:"realm,omitempty"`
}

// CreateWebhookRequest is the body of createWebhook. URL must be https and unique; creating it
// enabled makes Gladly PING the URL first, and the create fails unless the PING gets a 200.
type CreateWebhookRequest struct {
	Name        string              `json:"name,omitempty"`
	URL         string              `json:"url"`
	Events      []string            `json:"events"`
	Enabled     bool                `json:"enabled,omitempty"`
	Credentials *WebhookCredentials `json:"credentials,omitempty"`
	// Headers are static headers (e.g. a shared secret) sent with every delivery.
	Headers map[string]string `json:"headers,omitempty"`
}

// UpdateWebhookRequest is the body of updateWebhook: only non-nil fields change. Enabling the
// webhook, or changing the URL of an enabled one, makes Gladly PING it first.
type UpdateWebhookRequest struct {
	Name        *string             `json:"name,omitempty"`
	URL         *string             `json:"url,omitempty"`
	Events      []string            `json:"events,omitzero"`
	Enabled     *bool               `json:"enabled,omitempty"`
	Credentials *WebhookCredentials `json:"credentials,omitempty"`
	Headers     map[string]string   `json:"headers,omitzero"`
}

// List returns every webhook of the organization.
// Gladly: GET /api/v1/webhooks (getWebhooks)
func (s *WebhooksService) List(ctx context.Context) ([]*Webhook, *Response, error) {
	return getList[*Webhook](ctx, s.client, "getWebhooks", nil, "/api/v1/webhooks")
}

// Get fetches a webhook.
// Gladly: GET /api/v1/webhooks/{webhookId} (getWebhook)
func (s *WebhooksService) Get(ctx context.Context, id string) (*Webhook, *Response, error) {
	return get[*Webhook](ctx, s.client, "getWebhook", nil, "/api/v1/webhooks/%s", id)
}

// Create adds a webhook and returns its id, read from the Location header. Gladly takes no
// client id for webhooks, so a create is sent once and never retried: after a transport error
// the caller cannot know whether it landed (List shows it by URL, which is unique).
// Gladly: POST /api/v1/webhooks (createWebhook)
func (s *WebhooksService) Create(ctx context.Context, body *CreateWebhookRequest) (string, *Response, error) {
	resp, err := s.client.call(ctx, "createWebhook", http.MethodPost, nil, body, nil, "/api/v1/webhooks")
	if err != nil {
		return "", resp, err
	}
	return locationID(resp), resp, nil
}

// Update changes the given fields of a webhook.
// Gladly: PATCH /api/v1/webhooks/{webhookId} (updateWebhook)
func (s *WebhooksService) Update(ctx context.Context, id string, body *UpdateWebhookRequest) (*Response, error) {
	return s.client.call(ctx, "updateWebhook", http.MethodPatch, nil, body, nil, "/api/v1/webhooks/%s", id)
}

// Delete removes a webhook; Gladly refuses (400) while it is enabled.
// Gladly: DELETE /api/v1/webhooks/{webhookId} (deleteWebhook)
func (s *WebhooksService) Delete(ctx context.Context, id string) (*Response, error) {
	return s.client.call(ctx, "deleteWebhook", http.MethodDelete, nil, nil, nil, "/api/v1/webhooks/%s", id)
}

// locationID is the last segment of a 201's Location ("/api/v1/webhooks/c5yeqK8VTlm9xAXgvq_5-w").
func locationID(resp *Response) string {
	if resp == nil || resp.Location == "" {
		return ""
	}
	id, err := url.PathUnescape(path.Base(resp.Location))
	if err != nil {
		return ""
	}
	return id
}
