package gladly

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Answer content types: an answer holds at most one content of each type per language.
const (
	AnswerPublic    = "public"    // help center and Glad App; needs a title
	AnswerEmail     = "email"     // email replies; needs a subject
	AnswerMessaging = "messaging" // chat, SMS and social replies
	AnswerReference = "reference" // reference for agents; may be internal only
)

// Answer is a knowledge-base answer. Its text lives in AnswerContent, per language and type.
type Answer struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Description tells agents what the answer is for (shown for email and messaging content).
	Description string    `json:"description,omitempty"`
	AudienceIDs []string  `json:"audienceIds"`
	CreatedAt   time.Time `json:"createdAt,omitzero"`
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
}

// AnswerContent is an answer's text in one language for one content type.
type AnswerContent struct {
	AnswerID string `json:"answerId"`
	Language string `json:"language"` // e.g. "en-us", "es-419"
	Type     string `json:"type"`     // AnswerPublic, AnswerEmail, AnswerMessaging or AnswerReference
	BodyHTML string `json:"bodyHtml"`
	Title    string `json:"title,omitempty"`    // public content
	Subject  string `json:"subject,omitempty"`  // email content
	Internal bool   `json:"internal,omitempty"` // reference content kept from customers
}

// CreateAnswerRequest is the body of addAnswer. ID is generated when empty. Name is required,
// at most 500 characters and unique; Description at most 10000 characters.
type CreateAnswerRequest struct {
	ID          string   `json:"id,omitempty"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	AudienceIDs []string `json:"audienceIds,omitempty"`
}

// UpdateAnswerRequest is the body of updateAnswer: only non-nil fields change. AudienceIDs
// replaces the whole set; an empty, non-nil slice clears it.
type UpdateAnswerRequest struct {
	Name        *string  `json:"name,omitempty"`
	Description *string  `json:"description,omitempty"`
	AudienceIDs []string `json:"audienceIds,omitzero"`
}

// SetAnswerContentRequest is the body of addAnswerContentByLanguageAndType. BodyHTML is always
// required; public content also needs Title, email content Subject. Internal applies to
// reference content only.
type SetAnswerContentRequest struct {
	BodyHTML string `json:"bodyHtml"`
	Title    string `json:"title,omitempty"`
	Subject  string `json:"subject,omitempty"`
	Internal bool   `json:"internal,omitempty"`
}

// Get fetches an answer (without its content).
// Gladly: GET /api/v1/answers/{answerId} (getAnswerById)
func (s *AnswersService) Get(ctx context.Context, id string) (*Answer, *Response, error) {
	return get[*Answer](ctx, s.client, "getAnswerById", nil, "/api/v1/answers/%s", id)
}

// Create adds an answer and returns it as Gladly stored it. The id is generated when the request
// has none, so the create is retried safely: when a repeat finds its own id (or its own name)
// already taken, an earlier attempt landed and that answer is fetched and returned.
// Gladly: POST /api/v1/answers (addAnswer)
func (s *AnswersService) Create(ctx context.Context, body *CreateAnswerRequest) (*Answer, *Response, error) {
	b := *body
	var err error
	if b.ID, err = s.client.ensureID(b.ID); err != nil {
		return nil, nil, err
	}
	req, err := s.client.NewRequest("addAnswer", http.MethodPost, "/api/v1/answers", nil, &b)
	if err != nil {
		return nil, nil, err
	}
	var a Answer
	resp, replayed, err := s.client.sendCreate(ctx, req, &a)
	if err != nil && ownNameTaken(resp, err, b.ID) {
		replayed, err = true, nil
	}
	if err != nil {
		return nil, resp, err
	}
	if replayed {
		got, _, err := s.Get(ctx, b.ID)
		if err != nil {
			return nil, resp, err
		}
		return got, resp, nil
	}
	return &a, resp, nil
}

// ownNameTaken reports a repeated addAnswer refused because its name belongs to the answer with
// the request's own id: Gladly names the holder in meta.existingAnswerId, so the earlier
// attempt is known to have landed even when the name is checked before the id.
func ownNameTaken(resp *Response, err error, id string) bool {
	var e *Error
	if resp == nil || resp.Attempts < 2 || !errors.As(err, &e) || e.StatusCode != http.StatusConflict {
		return false
	}
	for _, fe := range e.Errors {
		if fe.Attr == "name" && fe.Code == CodeTaken && fe.Meta["existingAnswerId"] == id {
			return true
		}
	}
	return false
}

// Update changes the given fields of an answer. A name taken by another answer answers 400
// (not 409 as on create).
// Gladly: PATCH /api/v1/answers/{answerId} (updateAnswer)
func (s *AnswersService) Update(ctx context.Context, id string, body *UpdateAnswerRequest) (*Response, error) {
	return s.client.call(ctx, "updateAnswer", http.MethodPatch, nil, body, nil, "/api/v1/answers/%s", id)
}

// Delete removes an answer and all its content. An answer in use (by a help center, rules or a
// thread) answers 400 in_use.
// Gladly: DELETE /api/v1/answers/{answerId} (deleteAnswer)
func (s *AnswersService) Delete(ctx context.Context, id string) (*Response, error) {
	return s.client.call(ctx, "deleteAnswer", http.MethodDelete, nil, nil, nil, "/api/v1/answers/%s", id)
}

// GetContent fetches an answer's content in one language (configured for the organization) and
// of one type (AnswerPublic, AnswerEmail, AnswerMessaging or AnswerReference).
// Gladly: GET /api/v1/answers/{answerId}/languages/{language}/type/{type} (getAnswerContentByLanguageAndType)
func (s *AnswersService) GetContent(ctx context.Context, answerID, language, contentType string) (*AnswerContent, *Response, error) {
	return get[*AnswerContent](ctx, s.client, "getAnswerContentByLanguageAndType", nil,
		"/api/v1/answers/%s/languages/%s/type/%s", answerID, language, contentType)
}

// SetContent adds or replaces an answer's content in one language and of one type, and returns
// the stored content.
// Gladly: PUT /api/v1/answers/{answerId}/languages/{language}/type/{type} (addAnswerContentByLanguageAndType)
func (s *AnswersService) SetContent(ctx context.Context, answerID, language, contentType string, body *SetAnswerContentRequest) (*AnswerContent, *Response, error) {
	var c AnswerContent
	resp, err := s.client.call(ctx, "addAnswerContentByLanguageAndType", http.MethodPut, nil, body, &c,
		"/api/v1/answers/%s/languages/%s/type/%s", answerID, language, contentType)
	if err != nil {
		return nil, resp, err
	}
	return &c, resp, nil
}

// DeleteContent removes an answer's content in one language and of one type. Public content
// used by a help center answers 400 in_use.
// Gladly: DELETE /api/v1/answers/{answerId}/languages/{language}/type/{type} (deleteAnswerContentByLanguageAndType)
func (s *AnswersService) DeleteContent(ctx context.Context, answerID, language, contentType string) (*Response, error) {
	return s.client.call(ctx, "deleteAnswerContentByLanguageAndType", http.MethodDelete, nil, nil, nil,
		"/api/v1/answers/%s/languages/%s/type/%s", answerID, language, contentType)
}
