package gladlytest

import (
	"cmp"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/gladgraph/gladgraph/gladly"
)

// publicAnswerLimit is how many public answers listAnswers returns ("the first 1000").
const publicAnswerLimit = 1000

// publicAnswerRoutes serves the public (help-center) answers. They answer without credentials:
// Gladly serves only public content there.
func (s *Server) publicAnswerRoutes() []route {
	return []route{
		{pattern: "GET /api/v1/orgs/{orgId}/answers", op: "listAnswers", public: true, h: s.listPublicAnswers},
		{pattern: "GET /api/v1/orgs/{orgId}/answers/{answerId}", op: "getAnswer", public: true, h: s.getPublicAnswer},
		{pattern: "GET /api/v1/orgs/{orgId}/answers-search", op: "searchAnswers", public: true, h: s.searchPublicAnswers},
	}
}

// publicLanguage is the request's lng, Gladly's default en-us when absent.
func publicLanguage(r *http.Request) string {
	if lng := strings.ToLower(r.URL.Query().Get("lng")); lng != "" {
		return lng
	}
	return "en-us"
}

// publicAnswer is the public view of an answer in lng, if it has public content there. Its name
// is the content's title: the customer-facing name, in the language asked for (an answer's own
// name is one internal name for every language).
func (k *knowledgeState) publicAnswer(a *gladly.Answer, lng string) (gladly.PublicAnswer, bool) {
	c, ok := k.contents[contentKey{answerID: a.ID, language: lng, typ: gladly.AnswerPublic}]
	if !ok {
		return gladly.PublicAnswer{}, false
	}
	return gladly.PublicAnswer{ID: a.ID, Name: c.Title, BodyHTML: c.BodyHTML, Language: lng, UpdatedAt: a.UpdatedAt}, true
}

// publicAnswers lists the public answers in lng alphabetically by name; with an audience, only
// the answers assigned to it.
func (k *knowledgeState) publicAnswers(lng, audienceID string) []gladly.PublicAnswer {
	var out []gladly.PublicAnswer
	for _, a := range k.answers.list() {
		if audienceID != "" && !slices.Contains(a.AudienceIDs, audienceID) {
			continue
		}
		if p, ok := k.publicAnswer(a, lng); ok {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b gladly.PublicAnswer) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// orgMatches answers 404 (Gladly documents no body here) unless the path names the organization.
func (s *Server) orgMatches(w http.ResponseWriter, r *http.Request) bool {
	if r.PathValue("orgId") != s.db.org.ID {
		notFoundEmpty(w)
		return false
	}
	return true
}

func (s *Server) listPublicAnswers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.orgMatches(w, r) {
		return
	}
	writeList(w, s.db.knowledge.publicAnswers(publicLanguage(r), r.URL.Query().Get("audienceId")), publicAnswerLimit)
}

func (s *Server) getPublicAnswer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.orgMatches(w, r) {
		return
	}
	k := &s.db.knowledge
	a, ok := k.answers.get(r.PathValue("answerId"))
	if !ok {
		notFoundEmpty(w)
		return
	}
	p, ok := k.publicAnswer(a, publicLanguage(r))
	if !ok {
		notFoundEmpty(w) // no public content in that language: nothing public to show
		return
	}
	writeJSON(w, http.StatusOK, p)
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// plainText is the text of rich content, for searching.
func plainText(h string) string { return html.UnescapeString(htmlTag.ReplaceAllString(h, " ")) }

// searchPublicAnswers matches every word of q, ignoring case, against each public answer's name
// and body text; results keep the list's alphabetical order.
func (s *Server) searchPublicAnswers(w http.ResponseWriter, r *http.Request) {
	terms := strings.Fields(strings.ToLower(r.URL.Query().Get("q")))
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.orgMatches(w, r) {
		return
	}
	out := []gladly.PublicAnswerMatch{}
	if len(terms) > 0 {
		for _, p := range s.db.knowledge.publicAnswers(publicLanguage(r), r.URL.Query().Get("audienceId")) {
			text := strings.ToLower(p.Name + " " + plainText(p.BodyHTML))
			if !slices.ContainsFunc(terms, func(t string) bool { return !strings.Contains(text, t) }) {
				out = append(out, gladly.PublicAnswerMatch{ID: p.ID, Name: p.Name})
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}
