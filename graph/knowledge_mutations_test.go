package graph_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

type answerNode struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description *string   `json:"description"`
	CreatedAt   string    `json:"createdAt"`
	UpdatedAt   *string   `json:"updatedAt"`
	Audiences   namedConn `json:"audiences"`
}

const (
	topicFields  = `id name disabled parent { id name }`
	answerFields = `id name description createdAt updatedAt audiences { totalCount nodes { id name } }`
)

// knowledgePayload is every knowledge mutation's payload.
type knowledgePayload struct {
	Topic         *topicNode   `json:"topic"`
	Answer        *answerNode  `json:"answer"`
	AnswerContent *contentNode `json:"answerContent"`
	DeletedID     *string      `json:"deletedId"`
	UserErrors    []struct {
		userError
		Meta map[string]any `json:"meta"`
	} `json:"userErrors"`
}

// mutate runs a mutation that must not fail and returns its payload.
func mutateKnowledge(t *testing.T, e *env, q string, vars map[string]any) knowledgePayload {
	t.Helper()
	var data map[string]knowledgePayload
	e.query(t, q, vars, &data)
	if len(data) != 1 {
		t.Fatalf("%d payloads, want 1", len(data))
	}
	for _, p := range data {
		return p
	}
	return knowledgePayload{}
}

// ok fails the test unless the payload reports success.
func (p knowledgePayload) ok(t *testing.T) {
	t.Helper()
	if len(p.UserErrors) != 0 {
		t.Fatalf("user errors: %+v", p.UserErrors)
	}
}

// refused fails the test unless the payload carries exactly one user error, with code at field,
// and no object; it returns that error's meta.
func (p knowledgePayload) refused(t *testing.T, code string, field ...string) map[string]any {
	t.Helper()
	if len(p.UserErrors) != 1 {
		t.Fatalf("user errors: %+v, want one %s at %v", p.UserErrors, code, field)
	}
	ue := p.UserErrors[0]
	if ue.Code != code || !cmp.Equal(ue.Field, field) || ue.Message == "" {
		t.Errorf("user error %+v, want %s at %v", ue, code, field)
	}
	if p.Topic != nil || p.Answer != nil || p.AnswerContent != nil || p.DeletedID != nil {
		t.Errorf("refused payload carries an object: %+v", p)
	}
	return ue.Meta
}

// localRefusals runs mutations whose input is refused before anything reaches Gladly.
func localRefusals(t *testing.T, q string, cases []localRefusal) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			p := mutateKnowledge(t, e, q, c.vars)
			p.refused(t, c.code, c.field...)
			assertNothingSent(t, e)
		})
	}
}

type localRefusal struct {
	name  string
	vars  map[string]any
	code  string
	field []string
}

const (
	createTopic = `mutation($in: CreateTopicInput!) { createTopic(input: $in) { topic { ` + topicFields + ` } userErrors { field code message meta } } }`
	updateTopic = `mutation($id: ID!, $in: UpdateTopicInput!) { updateTopic(id: $id, input: $in) { topic { ` + topicFields + ` } userErrors { field code message meta } } }`
)

