package gladlytest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gladgraph/gladgraph/gladly"
)

// orgLanguages are the languages configured for the organization's answers.
var orgLanguages = []string{"en-us", "es-419", "fr-ca"}

// knownLanguages are language codes Gladly offers for answers. A known code the organization has
// not configured is refused as "language not configured for org"; any other code as "invalid
// language".
var knownLanguages = map[string]bool{
	"en-us": true, "en-gb": true, "en-au": true, "en-ca": true, "es": true, "es-419": true, "es-es": true,
	"es-mx": true, "fr": true, "fr-ca": true, "fr-fr": true, "de": true, "de-de": true, "it": true, "it-it": true,
	"nl": true, "pt": true, "pt-br": true, "pt-pt": true, "ja": true, "ko": true, "zh-cn": true, "zh-tw": true,
	"sv": true, "da": true, "nb": true, "fi": true, "pl": true, "tr": true, "ar": true, "he": true,
}

// contentKey addresses one content of an answer.
type contentKey struct{ answerID, language, typ string }

// answerContent is an answer's content in one language and of one type, as Gladly returns it.
type answerContent struct {
	AnswerID string `json:"answerId"`
	Language string `json:"language"`
	Type     string `json:"type"`
	BodyHTML string `json:"bodyHtml"`
	Title    string `json:"title,omitempty"`    // public
	Subject  string `json:"subject,omitempty"`  // email
	Internal *bool  `json:"internal,omitempty"` // reference (always present there)
}

// contentInput is the body of addAnswerContentByLanguageAndType.
type contentInput struct {
	BodyHTML *string `json:"bodyHtml"`
	Title    *string `json:"title"`
	Subject  *string `json:"subject"`
	Internal *bool   `json:"internal"`
}

// contentPath validates the language and type of a content path; on failure it answers 400.
func (s *Server) contentPath(w http.ResponseWriter, r *http.Request) (contentKey, bool) {
	key := contentKey{answerID: r.PathValue("answerId"), language: strings.ToLower(r.PathValue("language")), typ: r.PathValue("type")}
	switch {
	case !knownLanguages[key.language]:
		badRequest(w, fieldError{Attr: "language", Code: "invalid", Detail: "invalid language"})
		return key, false
	case !slices.Contains(orgLanguages, key.language):
		badRequest(w, fieldError{Attr: "language", Code: "invalid", Detail: "language not configured for org"})
		return key, false
	}
	switch key.typ {
	case gladly.AnswerPublic, gladly.AnswerEmail, gladly.AnswerMessaging, gladly.AnswerReference:
	default:
		badRequest(w, fieldError{Attr: "type", Code: "invalid", Detail: "invalid type"})
		return key, false
	}
	return key, true
}

func (s *Server) getAnswerContent(w http.ResponseWriter, r *http.Request) {
	key, ok := s.contentPath(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, found := s.findContent(w, key)
	if !found {
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// findContent returns the content at key, or answers 404 for a missing answer or content.
func (s *Server) findContent(w http.ResponseWriter, key contentKey) (*answerContent, bool) {
	k := &s.db.knowledge
	if !k.answers.has(key.answerID) {
		notFound(w, "answer does not exist")
		return nil, false
	}
	c, ok := k.contents[key]
	if !ok {
		notFound(w, "answer content does not exist")
		return nil, false
	}
	return c, true
}

func (s *Server) putAnswerContent(w http.ResponseWriter, r *http.Request) {
	key, ok := s.contentPath(w, r)
	if !ok {
		return
	}
	var in contentInput
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.db.knowledge.answers.get(key.answerID)
	if !ok {
		notFound(w, "answer does not exist")
		return
	}
	c, errs := buildContent(key, &in)
	if errs != nil {
		badRequest(w, errs...)
		return
	}
	s.db.knowledge.contents[key] = c
	a.UpdatedAt = s.nowMillis()
	writeJSON(w, http.StatusOK, c)
}

// buildContent applies the fields each content type requires: bodyHtml always, a title for
// public content, a subject for email content. Fields of other types are dropped.
func buildContent(key contentKey, in *contentInput) (*answerContent, []fieldError) {
	blank := func(p *string) bool { return p == nil || strings.TrimSpace(*p) == "" }
	var errs []fieldError
	if blank(in.BodyHTML) {
		errs = append(errs, fieldError{Attr: "bodyHtml", Code: "blank", Detail: "bodyHtml cannot be blank"})
	}
	c := &answerContent{AnswerID: key.answerID, Language: key.language, Type: key.typ}
	switch key.typ {
	case gladly.AnswerPublic:
		if blank(in.Title) {
			errs = append(errs, fieldError{Attr: "title", Code: "blank", Detail: "title cannot be blank"})
		} else {
			c.Title = *in.Title
		}
	case gladly.AnswerEmail:
		if blank(in.Subject) {
			errs = append(errs, fieldError{Attr: "subject", Code: "blank", Detail: "subject cannot be blank"})
		} else {
			c.Subject = *in.Subject
		}
	case gladly.AnswerReference:
		internal := in.Internal != nil && *in.Internal
		c.Internal = &internal
	}
	if errs != nil {
		return nil, errs
	}
	c.BodyHTML = *in.BodyHTML
	return c, nil
}

func (s *Server) deleteAnswerContent(w http.ResponseWriter, r *http.Request) {
	key, ok := s.contentPath(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := &s.db.knowledge
	if _, found := s.findContent(w, key); !found {
		return
	}
	if use, inUse := k.helpCenter[key.answerID]; inUse && key.typ == gladly.AnswerPublic {
		badRequest(w, use.refusal(key.answerID))
		return
	}
	delete(k.contents, key)
	if a, ok := k.answers.get(key.answerID); ok {
		a.UpdatedAt = s.nowMillis()
	}
	noContent(w)
}
