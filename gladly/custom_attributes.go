package gladly

import (
	"context"
	"time"
)

// CustomAttribute is the definition of a conversation custom attribute (a freeform topic such as
// an order number). Conversations carry its values as ConversationAttribute{ID, Value}.
type CustomAttribute struct {
	ID          string    `json:"id"`
	Key         string    `json:"key,omitempty"`
	Label       string    `json:"label,omitempty"`
	Deactivated bool      `json:"deactivated"`
	CreatedAt   time.Time `json:"createdAt,omitzero"`
	CreatedBy   string    `json:"createdBy,omitempty"` // id of the user who defined it
}

// Get fetches a custom attribute definition. Gladly has no endpoint that lists them.
// Gladly: GET /api/v1/custom-attributes/{customAttributeId} (getCustomAttribute)
func (s *CustomAttributesService) Get(ctx context.Context, id string) (*CustomAttribute, *Response, error) {
	return get[*CustomAttribute](ctx, s.client, "getCustomAttribute", nil, "/api/v1/custom-attributes/%s", id)
}
