package gladly

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// PublicAnswer is an answer's public content in one language, as a help center shows it.
type PublicAnswer struct {
	ID        string    `json:"id"`
	Name      string    `json:"name,omitempty"` // customer-facing name
	BodyHTML  string    `json:"bodyHtml,omitempty"`
	Language  string    `json:"language,omitempty"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// PublicAnswerMatch is one result of a public answer search.
type PublicAnswerMatch struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// The public answers endpoints serve only public content and need no API token; the client
// sends them without credentials, so a help-center page can use a client that has none.

// List returns the first 1000 public answers in language lng (Gladly's default "en-us" when
// empty), alphabetical by name, optionally only those of one audience. orgID is the
// organization's id (Organization.Get).
// Gladly: GET /api/v1/orgs/{orgId}/answers (listAnswers)
func (s *PublicAnswersService) List(ctx context.Context, orgID, lng, audienceID string) ([]*PublicAnswer, *Response, error) {
	var v []*PublicAnswer
	resp, err := s.get(ctx, "listAnswers", publicQuery("lng", lng, "audienceId", audienceID), &v, "/api/v1/orgs/%s/answers", orgID)
	return v, resp, err
}

// Get fetches one public answer in language lng ("en-us" when empty).
// Gladly: GET /api/v1/orgs/{orgId}/answers/{answerId} (getAnswer)
func (s *PublicAnswersService) Get(ctx context.Context, orgID, answerID, lng string) (*PublicAnswer, *Response, error) {
	var v *PublicAnswer
	resp, err := s.get(ctx, "getAnswer", publicQuery("lng", lng), &v, "/api/v1/orgs/%s/answers/%s", orgID, answerID)
	return v, resp, err
}

// Search returns the public answers matching q in language lng, optionally of one audience.
// Gladly: GET /api/v1/orgs/{orgId}/answers-search (searchAnswers)
func (s *PublicAnswersService) Search(ctx context.Context, orgID, q, lng, audienceID string) ([]*PublicAnswerMatch, *Response, error) {
	var v []*PublicAnswerMatch
	resp, err := s.get(ctx, "searchAnswers", publicQuery("q", q, "lng", lng, "audienceId", audienceID), &v, "/api/v1/orgs/%s/answers-search", orgID)
	return v, resp, err
}

// get sends an unauthenticated GET: the one way public answers differ from other reads.
func (s *PublicAnswersService) get(ctx context.Context, op string, q url.Values, v any, format string, ids ...string) (*Response, error) {
	p, err := apiPath(format, ids...)
	if err != nil {
		return nil, err
	}
	req, err := s.client.NewRequest(op, http.MethodGet, p, q, nil)
	if err != nil {
		return nil, err
	}
	req.Public = true
	return s.client.Do(ctx, req, v)
}

// publicQuery builds a query string from key/value pairs, leaving out empty values.
func publicQuery(kv ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	return q
}
