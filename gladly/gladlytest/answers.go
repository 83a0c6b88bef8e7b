package gladlytest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gladgraph/gladgraph/gladly"
)

// knowledgeState holds answers with their content, the help center that shows some of them, the
// conversation custom attribute definitions and the agents' call recorders.
type knowledgeState struct {
	answers     table[*gladly.Answer]
	answerNames map[string]string // folded name → answer id (names are unique)
	contents    map[contentKey]*answerContent
	// helpCenter maps an answer id to the help-center section that shows it: such an answer
	// (and its public content) cannot be deleted.
	helpCenter map[string]helpCenterUse

	customAttributes table[*gladly.CustomAttribute]
	calls            map[string]*agentCall // agent id → the call the agent is on
}

func newKnowledgeState() knowledgeState {
	return knowledgeState{
		answers:          newTable[*gladly.Answer](),
		answerNames:      map[string]string{},
		contents:         map[contentKey]*answerContent{},
		helpCenter:       map[string]helpCenterUse{},
		customAttributes: newTable[*gladly.CustomAttribute](),
		calls:            map[string]*agentCall{},
	}
}

// helpCenterUse is where a help center shows an answer.
type helpCenterUse struct {
	helpCenterID, helpCenterName string
	sectionID, sectionName       string
}

// refusal is Gladly's in_use error for deleting what the help center shows.
func (u helpCenterUse) refusal(answerID string) fieldError {
	return fieldError{Code: "in_use",
		Detail: fmt.Sprintf("Public response used in Help Center '%s' Section '%s'", u.helpCenterName, u.sectionName),
		Meta:   map[string]any{"helpCenterID": u.helpCenterID, "sectionID": u.sectionID, "snippetID": answerID}}
}

const (
	maxAnswerName        = 500
	maxAnswerDescription = 10000
)

// answerRoutes serves answers, their content and the agents' call recorders.
func (s *Server) answerRoutes() []route {
	const content = "/api/v1/answers/{answerId}/languages/{language}/type/{type}"
	return append([]route{
		{pattern: "POST /api/v1/answers", op: "addAnswer", h: s.addAnswer},
		{pattern: "GET /api/v1/answers/{answerId}", op: "getAnswerById", h: s.getAnswerByID},
		{pattern: "PATCH /api/v1/answers/{answerId}", op: "updateAnswer", h: s.updateAnswer},
		{pattern: "DELETE /api/v1/answers/{answerId}", op: "deleteAnswer", h: s.deleteAnswer},
		{pattern: "GET " + content, op: "getAnswerContentByLanguageAndType", h: s.getAnswerContent},
		{pattern: "PUT " + content, op: "addAnswerContentByLanguageAndType", h: s.putAnswerContent},
		{pattern: "DELETE " + content, op: "deleteAnswerContentByLanguageAndType", h: s.deleteAnswerContent},
	}, s.callRecorderRoutes()...)
}

// answerInput is the body of addAnswer and updateAnswer; pointers tell absent from empty.
type answerInput struct {
	ID          *string   `json:"id"`
	Name        *string   `json:"name"`
	Description *string   `json:"description"`
	AudienceIDs *[]string `json:"audienceIds"`
}

