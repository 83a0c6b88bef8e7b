package gladly_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["publicAnswers"] = contractPublicAnswers }

// publicNames returns the names of public answers, in order.
func publicNames[T interface {
	*gladly.PublicAnswer | *gladly.PublicAnswerMatch
}](list []T) []string {
	out := []string{}
	for _, a := range list {
		switch v := any(a).(type) {
		case *gladly.PublicAnswer:
			out = append(out, v.Name)
		case *gladly.PublicAnswerMatch:
			out = append(out, v.Name)
		}
	}
	return out
}

func contractPublicAnswers(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	// A help-center page has no API token: the client has no credentials at all.
	cl := c.client(t, srv, gladly.WithBasicAuth("", ""))
	ctx := t.Context()
	org := gladlytest.DemoOrganizationID

	list, resp, err := cl.PublicAnswers.List(ctx, org, "", "")
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	want := []string{"Close your account", "How to reset your password", "Report a damaged item", "Return policy", "Track your order", "Wholesale pricing"}
	if diff := cmp.Diff(want, publicNames(list)); diff != "" {
		t.Errorf("en-us public answers, alphabetical (-want +got):\n%s", diff)
	}
	if resp.Limited {
		t.Error("a list of 6 reported as limited")
	}
	for _, a := range list {
		if a.Language != "en-us" || a.BodyHTML == "" || a.UpdatedAt.IsZero() || a.ID == "" {
			t.Errorf("public answer %+v", a)
		}
	}

	es, _, err := cl.PublicAnswers.List(ctx, org, "es-419", gladlytest.DemoAudienceID("Retail - UK"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Cómo restablecer tu contraseña", "Rastrea tu pedido"}, publicNames(es)); diff != "" {
		t.Errorf("es-419 answers for Retail - UK (-want +got):\n%s", diff)
	}

	reset := gladlytest.DemoAnswerID("How to reset your password")
	got, _, err := cl.PublicAnswers.Get(ctx, org, reset, "es-419")
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.ID != reset || got.Name != "Cómo restablecer tu contraseña" || got.Language != "es-419" {
		t.Errorf("get: %+v", got)
	}

	found, _, err := cl.PublicAnswers.Search(ctx, org, "Reset PASSWORD", "", "")
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	if diff := cmp.Diff([]*gladly.PublicAnswerMatch{{ID: reset, Name: "How to reset your password"}}, found); diff != "" {
		t.Errorf("search (-want +got):\n%s", diff)
	}

	// Refusals: an answer without public content in the language, another organization.
	if _, _, err := cl.PublicAnswers.Get(ctx, org, gladlytest.DemoAnswerID("Refund timelines"), ""); !gladly.IsNotFound(err) {
		t.Errorf("answer without public content: %v, want 404", err)
	}
	if _, _, err := cl.PublicAnswers.Get(ctx, org, reset, "fr-ca"); !gladly.IsNotFound(err) {
		t.Errorf("answer without fr-ca content: %v, want 404", err)
	}
	if _, _, err := cl.PublicAnswers.List(ctx, "another-org", "", ""); !gladly.IsNotFound(err) {
		t.Errorf("another organization: %v, want 404", err)
	}

	for _, r := range srv.Requests() {
		if r.User != "" {
			t.Errorf("%s sent credentials", r.Op)
		}
	}
}

func TestPublicAnswersNeedNoCredentials(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	ctx := t.Context()
	// Even a client with credentials sends none to the public endpoints.
	cl := newClient(t, srv)
	if _, _, err := cl.PublicAnswers.List(ctx, gladlytest.DemoOrganizationID, "", ""); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].User != "" || reqs[0].Status != http.StatusOK {
		t.Errorf("requests %+v, want one public request without credentials", reqs)
	}
	// The management API stays closed without them.
	anon := newClient(t, srv, gladly.WithBasicAuth("", ""))
	if _, _, err := anon.Answers.Get(ctx, gladlytest.DemoAnswerID("Return policy")); !gladly.IsUnauthorized(err) {
		t.Errorf("answer without credentials: %v, want 401", err)
	}
}

func TestPublicAnswersFilterByAudienceAndLanguage(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	org := gladlytest.DemoOrganizationID
	for _, tc := range []struct {
		lng, audience string
		want          []string
	}{
		{"en-us", "Wholesale", []string{"Report a damaged item", "Wholesale pricing"}},
		{"en-us", "Retail - UK", []string{"How to reset your password", "Track your order"}},
		{"fr-ca", "", []string{"Fermer votre compte", "Politique de retour"}},
		{"fr-ca", "Retail - USA", []string{"Politique de retour"}},
		{"es-419", "Wholesale", []string{}},
		{"de-de", "", []string{}},
	} {
		aud := ""
		if tc.audience != "" {
			aud = gladlytest.DemoAudienceID(tc.audience)
		}
		got, _, err := cl.PublicAnswers.List(ctx, org, tc.lng, aud)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, publicNames(got)); diff != "" {
			t.Errorf("%s / %q (-want +got):\n%s", tc.lng, tc.audience, diff)
		}
	}
}

func TestPublicAnswersFollowWrites(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	org := gladlytest.DemoOrganizationID

	a, _, err := cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: "Gift cards"})
	if err != nil {
		t.Fatal(err)
	}
	// Without public content the answer is not public; email content does not make it so.
	if _, _, err := cl.Answers.SetContent(ctx, a.ID, "en-us", gladly.AnswerEmail, &gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>", Subject: "Gift cards"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cl.PublicAnswers.Get(ctx, org, a.ID, ""); !gladly.IsNotFound(err) {
		t.Errorf("answer with only email content: %v, want 404", err)
	}
	if _, _, err := cl.Answers.SetContent(ctx, a.ID, "en-us", gladly.AnswerPublic, &gladly.SetAnswerContentRequest{
		BodyHTML: "<p>Gift cards never expire &amp; can be used <b>online</b>.</p>", Title: "About gift cards",
	}); err != nil {
		t.Fatal(err)
	}
	list, _, err := cl.PublicAnswers.List(ctx, org, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if n := publicNames(list); len(n) != 7 || n[0] != "About gift cards" {
		t.Errorf("after adding public content: %q, want 7 with About gift cards first", n)
	}
	// Search reads the body's text, not its markup.
	for q, want := range map[string]int{"never expire": 1, "expire & online": 1, "amp": 0, "gift online": 1, "gift offline": 0, "": 0} {
		found, _, err := cl.PublicAnswers.Search(ctx, org, q, "en-us", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != want {
			t.Errorf("search %q: %d results, want %d", q, len(found), want)
		}
	}
	if _, err := cl.Answers.DeleteContent(ctx, a.ID, "en-us", gladly.AnswerPublic); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cl.PublicAnswers.Get(ctx, org, a.ID, "en-us"); !gladly.IsNotFound(err) {
		t.Errorf("after deleting the public content: %v, want 404", err)
	}
}