func TestCreateTopic(t *testing.T) {
	t.Parallel()
	orders := gladlytest.DemoTopicID("Orders")
	const read = `query($id: ID!, $orders: ID!) {
		topics { totalCount }
		topic(id: $id) { ` + topicFields + ` }
		orders: topic(id: $orders) { children { totalCount nodes { id name } } }
	}`
	type state struct {
		Topics struct{ TotalCount int } `json:"topics"`
		Topic  *topicNode               `json:"topic"`
		Orders struct {
			Children namedConn `json:"children"`
		} `json:"orders"`
	}

	t.Run("read after write", func(t *testing.T) {
		t.Parallel()
		inBothCaches(t, func(t *testing.T, e *env) {
			vars := map[string]any{"id": "gift-wrap", "orders": orders}
			var before state
			e.query(t, read, vars, &before)
			if before.Topic != nil {
				t.Fatalf("topic exists before it is created: %+v", before.Topic)
			}
			p := mutateKnowledge(t, e, createTopic, map[string]any{"in": map[string]any{"id": "gift-wrap", "name": "Gift Wrap", "parentId": orders}})
			p.ok(t)
			if p.Topic == nil || p.Topic.ID != "gift-wrap" || p.Topic.Name != "Gift Wrap" || p.Topic.Disabled ||
				p.Topic.Parent == nil || p.Topic.Parent.ID != orders {
				t.Errorf("payload topic: %+v", p.Topic)
			}
			var after state
			e.query(t, read, vars, &after)
			if after.Topics.TotalCount != before.Topics.TotalCount+1 || after.Topic == nil || after.Topic.Name != "Gift Wrap" ||
				!hasName(after.Orders.Children, "Gift Wrap") {
				t.Errorf("next request reads %+v", after)
			}
		})
	})

	t.Run("generated id, disabled, top level", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		p := mutateKnowledge(t, e, createTopic, map[string]any{"in": map[string]any{"name": "Seasonal", "disabled": true}})
		p.ok(t)
		if p.Topic == nil || p.Topic.ID == "" || !p.Topic.Disabled || p.Topic.Parent != nil {
			t.Errorf("payload topic: %+v", p.Topic)
		}
	})

	t.Run("duplicate name is TAKEN", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		p := mutateKnowledge(t, e, createTopic, map[string]any{"in": map[string]any{"name": "Returns"}})
		meta := p.refused(t, "TAKEN", "input", "name")
		if meta["id"] != gladlytest.DemoTopicID("Returns") {
			t.Errorf("meta %v, want the id of the topic named Returns", meta)
		}
	})

	t.Run("unknown parent is INVALID", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		p := mutateKnowledge(t, e, createTopic, map[string]any{"in": map[string]any{"name": "Orphan", "parentId": "no-such-topic"}})
		p.refused(t, "INVALID", "input", "parentId")
	})

	localRefusals(t, createTopic, []localRefusal{
		{"blank name", map[string]any{"in": map[string]any{"name": "  "}}, "BLANK", []string{"input", "name"}},
		{"bad id", map[string]any{"in": map[string]any{"id": "not a url-safe id", "name": "Fine"}}, "INVALID", []string{"input", "id"}},
		{"bad parent id", map[string]any{"in": map[string]any{"name": "Fine", "parentId": "a/b"}}, "INVALID", []string{"input", "parentId"}},
	})
}

