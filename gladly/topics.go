package gladly

import (
	"context"
	"net/http"
)

// CreateTopicRequest is the body of addTopic. ID is generated when empty. Name is required and
// unique among topics; ParentID nests the topic under an existing one.
type CreateTopicRequest struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled,omitempty"`
	ParentID string `json:"parentId,omitempty"`
}

// UpdateTopicRequest is the body of updateTopic. Gladly's spec marks name as required in this
// body, so Name is always sent (and must not be empty): pass the current name to leave it as
// is. Disabled and ParentID change only when non-nil; an empty ParentID moves the topic to the
// top level.
type UpdateTopicRequest struct {
	Name     string  `json:"name"`
	Disabled *bool   `json:"disabled,omitempty"`
	ParentID *string `json:"parentId,omitempty"`
}

// List returns every topic of the organization, disabled ones included.
// Gladly: GET /api/v1/topics (getTopics)
func (s *TopicsService) List(ctx context.Context) ([]*Topic, *Response, error) {
	return getList[*Topic](ctx, s.client, "getTopics", nil, "/api/v1/topics")
}

// Get fetches a topic.
// Gladly: GET /api/v1/topics/{topicId} (getTopic)
func (s *TopicsService) Get(ctx context.Context, id string) (*Topic, *Response, error) {
	return get[*Topic](ctx, s.client, "getTopic", nil, "/api/v1/topics/%s", id)
}

// Create adds a topic and returns its id. The id is generated when the request has none, so the
// create can be retried safely. Topics cannot be deleted afterwards, only disabled.
// Gladly: POST /api/v1/topics (addTopic)
func (s *TopicsService) Create(ctx context.Context, body *CreateTopicRequest) (string, *Response, error) {
	b := *body
	var err error
	if b.ID, err = s.client.ensureID(b.ID); err != nil {
		return "", nil, err
	}
	return s.client.createWithID(ctx, "addTopic", b.ID, &b, "/api/v1/topics")
}

// Update changes a topic. A name held by another topic answers 409 taken with meta.id.
// Gladly: PATCH /api/v1/topics/{topicId} (updateTopic)
func (s *TopicsService) Update(ctx context.Context, id string, body *UpdateTopicRequest) (*Response, error) {
	if body.Name == "" {
		return nil, &ArgumentError{Detail: "updateTopic requires the topic's name"}
	}
	return s.client.call(ctx, "updateTopic", http.MethodPatch, nil, body, nil, "/api/v1/topics/%s", id)
}
