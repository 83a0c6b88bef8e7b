package loaders

import (
	"context"
	"errors"

	"github.com/gladgraph/gladgraph/gladly"
)

// Refs and reads of knowledge data that the generic loaders do not cover.

// ContentRef is the ref of an answer's content in one language and type (Gladly's lower-case
// type). Ref{KindAnswer} drops every content the answer has; a cached "no such content" (404)
// carries no tag of its answer, so a write that creates the content drops it through this ref.
func ContentRef(answerID, language, contentType string) Ref {
	return compositeRef(KindAnswerContent, answerID, language, contentType)
}

// PublicAnswerRef is the ref of a public answer in one language; like ContentRef, it reaches the
// cached "no public content in that language" that Ref{KindAnswer} does not.
func PublicAnswerRef(answerID, language string) Ref {
	return compositeRef(kindPublicAnswers, "one", answerID, language)
}

var errNoOrganization = errors.New("gladly: the organization cannot be read")

// PublicAnswerSearch names a public answer search: terms, language and optional audience.
type PublicAnswerSearch struct{ Query, Language, AudienceID string }

// SearchPublicAnswers returns the public answers matching a search, as Gladly ranks them. Results
// are cached like the public answer lists, and dropped with them by any write to an answer.
func (l *Loaders) SearchPublicAnswers(ctx context.Context, k PublicAnswerSearch) (*List[*gladly.PublicAnswerMatch], error) {
	src := source[PublicAnswerSearch, *List[*gladly.PublicAnswerMatch]]{class: ClassKnowledge,
		key: func(k PublicAnswerSearch) string {
			return key(kindPublicAnswers, "search", k.Language, k.AudienceID, k.Query)
		},
		fetch: listOf(func(ctx context.Context, k PublicAnswerSearch) ([]*gladly.PublicAnswerMatch, *gladly.Response, error) {
			org, err := l.Organization(ctx)
			if err != nil {
				return nil, nil, err
			}
			if org == nil {
				return nil, nil, errNoOrganization
			}
			return l.client.PublicAnswers.Search(ctx, org.ID, k.Query, k.Language, k.AudienceID)
		}),
		tags: func(PublicAnswerSearch, *List[*gladly.PublicAnswerMatch]) []string {
			return []string{key(kindPublicAnswers)}
		}}
	vals, _, errs := loadThrough(ctx, l.store, src, []PublicAnswerSearch{k})
	return vals[0], errs[0]
}