func TestUpdateTopic(t *testing.T) {
	t.Parallel()
	refund, invoice := gladlytest.DemoTopicID("Refund"), gladlytest.DemoTopicID("Invoice")
	orders, billing := gladlytest.DemoTopicID("Orders"), gladlytest.DemoTopicID("Billing")

	t.Run("read after write", func(t *testing.T) {
		t.Parallel()
		inBothCaches(t, func(t *testing.T, e *env) {
			const read = `query($id: ID!, $orders: ID!, $billing: ID!) {
				topic(id: $id) { ` + topicFields + ` }
				orders: topic(id: $orders) { children { nodes { name } } }
				billing: topic(id: $billing) { children { nodes { name } } }
			}`
			type state struct {
				Topic  topicNode                    `json:"topic"`
				Orders struct{ Children namedConn } `json:"orders"`
				Bill   struct{ Children namedConn } `json:"billing"`
			}
			vars := map[string]any{"id": refund, "orders": orders, "billing": billing}
			var before state
			e.query(t, read, vars, &before)
			if before.Topic.Name != "Refund" || !hasName(before.Bill.Children, "Refund") {
				t.Fatalf("fixture: %+v", before)
			}
			p := mutateKnowledge(t, e, updateTopic, map[string]any{"id": refund, "in": map[string]any{"name": "Refunds", "parentId": orders}})
			p.ok(t)
			if p.Topic == nil || p.Topic.Name != "Refunds" || p.Topic.Parent == nil || p.Topic.Parent.ID != orders {
				t.Errorf("payload topic: %+v", p.Topic)
			}
			var after state
			e.query(t, read, vars, &after)
			if after.Topic.Name != "Refunds" || after.Topic.Parent == nil || after.Topic.Parent.Name != "Orders" ||
				!hasName(after.Orders.Children, "Refunds") || hasName(after.Bill.Children, "Refund") {
				t.Errorf("next request reads %+v", after)
			}
		})
	})

	t.Run("without a name keeps the current one", func(t *testing.T) {
		t.Parallel()
		inBothCaches(t, func(t *testing.T, e *env) {
			e.query(t, `query($id: ID!) { topic(id: $id) { name disabled } }`, map[string]any{"id": invoice}, nil)
			e.fake.ResetStats()
			p := mutateKnowledge(t, e, updateTopic, map[string]any{"id": invoice, "in": map[string]any{"disabled": true}})
			p.ok(t)
			if p.Topic == nil || p.Topic.Name != "Invoice" || !p.Topic.Disabled {
				t.Errorf("payload topic: %+v", p.Topic)
			}
			assertCalls(t, e, map[string]int{"getTopic": 1, "updateTopic": 1})
			for _, r := range e.fake.Requests() {
				if r.Op == "updateTopic" && !strings.Contains(string(r.Body), `"name":"Invoice"`) {
					t.Errorf("updateTopic body %s, want the current name", r.Body)
				}
			}
			var out struct {
				Topics namedConn `json:"topics"`
			}
			e.query(t, `{ topics(disabled: true) { nodes { name } } }`, nil, &out)
			if !hasName(out.Topics, "Invoice") {
				t.Errorf("disabled topics %v, want Invoice among them", out.Topics.names())
			}
		})
	})

	t.Run("duplicate name is TAKEN", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		p := mutateKnowledge(t, e, updateTopic, map[string]any{"id": refund, "in": map[string]any{"name": "Invoice"}})
		if meta := p.refused(t, "TAKEN", "input", "name"); meta["id"] != invoice {
			t.Errorf("meta %v, want the id of Invoice", meta)
		}
	})

	t.Run("unknown parent is INVALID", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		p := mutateKnowledge(t, e, updateTopic, map[string]any{"id": refund, "in": map[string]any{"name": "Refund", "parentId": "no-such-topic"}})
		p.refused(t, "INVALID", "input", "parentId")
	})

	t.Run("unknown topic is NOT_FOUND", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		mutateKnowledge(t, e, updateTopic, map[string]any{"id": "no-such-topic", "in": map[string]any{"name": "X"}}).refused(t, "NOT_FOUND", "id")
		mutateKnowledge(t, e, updateTopic, map[string]any{"id": "no-such-topic", "in": map[string]any{"disabled": true}}).refused(t, "NOT_FOUND", "id")
	})

	localRefusals(t, updateTopic, []localRefusal{
		{"blank name", map[string]any{"id": refund, "in": map[string]any{"name": ""}}, "BLANK", []string{"input", "name"}},
		{"bad id", map[string]any{"id": "../topics", "in": map[string]any{"disabled": true}}, "INVALID", []string{"id"}},
		{"bad parent id", map[string]any{"id": refund, "in": map[string]any{"parentId": "a b"}}, "INVALID", []string{"input", "parentId"}},
	})
}

const (
	createAnswer = `mutation($in: CreateAnswerInput!) { createAnswer(input: $in) { answer { ` + answerFields + ` } userErrors { field code message meta } } }`
	updateAnswer = `mutation($id: ID!, $in: UpdateAnswerInput!) { updateAnswer(id: $id, input: $in) { answer { ` + answerFields + ` } userErrors { field code message meta } } }`
	deleteAnswer = `mutation($id: ID!) { deleteAnswer(id: $id) { deletedId userErrors { field code message meta } } }`
)

