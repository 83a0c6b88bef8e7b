package graph_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// The demo's topic tree, in Gladly's order.
var demoTopicNames = []string{
	"Orders", "Order Status", "Returns", "Damaged Item", "Billing", "Refund", "Invoice",
	"Product", "How-to", "Bug Report", "Account", "Password Reset", "Close Account", "Holiday 2019",
}

type topicNode struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled"`
	Parent   *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"parent"`
	Children *namedConn `json:"children"`
}

func TestTopics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		All      namedConn `json:"all"`
		Disabled namedConn `json:"disabled"`
		Returns  topicNode `json:"returns"`
		Orders   struct {
			topicNode
			Enabled namedConn `json:"enabled"`
		} `json:"orders"`
		Missing *topicNode `json:"missing"`
	}
	e.query(t, `query($returns: ID!, $orders: ID!) {
		all: topics { totalCount truncated nodes { id name } }
		disabled: topics(disabled: true) { totalCount nodes { name } }
		returns: topic(id: $returns) { id name disabled parent { id name } children { totalCount } }
		orders: topic(id: $orders) {
			name parent { id }
			children { totalCount nodes { name } }
			enabled: children(disabled: false, last: 2) { totalCount nodes { name } }
		}
		missing: topic(id: "no-such-topic") { id }
	}`, map[string]any{"returns": gladlytest.DemoTopicID("Returns"), "orders": gladlytest.DemoTopicID("Orders")}, &out)
	if diff := cmp.Diff(demoTopicNames, out.All.names()); diff != "" {
		t.Errorf("topics (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Holiday 2019"}, out.Disabled.names()); diff != "" {
		t.Errorf("topics(disabled: true) (-want +got):\n%s", diff)
	}
	r := out.Returns
	if r.Name != "Returns" || r.Disabled || r.Parent == nil || r.Parent.Name != "Orders" || r.Children == nil || r.Children.TotalCount != 0 {
		t.Errorf("Returns: %+v", r)
	}
	if out.Orders.Parent != nil {
		t.Errorf("Orders has parent %+v, want null (top level)", out.Orders.Parent)
	}
	if diff := cmp.Diff([]string{"Order Status", "Returns", "Damaged Item", "Holiday 2019"}, out.Orders.Children.names()); diff != "" {
		t.Errorf("Orders' children (-want +got):\n%s", diff)
	}
	if out.Orders.Enabled.TotalCount != 3 || !cmp.Equal([]string{"Returns", "Damaged Item"}, out.Orders.Enabled.names()) {
		t.Errorf("Orders' enabled children, last 2: %+v", out.Orders.Enabled)
	}
	if out.Missing != nil {
		t.Errorf("unknown topic = %+v, want null", out.Missing)
	}
}

// TestTopicTreeCostsOneList: parents and children of every topic come from one topics list.
func TestTopicTreeCostsOneList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	q := `{ topics { nodes { name parent { name } children { totalCount nodes { name parent { id } } } } } }`
	var out struct {
		Topics struct {
			Nodes []topicNode `json:"nodes"`
		} `json:"topics"`
	}
	e.query(t, q, nil, &out)
	children := 0
	for _, n := range out.Topics.Nodes {
		children += n.Children.TotalCount
	}
	if len(out.Topics.Nodes) != len(demoTopicNames) || children != len(demoTopicNames)-4 {
		t.Errorf("%d topics with %d children, want %d with %d", len(out.Topics.Nodes), children, len(demoTopicNames), len(demoTopicNames)-4)
	}
	assertCalls(t, e, map[string]int{"getTopics": 1})
	if n := e.fake.TotalCalls(); n != 1 {
		t.Errorf("%d Gladly calls, want 1: %v", n, e.fake.CallsByOp())
	}
	e.fake.ResetStats()
	e.query(t, q, nil, nil)
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("warm request made %d Gladly calls, want 0", n)
	}
}

type contentNode struct {
	Language string  `json:"language"`
	Type     string  `json:"type"`
	BodyHTML string  `json:"bodyHtml"`
	Title    *string `json:"title"`
	Subject  *string `json:"subject"`
	Internal *bool   `json:"internal"`
	Answer   *struct {
		ID string `json:"id"`
	} `json:"answer"`
}

const contentFields = `language type bodyHtml title subject internal answer { id }`

func TestAnswerAndItsContent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reset, policy := gladlytest.DemoAnswerID("How to reset your password"), gladlytest.DemoAnswerID("Return policy")
	var out struct {
		Reset struct {
			ID          string    `json:"id"`
			Name        string    `json:"name"`
			Description *string   `json:"description"`
			CreatedAt   string    `json:"createdAt"`
			UpdatedAt   *string   `json:"updatedAt"`
			Audiences   namedConn `json:"audiences"`
			Public      *contentNode
			Spanish     *contentNode
			Email       *contentNode
			Messaging   *contentNode
			Reference   *contentNode
		} `json:"reset"`
		Policy struct {
			Reference *contentNode
		} `json:"policy"`
		Missing *struct{ ID string } `json:"missing"`
	}
	e.query(t, `query($reset: ID!, $policy: ID!) {
		reset: answer(id: $reset) {
			id name description createdAt updatedAt
			audiences { totalCount nodes { id name } }
			public: content(language: "en-us", type: PUBLIC) { `+contentFields+` }
			spanish: content(language: "ES-419", type: PUBLIC) { `+contentFields+` }
			email: content(language: "en-us", type: EMAIL) { `+contentFields+` }
			messaging: content(language: "en-us", type: MESSAGING) { `+contentFields+` }
			reference: content(language: "en-us", type: REFERENCE) { `+contentFields+` }
		}
		policy: answer(id: $policy) { reference: content(language: "en-us", type: REFERENCE) { `+contentFields+` } }
		missing: answer(id: "no-such-answer") { id }
	}`, map[string]any{"reset": reset, "policy": policy}, &out)
	a := out.Reset
	if a.ID != reset || a.Name != "How to reset your password" || a.Description == nil || a.CreatedAt == "" || a.UpdatedAt == nil {
		t.Errorf("answer: %+v", a)
	}
	if diff := cmp.Diff([]string{"Retail - USA", "Retail - UK"}, a.Audiences.names()); diff != "" {
		t.Errorf("answer audiences (-want +got):\n%s", diff)
	}
	if c := a.Public; c == nil || c.Type != "PUBLIC" || c.Language != "en-us" || c.Title == nil || *c.Title != "How to reset your password" ||
		c.Subject != nil || c.Internal != nil || c.Answer == nil || c.Answer.ID != reset {
		t.Errorf("public content: %+v", c)
	}
	if c := a.Spanish; c == nil || c.Language != "es-419" || c.Title == nil || *c.Title != "Cómo restablecer tu contraseña" {
		t.Errorf("Spanish public content: %+v", c)
	}
	if c := a.Email; c == nil || c.Type != "EMAIL" || c.Subject == nil || *c.Subject != "Resetting your password" || c.Title != nil {
		t.Errorf("email content: %+v", c)
	}
	if c := a.Messaging; c == nil || c.Type != "MESSAGING" || c.BodyHTML != "<p>Go to Settings, then Reset Password.</p>" {
		t.Errorf("messaging content: %+v", c)
	}
	if a.Reference != nil {
		t.Errorf("reference content that does not exist = %+v, want null", a.Reference)
	}
	if c := out.Policy.Reference; c == nil || c.Type != "REFERENCE" || c.Internal == nil || !*c.Internal {
		t.Errorf("internal reference content: %+v", c)
	}
	if out.Missing != nil {
		t.Errorf("unknown answer = %+v, want null", out.Missing)
	}

	resp := e.do(t, `query($reset: ID!) { answer(id: $reset) { name content(language: "en us", type: PUBLIC) { title } } }`, map[string]any{"reset": reset})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("malformed language: errors %+v, want one BAD_USER_INPUT", resp.Errors)
	}
}

func TestAudiences(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		Audiences namedConn `json:"audiences"`
	}
	e.query(t, `{ audiences { totalCount truncated nodes { id name } } }`, nil, &out)
	if diff := cmp.Diff([]string{"Retail - USA", "Retail - UK", "Wholesale"}, out.Audiences.names()); diff != "" {
		t.Errorf("audiences (-want +got):\n%s", diff)
	}
	if out.Audiences.Nodes[2].ID != gladlytest.DemoAudienceID("Wholesale") {
		t.Errorf("audience id %q", out.Audiences.Nodes[2].ID)
	}
}

type publicAnswerNode struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Language  string  `json:"language"`
	BodyHTML  *string `json:"bodyHtml"`
	UpdatedAt *string `json:"updatedAt"`
	Answer    *struct {
		Name string `json:"name"`
	} `json:"answer"`
}

type publicAnswerConn struct {
	TotalCount int                `json:"totalCount"`
	Truncated  bool               `json:"truncated"`
	Nodes      []publicAnswerNode `json:"nodes"`
}

func (c publicAnswerConn) names() []string {
	out := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		out[i] = n.Name
	}
	return out
}

func TestPublicAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reset := gladlytest.DemoAnswerID("How to reset your password")
	var out struct {
		English   publicAnswerConn  `json:"english"`
		Wholesale publicAnswerConn  `json:"wholesale"`
		Spanish   publicAnswerConn  `json:"spanish"`
		One       *publicAnswerNode `json:"one"`
		French    *publicAnswerNode `json:"french"`
		Missing   *publicAnswerNode `json:"missing"`
	}
	e.query(t, `query($reset: ID!, $wholesale: ID) {
		english: publicAnswers { totalCount truncated nodes { id name language bodyHtml updatedAt answer { name } } }
		wholesale: publicAnswers(audienceId: $wholesale) { totalCount nodes { name } }
		spanish: publicAnswers(language: "es-419") { totalCount nodes { name language } }
		one: publicAnswer(id: $reset) { id name language bodyHtml updatedAt answer { name } }
		french: publicAnswer(id: $reset, language: "fr-ca") { id }
		missing: publicAnswer(id: "no-such-answer") { id }
	}`, map[string]any{"reset": reset, "wholesale": gladlytest.DemoAudienceID("Wholesale")}, &out)
	want := []string{"Close your account", "How to reset your password", "Report a damaged item", "Return policy", "Track your order", "Wholesale pricing"}
	if diff := cmp.Diff(want, out.English.names()); diff != "" {
		t.Errorf("public answers, alphabetical (-want +got):\n%s", diff)
	}
	if out.English.Truncated {
		t.Error("6 public answers reported as truncated")
	}
	first := out.English.Nodes[1]
	if first.ID != reset || first.Language != "en-us" || first.BodyHTML == nil || first.UpdatedAt == nil ||
		first.Answer == nil || first.Answer.Name != "How to reset your password" {
		t.Errorf("public answer in the list: %+v", first)
	}
	if diff := cmp.Diff([]string{"Report a damaged item", "Wholesale pricing"}, out.Wholesale.names()); diff != "" {
		t.Errorf("public answers of Wholesale (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Cómo restablecer tu contraseña", "Rastrea tu pedido"}, out.Spanish.names()); diff != "" {
		t.Errorf("Spanish public answers (-want +got):\n%s", diff)
	}
	if o := out.One; o == nil || o.Name != "How to reset your password" || o.BodyHTML == nil || o.Answer == nil {
		t.Errorf("publicAnswer: %+v", o)
	}
	if out.French != nil || out.Missing != nil {
		t.Errorf("publicAnswer without French content = %+v, unknown = %+v; want both null", out.French, out.Missing)
	}
}

func TestSearchPublicAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		Search publicAnswerConn `json:"searchPublicAnswers"`
	}
	// Names only: Gladly's search answers them without one more call.
	e.query(t, `{ searchPublicAnswers(query: "return") { totalCount nodes { id name language } } }`, nil, &out)
	if diff := cmp.Diff([]string{"Return policy"}, out.Search.names()); diff != "" {
		t.Errorf("search (-want +got):\n%s", diff)
	}
	if out.Search.Nodes[0].Language != "en-us" || out.Search.Nodes[0].ID != gladlytest.DemoAnswerID("Return policy") {
		t.Errorf("search result: %+v", out.Search.Nodes[0])
	}
	assertCalls(t, e, map[string]int{"searchAnswers": 1, "getAnswer": 0})

	// The body is fetched per result only when asked for.
	e.fake.ResetStats()
	e.query(t, `{ searchPublicAnswers(query: "tu", language: "es-419") { nodes { name bodyHtml answer { id } } } }`, nil, &out)
	if diff := cmp.Diff([]string{"Cómo restablecer tu contraseña", "Rastrea tu pedido"}, out.Search.names()); diff != "" {
		t.Errorf("Spanish search (-want +got):\n%s", diff)
	}
	for _, n := range out.Search.Nodes {
		if n.BodyHTML == nil || n.Answer == nil {
			t.Errorf("search result without body or answer: %+v", n)
		}
	}
	assertCalls(t, e, map[string]int{"searchAnswers": 1, "getAnswer": 2, "getAnswerById": 2})

	resp := e.do(t, `{ searchPublicAnswers(query: "x", audienceId: "a|b") { totalCount } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("malformed audience id: errors %+v, want one BAD_USER_INPUT", resp.Errors)
	}
}

