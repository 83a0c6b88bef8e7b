package model

import (
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// The knowledge connections.
type (
	TopicConnection        = Connection[*Topic]
	TopicEdge              = Edge[*Topic]
	AudienceConnection     = Connection[*gladly.Audience]
	AudienceEdge           = Edge[*gladly.Audience]
	PublicAnswerConnection = Connection[*PublicAnswer]
	PublicAnswerEdge       = Edge[*PublicAnswer]
)

// Answer is a knowledge-base answer; its audiences and content are joins.
type Answer struct{ *gladly.Answer }

// NewAnswer wraps an answer (nil stays nil).
func NewAnswer(a *gladly.Answer) *Answer {
	if a == nil {
		return nil
	}
	return &Answer{a}
}

func (a *Answer) Description() *string  { return optional(a.Answer.Description) }
func (a *Answer) UpdatedAt() *time.Time { return optionalTime(a.Answer.UpdatedAt) }

// AnswerContent is an answer's content in one language and type; its answer is a join.
type AnswerContent struct{ *gladly.AnswerContent }

// NewAnswerContent wraps answer content (nil stays nil).
func NewAnswerContent(c *gladly.AnswerContent) *AnswerContent {
	if c == nil {
		return nil
	}
	return &AnswerContent{c}
}

func (c *AnswerContent) ContentType() AnswerContentType {
	return AnswerContentType(strings.ToUpper(c.Type))
}
func (c *AnswerContent) Title() *string   { return optional(c.AnswerContent.Title) }
func (c *AnswerContent) Subject() *string { return optional(c.AnswerContent.Subject) }

// Internal is set for reference content only.
func (c *AnswerContent) Internal() *bool {
	if c.Type != gladly.AnswerReference {
		return nil
	}
	v := c.AnswerContent.Internal
	return &v
}

// GladlyContentType is the path value Gladly uses for a content type.
func (t AnswerContentType) GladlyContentType() string { return strings.ToLower(string(t)) }

// PublicAnswer is an answer as a help center shows it; search results carry no body.
type PublicAnswer struct {
	*gladly.PublicAnswer
	// Lang is the language asked for (search results do not say which they are in).
	Lang string
	// Match is set for a search result: Gladly sent only its id and name.
	Match bool
}

// NewPublicAnswer wraps a public answer read in language lang.
func NewPublicAnswer(a *gladly.PublicAnswer, lang string) *PublicAnswer {
	if a == nil {
		return nil
	}
	return &PublicAnswer{PublicAnswer: a, Lang: lang}
}

// NewPublicAnswerMatch wraps a search result found in language lang.
func NewPublicAnswerMatch(m *gladly.PublicAnswerMatch, lang string) *PublicAnswer {
	if m == nil {
		return nil
	}
	return &PublicAnswer{PublicAnswer: &gladly.PublicAnswer{ID: m.ID, Name: m.Name}, Lang: lang, Match: true}
}

func (a *PublicAnswer) UpdatedAt() *time.Time { return optionalTime(a.PublicAnswer.UpdatedAt) }

// Language is the answer's language, or the one asked for when Gladly did not say.
func (a *PublicAnswer) Language() string {
	if a.PublicAnswer.Language != "" {
		return a.PublicAnswer.Language
	}
	return a.Lang
}

// CustomAttribute is a conversation custom attribute's definition; its creator is a join.
type CustomAttribute struct{ *gladly.CustomAttribute }

// NewCustomAttribute wraps a definition (nil stays nil).
func NewCustomAttribute(c *gladly.CustomAttribute) *CustomAttribute {
	if c == nil {
		return nil
	}
	return &CustomAttribute{c}
}

func (c *CustomAttribute) CreatedAt() *time.Time { return optionalTime(c.CustomAttribute.CreatedAt) }