func TestCreateAnswer(t *testing.T) {
	t.Parallel()
	wholesale := gladlytest.DemoAudienceID("Wholesale")

	t.Run("read after write", func(t *testing.T) {
		t.Parallel()
		inBothCaches(t, func(t *testing.T, e *env) {
			const read = `query($id: ID!) { answer(id: $id) { ` + answerFields + ` } }`
			var before struct{ Answer *answerNode }
			e.query(t, read, map[string]any{"id": "gift-cards"}, &before)
			if before.Answer != nil {
				t.Fatalf("answer exists before it is created: %+v", before.Answer)
			}
			p := mutateKnowledge(t, e, createAnswer, map[string]any{"in": map[string]any{
				"id": "gift-cards", "name": "Gift cards", "description": "Buying and redeeming gift cards", "audienceIds": []string{wholesale}}})
			p.ok(t)
			if a := p.Answer; a == nil || a.ID != "gift-cards" || a.Name != "Gift cards" || a.Description == nil || a.CreatedAt == "" ||
				!cmp.Equal(a.Audiences.names(), []string{"Wholesale"}) {
				t.Errorf("payload answer: %+v", a)
			}
			var after struct{ Answer *answerNode }
			e.query(t, read, map[string]any{"id": "gift-cards"}, &after)
			if after.Answer == nil || after.Answer.Name != "Gift cards" {
				t.Errorf("next request reads %+v", after.Answer)
			}
		})
	})

	t.Run("duplicate name is TAKEN", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		p := mutateKnowledge(t, e, createAnswer, map[string]any{"in": map[string]any{"name": "Return policy"}})
		if meta := p.refused(t, "TAKEN", "input", "name"); meta["existingAnswerId"] != gladlytest.DemoAnswerID("Return policy") {
			t.Errorf("meta %v, want the existing answer's id", meta)
		}
	})

	t.Run("unknown audience is INVALID", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		p := mutateKnowledge(t, e, createAnswer, map[string]any{"in": map[string]any{"name": "New", "audienceIds": []string{"no-such-audience"}}})
		p.refused(t, "INVALID", "input", "audienceIds", "0")
	})

	localRefusals(t, createAnswer, []localRefusal{
		{"blank name", map[string]any{"in": map[string]any{"name": " "}}, "BLANK", []string{"input", "name"}},
		{"long name", map[string]any{"in": map[string]any{"name": strings.Repeat("n", 501)}}, "TOO_LONG", []string{"input", "name"}},
		{"long description", map[string]any{"in": map[string]any{"name": "Fine", "description": strings.Repeat("d", 10001)}}, "TOO_LONG", []string{"input", "description"}},
		{"bad id", map[string]any{"in": map[string]any{"id": strings.Repeat("x", 50), "name": "Fine"}}, "INVALID", []string{"input", "id"}},
		{"bad audience id", map[string]any{"in": map[string]any{"name": "Fine", "audienceIds": []string{wholesale, "a b"}}}, "INVALID", []string{"input", "audienceIds", "1"}},
	})
}

func TestUpdateAnswer(t *testing.T) {
	t.Parallel()
	track := gladlytest.DemoAnswerID("Track your order")
	wholesale := gladlytest.DemoAudienceID("Wholesale")

	t.Run("read after write", func(t *testing.T) {
		t.Parallel()
		inBothCaches(t, func(t *testing.T, e *env) {
			const read = `query($id: ID!, $wholesale: ID) {
				answer(id: $id) { ` + answerFields + ` }
				publicAnswers(audienceId: $wholesale) { nodes { name } }
			}`
			type state struct {
				Answer        answerNode       `json:"answer"`
				PublicAnswers publicAnswerConn `json:"publicAnswers"`
			}
			vars := map[string]any{"id": track, "wholesale": wholesale}
			var before state
			e.query(t, read, vars, &before)
			if slices.Contains(before.PublicAnswers.names(), "Track your order") {
				t.Fatal("fixture: Track your order is already for Wholesale")
			}
			p := mutateKnowledge(t, e, updateAnswer, map[string]any{"id": track, "in": map[string]any{"name": "Order tracking", "audienceIds": []string{wholesale}}})
			p.ok(t)
			if a := p.Answer; a == nil || a.Name != "Order tracking" || !cmp.Equal(a.Audiences.names(), []string{"Wholesale"}) ||
				a.Description == nil || *a.Description != *before.Answer.Description {
				t.Errorf("payload answer: %+v", a)
			}
			var after state
			e.query(t, read, vars, &after)
			if after.Answer.Name != "Order tracking" || !slices.Contains(after.PublicAnswers.names(), "Track your order") {
				t.Errorf("next request reads %+v", after)
			}

			// An empty list clears the audiences; the name stays.
			p = mutateKnowledge(t, e, updateAnswer, map[string]any{"id": track, "in": map[string]any{"audienceIds": []string{}}})
			p.ok(t)
			e.query(t, read, vars, &after)
			if after.Answer.Audiences.TotalCount != 0 || after.Answer.Name != "Order tracking" || slices.Contains(after.PublicAnswers.names(), "Track your order") {
				t.Errorf("after clearing the audiences the next request reads %+v", after)
			}
		})
	})

	t.Run("duplicate name is TAKEN", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		mutateKnowledge(t, e, updateAnswer, map[string]any{"id": track, "in": map[string]any{"name": "Return policy"}}).refused(t, "TAKEN", "input", "name")
	})

	t.Run("unknown audience is INVALID", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		mutateKnowledge(t, e, updateAnswer, map[string]any{"id": track, "in": map[string]any{"audienceIds": []string{"no-such-audience"}}}).
			refused(t, "INVALID", "input", "audienceIds", "0")
	})

	t.Run("unknown answer is NOT_FOUND", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		mutateKnowledge(t, e, updateAnswer, map[string]any{"id": "no-such-answer", "in": map[string]any{"name": "X"}}).refused(t, "NOT_FOUND", "id")
	})

	localRefusals(t, updateAnswer, []localRefusal{
		{"blank name", map[string]any{"id": track, "in": map[string]any{"name": ""}}, "BLANK", []string{"input", "name"}},
		{"long name", map[string]any{"id": track, "in": map[string]any{"name": strings.Repeat("n", 501)}}, "TOO_LONG", []string{"input", "name"}},
		{"long description", map[string]any{"id": track, "in": map[string]any{"description": strings.Repeat("d", 10001)}}, "TOO_LONG", []string{"input", "description"}},
		{"bad id", map[string]any{"id": "a|b", "in": map[string]any{"name": "Fine"}}, "INVALID", []string{"id"}},
	})
}