// foldName is the form in which answer and topic names must be unique. Whether Gladly compares
// names ignoring case is not documented; the fake does, so callers meet the stricter rule.
func foldName(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func (s *Server) addAnswer(w http.ResponseWriter, r *http.Request) {
	var in answerInput
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := &s.db.knowledge
	id := ""
	if in.ID != nil {
		id = *in.ID
		if errs := checkID(id); errs != nil {
			badRequest(w, errs...)
			return
		}
	}
	if in.Name == nil {
		badRequest(w, fieldError{Attr: "name", Code: "blank", Detail: "name cannot be blank"})
		return
	}
	if errs := s.checkAnswer(&in); errs != nil {
		badRequest(w, errs...)
		return
	}
	// The id is checked before the name: a repeated create then learns that its own first
	// attempt landed.
	if id != "" && k.answers.has(id) {
		writeErrors(w, http.StatusConflict, fieldError{Attr: "id", Code: "taken", Detail: "answer id already taken"})
		return
	}
	name := strings.TrimSpace(*in.Name)
	if other, taken := k.answerNames[foldName(name)]; taken {
		writeErrors(w, http.StatusConflict, fieldError{Attr: "name", Code: "taken", Detail: "duplicate answer name",
			Meta: map[string]any{"existingAnswerId": other}})
		return
	}
	if id == "" {
		id = s.newID()
	}
	now := s.nowMillis()
	a := &gladly.Answer{ID: id, Name: name, AudienceIDs: []string{}, CreatedAt: now, UpdatedAt: now}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if in.AudienceIDs != nil {
		a.AudienceIDs = dedupe(*in.AudienceIDs)
	}
	k.answers.put(id, a)
	k.answerNames[foldName(name)] = id
	out := *a
	out.UpdatedAt = time.Time{} // addAnswer's answer carries createdAt only
	writeJSON(w, http.StatusOK, out)
}

// checkAnswer validates the fields present in in (except the name's uniqueness).
func (s *Server) checkAnswer(in *answerInput) []fieldError {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		switch {
		case name == "":
			return []fieldError{{Attr: "name", Code: "blank", Detail: "name cannot be blank"}}
		case utf8.RuneCountInString(name) > maxAnswerName:
			return []fieldError{{Attr: "name", Code: "too_long", Detail: fmt.Sprintf("name cannot be longer than %d characters", maxAnswerName)}}
		}
	}
	if in.Description != nil && utf8.RuneCountInString(*in.Description) > maxAnswerDescription {
		return []fieldError{{Attr: "description", Code: "too_long", Detail: fmt.Sprintf("description cannot be longer than %d characters", maxAnswerDescription)}}
	}
	if in.AudienceIDs != nil {
		for i, aid := range *in.AudienceIDs {
			if !s.db.audiences.has(aid) {
				return []fieldError{{Attr: fmt.Sprintf("audienceIds.%d", i), Code: "invalid", Detail: "audience " + aid + " does not exist"}}
			}
		}
	}
	return nil
}

func (s *Server) getAnswerByID(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.db.knowledge.answers.get(r.PathValue("answerId"))
	if !ok {
		notFound(w, "answer does not exist")
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) updateAnswer(w http.ResponseWriter, r *http.Request) {
	var in answerInput
	if !decodeBody(w, r, &in) {
		return
	}
	id := r.PathValue("answerId")
	s.mu.Lock()
	defer s.mu.Unlock()
	k := &s.db.knowledge
	a, ok := k.answers.get(id)
	if !ok {
		notFound(w, "answer does not exist")
		return
	}
	if errs := s.checkAnswer(&in); errs != nil {
		badRequest(w, errs...)
		return
	}
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		// Unlike addAnswer's 409, a taken name is a 400 here, as Gladly documents.
		if other, taken := k.answerNames[foldName(name)]; taken && other != id {
			badRequest(w, fieldError{Attr: "name", Code: "taken", Detail: "duplicate answer name"})
			return
		}
		delete(k.answerNames, foldName(a.Name))
		a.Name = name
		k.answerNames[foldName(name)] = id
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if in.AudienceIDs != nil {
		a.AudienceIDs = dedupe(*in.AudienceIDs)
	}
	a.UpdatedAt = s.nowMillis()
	noContent(w)
}

func (s *Server) deleteAnswer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("answerId")
	s.mu.Lock()
	defer s.mu.Unlock()
	k := &s.db.knowledge
	a, ok := k.answers.get(id)
	if !ok {
		notFound(w, "answer does not exist")
		return
	}
	if use, inUse := k.helpCenter[id]; inUse {
		badRequest(w, use.refusal(id))
		return
	}
	k.answers.delete(id)
	delete(k.answerNames, foldName(a.Name))
	for key := range k.contents {
		if key.answerID == id {
			delete(k.contents, key)
		}
	}
	noContent(w)
}

// dedupe returns ids without repeats, in first-seen order, never nil.
func dedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
