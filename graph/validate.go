package graph

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph/model"
)

// validation collects the user errors of input that can be refused without asking Gladly:
// a mutation with any of them sends nothing upstream.
type validation struct{ errs []*model.UserError }

func (v *validation) add(field []string, code model.UserErrorCode, format string, args ...any) {
	v.errs = append(v.errs, &model.UserError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// ok reports whether nothing was refused.
func (v *validation) ok() bool { return len(v.errs) == 0 }

// required refuses an empty or blank value.
func (v *validation) required(field []string, s string) bool {
	if strings.TrimSpace(s) == "" {
		v.add(field, model.UserErrorCodeBlank, "%s cannot be blank", last(field))
		return false
	}
	return true
}

// maxLen refuses a value longer than n characters.
func (v *validation) maxLen(field []string, s string, n int) {
	if utf8.RuneCountInString(s) > n {
		v.add(field, model.UserErrorCodeTooLong, "%s cannot be longer than %d characters", last(field), n)
	}
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// phone refuses a number that is not in E.164 form (+ and 8–15 digits).
func (v *validation) phone(field []string, s string) {
	if !e164.MatchString(s) {
		v.add(field, model.UserErrorCodeInvalid, "%s must be a phone number in E.164 form, e.g. +14155550100", last(field))
	}
}

// email refuses a value that is not a bare email address (user@domain, no display name).
func (v *validation) email(field []string, s string) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != strings.TrimSpace(s) {
		v.add(field, model.UserErrorCodeInvalid, "%s must be an email address", last(field))
	}
}

// id refuses a client-chosen id Gladly would refuse: URL safe, under 50 characters.
func (v *validation) id(field []string, s *string) {
	if s != nil && !gladly.ValidID(*s) {
		v.add(field, model.UserErrorCodeInvalid, "%s must be URL safe (letters, digits, - and _) and under 50 characters", last(field))
	}
}

// future refuses a time that is not in the future.
func (v *validation) future(field []string, t time.Time, now time.Time) {
	if !t.After(now) {
		v.add(field, model.UserErrorCodeInvalid, "%s must be in the future", last(field))
	}
}

// jsonObject refuses a JSON value that is not an object and returns it decoded.
func (v *validation) jsonObject(field []string, raw json.RawMessage) map[string]any {
	if raw == nil {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		v.add(field, model.UserErrorCodeInvalid, "%s must be a JSON object", last(field))
		return nil
	}
	return m
}

func last(field []string) string {
	if len(field) == 0 {
		return "value"
	}
	return field[len(field)-1]
}

// fieldPath builds a field path.
func fieldPath(segments ...any) []string {
	out := make([]string, len(segments))
	for i, s := range segments {
		out[i] = fmt.Sprint(s)
	}
	return out
}

func jsonMarshal(v any) (json.RawMessage, error) { return json.Marshal(v) }