func TestDeleteAnswer(t *testing.T) {
	t.Parallel()
	track := gladlytest.DemoAnswerID("Track your order")

	t.Run("read after write", func(t *testing.T) {
		t.Parallel()
		inBothCaches(t, func(t *testing.T, e *env) {
			const read = `query($id: ID!) {
				answer(id: $id) { id content(language: "en-us", type: PUBLIC) { title } }
				publicAnswer(id: $id) { id }
				publicAnswers { nodes { name } }
				searchPublicAnswers(query: "tracking") { nodes { id } }
			}`
			type state struct {
				Answer *struct {
					Content *struct{ Title string }
				} `json:"answer"`
				PublicAnswer        *struct{ ID string } `json:"publicAnswer"`
				PublicAnswers       publicAnswerConn     `json:"publicAnswers"`
				SearchPublicAnswers publicAnswerConn     `json:"searchPublicAnswers"`
			}
			var before state
			e.query(t, read, map[string]any{"id": track}, &before)
			if before.Answer == nil || before.Answer.Content == nil || before.PublicAnswer == nil ||
				!slices.Contains(before.PublicAnswers.names(), "Track your order") || len(before.SearchPublicAnswers.Nodes) != 1 {
				t.Fatalf("fixture: %+v", before)
			}
			p := mutateKnowledge(t, e, deleteAnswer, map[string]any{"id": track})
			p.ok(t)
			if p.DeletedID == nil || *p.DeletedID != track {
				t.Errorf("deletedId %v", p.DeletedID)
			}
			var after state
			e.query(t, read, map[string]any{"id": track}, &after)
			if after.Answer != nil || after.PublicAnswer != nil || slices.Contains(after.PublicAnswers.names(), "Track your order") ||
				len(after.SearchPublicAnswers.Nodes) != 0 {
				t.Errorf("next request reads %+v", after)
			}
		})
	})

	t.Run("answer in use is IN_USE", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		meta := mutateKnowledge(t, e, deleteAnswer, map[string]any{"id": gladlytest.DemoAnswerID("How to reset your password")}).refused(t, "IN_USE")
		if meta["helpCenterID"] == nil {
			t.Errorf("meta %v, want Gladly's help center", meta)
		}
	})

	t.Run("unknown answer is NOT_FOUND", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		mutateKnowledge(t, e, deleteAnswer, map[string]any{"id": "no-such-answer"}).refused(t, "NOT_FOUND", "id")
	})

	localRefusals(t, deleteAnswer, []localRefusal{
		{"bad id", map[string]any{"id": ""}, "INVALID", []string{"id"}},
	})
}

const (
	setAnswerContent    = `mutation($in: SetAnswerContentInput!) { setAnswerContent(input: $in) { answerContent { ` + contentFields + ` } userErrors { field code message meta } } }`
	deleteAnswerContent = `mutation($id: ID!, $lang: String!, $type: AnswerContentType!) {
		deleteAnswerContent(answerId: $id, language: $lang, type: $type) { answer { id name } userErrors { field code message meta } } }`
)