func TestCustomAttribute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out struct {
		CustomAttribute struct {
			ID          string  `json:"id"`
			Key         string  `json:"key"`
			Label       string  `json:"label"`
			Deactivated bool    `json:"deactivated"`
			CreatedAt   *string `json:"createdAt"`
			CreatedBy   *struct {
				Name string `json:"name"`
			} `json:"createdBy"`
		} `json:"customAttribute"`
		Gift struct {
			Deactivated bool `json:"deactivated"`
		} `json:"gift"`
		Missing *struct{ ID string } `json:"missing"`
	}
	e.query(t, `query($order: ID!, $gift: ID!) {
		customAttribute(id: $order) { id key label deactivated createdAt createdBy { name } }
		gift: customAttribute(id: $gift) { deactivated }
		missing: customAttribute(id: "no-such-attribute") { id }
	}`, map[string]any{"order": gladlytest.DemoCustomAttributeID("orderId"), "gift": gladlytest.DemoCustomAttributeID("giftMessage")}, &out)
	c := out.CustomAttribute
	if c.Key != "orderId" || c.Label != "Order ID" || c.Deactivated || c.CreatedAt == nil || c.CreatedBy == nil || c.CreatedBy.Name != "Amy Agent" {
		t.Errorf("custom attribute: %+v", c)
	}
	if !out.Gift.Deactivated {
		t.Error("giftMessage is not deactivated")
	}
	if out.Missing != nil {
		t.Errorf("unknown custom attribute = %+v, want null", out.Missing)
	}
}

// TestKnowledgeUpstreamFailure: a failed topics list is an error with extensions.code on topics;
// the rest of the query still resolves.
func TestKnowledgeUpstreamFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fault := gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503}
	e.fake.FailNext("getTopics", fault, fault, fault, fault) // outlasts the client's retries
	resp := e.do(t, `{ topics { totalCount } audiences { totalCount } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" || !cmp.Equal(resp.Errors[0].Path, []any{"topics"}) {
		t.Fatalf("errors: %+v, want one UPSTREAM_UNAVAILABLE at topics", resp.Errors)
	}
	var data struct {
		Topics    *struct{ TotalCount int } `json:"topics"`
		Audiences *struct{ TotalCount int } `json:"audiences"`
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Topics != nil || data.Audiences == nil || data.Audiences.TotalCount != 3 {
		t.Errorf("partial data: topics %+v, audiences %+v; want null and 3", data.Topics, data.Audiences)
	}
}

// names of a namedConn's nodes contain name.
func hasName(c namedConn, name string) bool { return slices.Contains(c.names(), name) }
