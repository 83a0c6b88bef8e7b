package gladly

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Customer is a customer profile as Gladly returns it.
type Customer struct {
	ID                  string            `json:"id"`
	Name                string            `json:"name,omitempty"`
	Image               string            `json:"image,omitempty"`
	Address             string            `json:"address,omitempty"`
	Emails              []Email           `json:"emails,omitempty"`
	Phones              []Phone           `json:"phones,omitempty"`
	ExternalCustomerID  string            `json:"externalCustomerId,omitempty"`
	ExternalCustomerIDs map[string]string `json:"externalCustomerIds,omitempty"`
	// CustomAttributes is free-form; its shape is the organization's profile definition.
	CustomAttributes map[string]any `json:"customAttributes,omitempty"`
	CreatedAt        time.Time      `json:"createdAt,omitzero"`
	UpdatedAt        time.Time      `json:"updatedAt,omitzero"`

	// Raw is the object exactly as Gladly sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a customer and keeps the raw JSON.
func (c *Customer) UnmarshalJSON(b []byte) error {
	type plain Customer
	return decodeKeepingRaw(b, (*plain)(c), &c.Raw)
}

// MarshalJSON writes a customer back as Gladly sent it (from its fields when built in Go).
func (c Customer) MarshalJSON() ([]byte, error) {
	type plain Customer
	return encodeRawOr(c.Raw, plain(c))
}

// Email is one of a customer's email addresses.
type Email struct {
	// Original is the address as entered; only the addr-spec is kept.
	Original   string `json:"original"`
	Normalized string `json:"normalized,omitempty"`
	// Primary marks the preferred address; at most one per customer.
	Primary bool `json:"primary,omitempty"`
}

// Phone types. An absent type means OTHER; only MOBILE numbers are unique per organization.
const (
	PhoneHome   = "HOME"
	PhoneMobile = "MOBILE"
	PhoneOffice = "OFFICE"
)

// Phone is one of a customer's phone numbers.
type Phone struct {
	Original   string `json:"original"`
	Normalized string `json:"normalized,omitempty"` // E.164
	Extension  string `json:"extension,omitempty"`
	RegionCode string `json:"regionCode,omitempty"`
	Primary    bool   `json:"primary,omitempty"`
	// SMSPreference is ON, OFF or FORBIDDEN.
	SMSPreference string `json:"smsPreference,omitempty"`
	Type          string `json:"type,omitempty"`
}

// CreateCustomerRequest is the body of createCustomer. ID is generated when empty.
type CreateCustomerRequest struct {
	ID                 string         `json:"id,omitempty"`
	Name               string         `json:"name,omitempty"`
	Image              string         `json:"image,omitempty"`
	Address            string         `json:"address,omitempty"`
	Emails             []Email        `json:"emails,omitempty"`
	Phones             []Phone        `json:"phones,omitempty"`
	ExternalCustomerID string         `json:"externalCustomerId,omitempty"`
	CustomAttributes   map[string]any `json:"customAttributes,omitempty"`
}

// UpdateCustomerRequest is the body of updateCustomer: only non-nil fields change. Emails and
// Phones replace the whole list (Gladly cannot add or remove one entry); an empty, non-nil slice
// clears it.
type UpdateCustomerRequest struct {
	Name             *string        `json:"name,omitempty"`
	Image            *string        `json:"image,omitempty"`
	Address          *string        `json:"address,omitempty"`
	Emails           []Email        `json:"emails,omitzero"`
	Phones           []Phone        `json:"phones,omitzero"`
	CustomAttributes map[string]any `json:"customAttributes,omitzero"`

	// ExternalCustomerID can be set only on profiles whose organization's Lookup Adaptor was
	// installed before 2021-05-12.
	ExternalCustomerID *string `json:"externalCustomerId,omitempty"`
}

// FindCustomersOptions selects customers by exactly one identifier.
type FindCustomersOptions struct {
	Email              string
	PhoneNumber        string // E.164
	ExternalCustomerID string
}

// Get fetches a customer profile. A merged customer answers *MovedError with the new id.
// Gladly: GET /api/v1/customer-profiles/{customerId} (getCustomer)
func (s *CustomersService) Get(ctx context.Context, id string) (*Customer, *Response, error) {
	return get[*Customer](ctx, s.client, "getCustomer", nil, "/api/v1/customer-profiles/%s", id)
}

// Find lists up to 50 customers matching one identifier, most recently updated first.
// Gladly: GET /api/v1/customer-profiles (findCustomers)
func (s *CustomersService) Find(ctx context.Context, opts FindCustomersOptions) ([]*Customer, *Response, error) {
	q := url.Values{}
	for key, v := range map[string]string{"email": opts.Email, "phoneNumber": opts.PhoneNumber, "externalCustomerId": opts.ExternalCustomerID} {
		if v != "" {
			q.Set(key, v)
		}
	}
	if len(q) != 1 {
		return nil, nil, &ArgumentError{Detail: "find customers by exactly one of email, phoneNumber, externalCustomerId"}
	}
	return getList[*Customer](ctx, s.client, "findCustomers", q, "/api/v1/customer-profiles")
}

// Create adds a customer profile and returns its id. The id is generated when the request has
// none, so the create can be retried safely.
// Gladly: POST /api/v1/customer-profiles (createCustomer)
func (s *CustomersService) Create(ctx context.Context, body *CreateCustomerRequest) (string, *Response, error) {
	b := *body
	var err error
	if b.ID, err = s.client.ensureID(b.ID); err != nil {
		return "", nil, err
	}
	return s.client.createWithID(ctx, "createCustomer", b.ID, &b, "/api/v1/customer-profiles")
}

// Update changes the given fields of a customer profile. A merged customer answers 404.
// Gladly: PATCH /api/v1/customer-profiles/{customerId} (updateCustomer)
func (s *CustomersService) Update(ctx context.Context, id string, body *UpdateCustomerRequest) (*Response, error) {
	return s.client.call(ctx, "updateCustomer", http.MethodPatch, nil, body, nil, "/api/v1/customer-profiles/%s", id)
}

// Delete removes a customer and all of their conversations; it fails while any conversation is
// open or waiting. Needs the Compliance Admin role. Irreversible.
// Gladly: DELETE /api/v1/customer-profiles/{customerId} (deleteCustomer)
func (s *CustomersService) Delete(ctx context.Context, id string) (*Response, error) {
	return s.client.call(ctx, "deleteCustomer", http.MethodDelete, nil, nil, nil, "/api/v1/customer-profiles/%s", id)
}