func TestSetAnswerContent(t *testing.T) {
	t.Parallel()
	track, reset := gladlytest.DemoAnswerID("Track your order"), gladlytest.DemoAnswerID("How to reset your password")

	t.Run("new content, read after write", func(t *testing.T) {
		t.Parallel()
		inBothCaches(t, func(t *testing.T, e *env) {
			const read = `query($id: ID!) {
				answer(id: $id) { content(language: "fr-ca", type: PUBLIC) { title bodyHtml } }
				publicAnswer(id: $id, language: "fr-ca") { name bodyHtml }
				publicAnswers(language: "fr-ca") { nodes { name } }
			}`
			type state struct {
				Answer struct {
					Content *struct{ Title, BodyHTML string }
				} `json:"answer"`
				PublicAnswer  *publicAnswerNode `json:"publicAnswer"`
				PublicAnswers publicAnswerConn  `json:"publicAnswers"`
			}
			var before state
			e.query(t, read, map[string]any{"id": track}, &before)
			if before.Answer.Content != nil || before.PublicAnswer != nil || slices.Contains(before.PublicAnswers.names(), "Suivre votre commande") {
				t.Fatalf("fixture: %+v", before)
			}
			p := mutateKnowledge(t, e, setAnswerContent, map[string]any{"in": map[string]any{
				"answerId": track, "language": "fr-CA", "type": "PUBLIC", "title": "Suivre votre commande", "bodyHtml": "<p>Le numéro de suivi est dans le courriel.</p>"}})
			p.ok(t)
			if c := p.AnswerContent; c == nil || c.Language != "fr-ca" || c.Type != "PUBLIC" || c.Title == nil || *c.Title != "Suivre votre commande" ||
				c.Answer == nil || c.Answer.ID != track {
				t.Errorf("payload content: %+v", c)
			}
			var after state
			e.query(t, read, map[string]any{"id": track}, &after)
			if after.Answer.Content == nil || after.Answer.Content.Title != "Suivre votre commande" || after.PublicAnswer == nil ||
				after.PublicAnswer.Name != "Suivre votre commande" || !slices.Contains(after.PublicAnswers.names(), "Suivre votre commande") {
				t.Errorf("next request reads %+v", after)
			}
		})
	})

	t.Run("replaced content, read after write", func(t *testing.T) {
		t.Parallel()
		inBothCaches(t, func(t *testing.T, e *env) {
			const read = `query($id: ID!) { answer(id: $id) { content(language: "en-us", type: EMAIL) { subject bodyHtml } } }`
			var out struct {
				Answer struct {
					Content struct{ Subject, BodyHTML string }
				} `json:"answer"`
			}
			e.query(t, read, map[string]any{"id": reset}, &out)
			p := mutateKnowledge(t, e, setAnswerContent, map[string]any{"in": map[string]any{
				"answerId": reset, "language": "en-us", "type": "EMAIL", "subject": "Your new password", "bodyHtml": "<p>Use the link below.</p>", "title": "ignored"}})
			p.ok(t)
			if c := p.AnswerContent; c == nil || c.Subject == nil || *c.Subject != "Your new password" || c.Title != nil {
				t.Errorf("payload content: %+v", c)
			}
			e.query(t, read, map[string]any{"id": reset}, &out)
			if out.Answer.Content.Subject != "Your new password" || out.Answer.Content.BodyHTML != "<p>Use the link below.</p>" {
				t.Errorf("next request reads %+v", out.Answer.Content)
			}
		})
	})

	t.Run("each type sends its own fields", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		p := mutateKnowledge(t, e, setAnswerContent, map[string]any{"in": map[string]any{
			"answerId": track, "language": "en-us", "type": "REFERENCE", "bodyHtml": "<p>Carrier portal: see wiki.</p>", "internal": true, "subject": "ignored"}})
		p.ok(t)
		if c := p.AnswerContent; c == nil || c.Internal == nil || !*c.Internal || c.Subject != nil {
			t.Errorf("reference content: %+v", c)
		}
		p = mutateKnowledge(t, e, setAnswerContent, map[string]any{"in": map[string]any{
			"answerId": track, "language": "es-419", "type": "MESSAGING", "bodyHtml": "<p>Revisa tu correo.</p>", "title": "ignored"}})
		p.ok(t)
		if c := p.AnswerContent; c == nil || c.Title != nil || c.Internal != nil || c.Type != "MESSAGING" {
			t.Errorf("messaging content: %+v", c)
		}
	})

	t.Run("language the organization lacks is INVALID", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		mutateKnowledge(t, e, setAnswerContent, map[string]any{"in": map[string]any{"answerId": track, "language": "de", "type": "MESSAGING", "bodyHtml": "<p>Hallo</p>"}}).
			refused(t, "INVALID", "input", "language")
	})

	t.Run("unknown answer is NOT_FOUND", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		mutateKnowledge(t, e, setAnswerContent, map[string]any{"in": map[string]any{"answerId": "no-such-answer", "language": "en-us", "type": "MESSAGING", "bodyHtml": "<p>Hi</p>"}}).
			refused(t, "NOT_FOUND", "input", "answerId")
	})

	in := func(typ string, fields map[string]any) map[string]any {
		v := map[string]any{"answerId": track, "language": "en-us", "type": typ, "bodyHtml": "<p>Body</p>"}
		for k, f := range fields {
			v[k] = f
		}
		return map[string]any{"in": v}
	}
	localRefusals(t, setAnswerContent, []localRefusal{
		{"public without title", in("PUBLIC", nil), "BLANK", []string{"input", "title"}},
		{"email without subject", in("EMAIL", map[string]any{"subject": " "}), "BLANK", []string{"input", "subject"}},
		{"blank body", in("MESSAGING", map[string]any{"bodyHtml": ""}), "BLANK", []string{"input", "bodyHtml"}},
		{"malformed language", in("MESSAGING", map[string]any{"language": "english"}), "INVALID", []string{"input", "language"}},
		{"bad answer id", in("MESSAGING", map[string]any{"answerId": "a/b"}), "INVALID", []string{"input", "answerId"}},
	})
}

