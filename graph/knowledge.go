package graph

import (
	"context"
	"regexp"
	"strings"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph/model"
	"github.com/gladgraph/gladgraph/loaders"
)

// Gladly's answer languages are ISO 639 codes with an optional region, in lower case: en-us,
// es-419, fr-ca. Which of them an organization has configured only Gladly knows.
var languageCode = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})*$`)

// defaultLanguage is Gladly's language when a public-answer read names none.
const defaultLanguage = "en-us"

// normLanguage spells a language code as Gladly does.
func normLanguage(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// language refuses a value that cannot be a language code and returns it as Gladly spells it.
func (v *validation) language(field []string, s string) string {
	s = normLanguage(s)
	if !languageCode.MatchString(s) {
		v.add(field, model.UserErrorCodeInvalid, "%s must be a language code such as en-us or es-419", last(field))
	}
	return s
}

// languageArg is a read's language argument as Gladly spells it (Gladly's default when null);
// a malformed one is BAD_USER_INPUT.
func languageArg(lang *string) (string, error) {
	if lang == nil {
		return defaultLanguage, nil
	}
	l := normLanguage(*lang)
	if !languageCode.MatchString(l) {
		return "", errBadInput("language must be a language code such as en-us or es-419")
	}
	return l, nil
}

// audienceArg is a read's optional audience id; a malformed one is BAD_USER_INPUT.
func audienceArg(id *string) (string, error) {
	if id == nil {
		return "", nil
	}
	if !gladly.ValidID(*id) {
		return "", errBadInput("audienceId is not a Gladly id")
	}
	return *id, nil
}

// Gladly's limits on answers (addAnswer, updateAnswer).
const (
	maxAnswerName        = 500
	maxAnswerDescription = 10000
)

// publicAnswerCap is how many public answers Gladly lists at most ("the first 1000").
const publicAnswerCap = 1000

// topicConn is the connection of the topics keep accepts, in Gladly's order.
func topicConn(ctx context.Context, list *loaders.List[*gladly.Topic], keep func(*gladly.Topic) bool, args model.PageArgs) (*model.Connection[*model.Topic], error) {
	reportInvalid(ctx, list)
	return connOfItems(filter(list.Items, keep), list.Limited, model.NewTopic, args)
}

// topicPayload drops what a write to topic id made stale (the topic and the list it is read
// from, which also holds its parent's children) and reads the topic back.
func (r *Resolver) topicPayload(ctx context.Context, id string) (*model.TopicPayload, error) {
	l := loaders.For(ctx)
	if err := l.Invalidate(ctx, loaders.Ref{Kind: loaders.KindTopic, ID: id}); err != nil {
		return nil, err
	}
	t, err := l.Topics.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return &model.TopicPayload{Topic: model.NewTopic(t), UserErrors: noUserErrors()}, nil
}

// answerPayload drops what a write to answer id made stale (the answer, its content, the public
// answer lists and searches) and reads the answer back.
func (r *Resolver) answerPayload(ctx context.Context, id string) (*model.AnswerPayload, error) {
	l := loaders.For(ctx)
	if err := l.Invalidate(ctx, loaders.Ref{Kind: loaders.KindAnswer, ID: id}); err != nil {
		return nil, err
	}
	a, err := l.Answers.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return &model.AnswerPayload{Answer: model.NewAnswer(a), UserErrors: noUserErrors()}, nil
}

// optional is a string Gladly may leave empty, as a nullable value.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// deref is the value of an optional argument, "" when absent.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