func TestDeleteAnswerContent(t *testing.T) {
	t.Parallel()
	track, reset := gladlytest.DemoAnswerID("Track your order"), gladlytest.DemoAnswerID("How to reset your password")

	t.Run("read after write", func(t *testing.T) {
		t.Parallel()
		inBothCaches(t, func(t *testing.T, e *env) {
			const read = `query($id: ID!) {
				answer(id: $id) { content(language: "en-us", type: PUBLIC) { title } }
				publicAnswers { nodes { name } }
			}`
			type state struct {
				Answer        struct{ Content *struct{ Title string } } `json:"answer"`
				PublicAnswers publicAnswerConn                          `json:"publicAnswers"`
			}
			var before state
			e.query(t, read, map[string]any{"id": track}, &before)
			if before.Answer.Content == nil || !slices.Contains(before.PublicAnswers.names(), "Track your order") {
				t.Fatalf("fixture: %+v", before)
			}
			p := mutateKnowledge(t, e, deleteAnswerContent, map[string]any{"id": track, "lang": "en-us", "type": "PUBLIC"})
			p.ok(t)
			if p.Answer == nil || p.Answer.ID != track {
				t.Errorf("payload answer: %+v", p.Answer)
			}
			var after state
			e.query(t, read, map[string]any{"id": track}, &after)
			if after.Answer.Content != nil || slices.Contains(after.PublicAnswers.names(), "Track your order") {
				t.Errorf("next request reads %+v", after)
			}
		})
	})

	t.Run("content in use is IN_USE", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		mutateKnowledge(t, e, deleteAnswerContent, map[string]any{"id": reset, "lang": "en-us", "type": "PUBLIC"}).refused(t, "IN_USE")
	})

	t.Run("unknown content is NOT_FOUND", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		mutateKnowledge(t, e, deleteAnswerContent, map[string]any{"id": track, "lang": "en-us", "type": "EMAIL"}).refused(t, "NOT_FOUND", "answerId")
		mutateKnowledge(t, e, deleteAnswerContent, map[string]any{"id": "no-such-answer", "lang": "en-us", "type": "EMAIL"}).refused(t, "NOT_FOUND", "answerId")
	})

	t.Run("language the organization lacks is INVALID", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		mutateKnowledge(t, e, deleteAnswerContent, map[string]any{"id": track, "lang": "de", "type": "PUBLIC"}).refused(t, "INVALID", "language")
	})

	localRefusals(t, deleteAnswerContent, []localRefusal{
		{"malformed language", map[string]any{"id": track, "lang": "e", "type": "PUBLIC"}, "INVALID", []string{"language"}},
		{"bad answer id", map[string]any{"id": "a b", "lang": "en-us", "type": "PUBLIC"}, "INVALID", []string{"answerId"}},
	})
}
