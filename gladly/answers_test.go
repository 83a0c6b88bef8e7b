package gladly_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["answers"] = contractAnswers }

func contractAnswers(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()
	usa, uk := gladlytest.DemoAudienceID("Retail - USA"), gladlytest.DemoAudienceID("Retail - UK")

	a, resp, err := cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{
		Name: "How to change your email", Description: "Profile settings walkthrough", AudienceIDs: []string{usa, uk},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !gladly.ValidID(a.ID) || len(a.ID) != 22 || a.CreatedAt.IsZero() {
		t.Errorf("create: status %d, answer %+v; want 200 with a generated id and createdAt", resp.StatusCode, a)
	}
	got, _, err := cl.Answers.Get(ctx, a.ID)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	want := &gladly.Answer{ID: a.ID, Name: "How to change your email", Description: "Profile settings walkthrough", AudienceIDs: []string{usa, uk}, CreatedAt: a.CreatedAt, UpdatedAt: a.CreatedAt}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}

	name := "How to change your email address"
	if _, err := cl.Answers.Update(ctx, a.ID, &gladly.UpdateAnswerRequest{Name: &name, AudienceIDs: []string{uk}}); err != nil {
		t.Fatalf("update: %v", err)
	}
	got, _, err = cl.Answers.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != name || got.Description != want.Description || !cmp.Equal(got.AudienceIDs, []string{uk}) || got.UpdatedAt.Before(got.CreatedAt) {
		t.Errorf("after update: %+v", got)
	}

	// Content, one of each type.
	for _, tc := range []struct {
		typ  string
		body gladly.SetAnswerContentRequest
	}{
		{gladly.AnswerPublic, gladly.SetAnswerContentRequest{BodyHTML: "<div>Open Settings, then Email.</div>", Title: "Change your email"}},
		{gladly.AnswerEmail, gladly.SetAnswerContentRequest{BodyHTML: "<p>Open Settings, then Email.</p>", Subject: "Changing your email"}},
		{gladly.AnswerMessaging, gladly.SetAnswerContentRequest{BodyHTML: "<p>Settings → Email.</p>"}},
		{gladly.AnswerReference, gladly.SetAnswerContentRequest{BodyHTML: "<p>Verify identity first.</p>", Internal: true}},
	} {
		set, _, err := cl.Answers.SetContent(ctx, a.ID, "en-us", tc.typ, &tc.body)
		if err != nil {
			t.Fatalf("set %s content: %v", tc.typ, err)
		}
		wantContent := &gladly.AnswerContent{AnswerID: a.ID, Language: "en-us", Type: tc.typ, BodyHTML: tc.body.BodyHTML,
			Title: tc.body.Title, Subject: tc.body.Subject, Internal: tc.body.Internal}
		if diff := cmp.Diff(wantContent, set); diff != "" {
			t.Errorf("set %s content (-want +got):\n%s", tc.typ, diff)
		}
		read, _, err := cl.Answers.GetContent(ctx, a.ID, "en-us", tc.typ)
		if err != nil {
			t.Fatalf("get %s content: %v", tc.typ, err)
		}
		if diff := cmp.Diff(wantContent, read); diff != "" {
			t.Errorf("get %s content (-want +got):\n%s", tc.typ, diff)
		}
	}
	if _, err := cl.Answers.DeleteContent(ctx, a.ID, "en-us", gladly.AnswerMessaging); err != nil {
		t.Fatalf("delete content: %v", err)
	}
	_, _, err = cl.Answers.GetContent(ctx, a.ID, "en-us", gladly.AnswerMessaging)
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "answer content does not exist")

	// Refusals of answers.
	_, _, err = cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: name})
	assertFieldError(t, err, http.StatusConflict, "name", gladly.CodeTaken)
	_, _, err = cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{ID: a.ID, Name: "Another name"})
	assertFieldError(t, err, http.StatusConflict, "id", gladly.CodeTaken)
	_, _, err = cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: "  "})
	assertFieldError(t, err, http.StatusBadRequest, "name", gladly.CodeBlank)
	_, _, err = cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: strings.Repeat("n", 501)})
	assertFieldError(t, err, http.StatusBadRequest, "name", gladly.CodeTooLong)
	_, _, err = cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: "Long", Description: strings.Repeat("d", 10001)})
	assertFieldError(t, err, http.StatusBadRequest, "description", gladly.CodeTooLong)
	_, _, err = cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: "Nobody's", AudienceIDs: []string{"no-such-audience"}})
	assertFieldError(t, err, http.StatusBadRequest, "audienceIds.0", gladly.CodeInvalid)
	other := "Track your order"
	_, err = cl.Answers.Update(ctx, a.ID, &gladly.UpdateAnswerRequest{Name: &other})
	assertFieldError(t, err, http.StatusBadRequest, "name", gladly.CodeTaken)
	_, err = cl.Answers.Update(ctx, "no-such-answer", &gladly.UpdateAnswerRequest{Name: &other})
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "answer does not exist")

	// Refusals of content.
	_, _, err = cl.Answers.GetContent(ctx, a.ID, "klingon", gladly.AnswerPublic)
	assertDetail(t, err, http.StatusBadRequest, "language", gladly.CodeInvalid, "invalid language")
	_, _, err = cl.Answers.GetContent(ctx, a.ID, "de-de", gladly.AnswerPublic)
	assertDetail(t, err, http.StatusBadRequest, "language", gladly.CodeInvalid, "language not configured for org")
	_, _, err = cl.Answers.SetContent(ctx, a.ID, "en-us", "sms", &gladly.SetAnswerContentRequest{BodyHTML: "x"})
	assertDetail(t, err, http.StatusBadRequest, "type", gladly.CodeInvalid, "invalid type")
	_, _, err = cl.Answers.SetContent(ctx, a.ID, "es-419", gladly.AnswerPublic, &gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>"})
	assertFieldError(t, err, http.StatusBadRequest, "title", gladly.CodeBlank)
	_, _, err = cl.Answers.SetContent(ctx, "no-such-answer", "en-us", gladly.AnswerPublic, &gladly.SetAnswerContentRequest{BodyHTML: "x", Title: "x"})
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "answer does not exist")
	_, err = cl.Answers.DeleteContent(ctx, a.ID, "fr-ca", gladly.AnswerPublic)
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "answer content does not exist")
	_, err = cl.Answers.DeleteContent(ctx, a.ID, "en-us", "faq")
	assertDetail(t, err, http.StatusBadRequest, "type", gladly.CodeInvalid, "invalid type")

	// What a help center shows cannot be deleted: the answer, nor its public content.
	inHelpCenter := gladlytest.DemoAnswerID("How to reset your password")
	_, err = cl.Answers.DeleteContent(ctx, inHelpCenter, "en-us", gladly.AnswerPublic)
	assertInUse(t, err, inHelpCenter)
	_, err = cl.Answers.Delete(ctx, inHelpCenter)
	assertInUse(t, err, inHelpCenter)
	if _, _, err := cl.Answers.GetContent(ctx, inHelpCenter, "en-us", gladly.AnswerPublic); err != nil {
		t.Errorf("help-center content after refused deletes: %v", err)
	}

	if _, err := cl.Answers.Delete(ctx, a.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, _, err = cl.Answers.Get(ctx, a.ID)
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "answer does not exist")
	_, err = cl.Answers.Delete(ctx, a.ID)
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "answer does not exist")
	_, _, err = cl.Answers.GetContent(ctx, a.ID, "en-us", gladly.AnswerPublic)
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "answer does not exist")
}

// assertDetail checks a *gladly.Error's status and one entry's attr, code and detail.
func assertDetail(t *testing.T, err error, status int, attr, code, detail string) {
	t.Helper()
	var ge *gladly.Error
	if !errors.As(err, &ge) || ge.StatusCode != status {
		t.Errorf("error %v, want %d %s %s %q", err, status, attr, code, detail)
		return
	}
	if !slices.ContainsFunc(ge.Errors, func(fe gladly.FieldError) bool {
		return fe.Attr == attr && fe.Code == code && fe.Detail == detail
	}) {
		t.Errorf("errors %+v, want one with attr %q code %q detail %q", ge.Errors, attr, code, detail)
	}
}

// assertInUse checks Gladly's refusal to delete what a help center shows.
func assertInUse(t *testing.T, err error, answerID string) {
	t.Helper()
	var ge *gladly.Error
	if !errors.As(err, &ge) || ge.StatusCode != http.StatusBadRequest || len(ge.Errors) != 1 || ge.Errors[0].Code != gladly.CodeInUse {
		t.Errorf("delete of a help-center answer: %v, want 400 in_use", err)
		return
	}
	if got := ge.Errors[0].Meta["snippetID"]; got != answerID || ge.Errors[0].Meta["helpCenterID"] == "" {
		t.Errorf("in_use meta %v, want the help center and snippetID %s", ge.Errors[0].Meta, answerID)
	}
}

func TestAnswerNameUniqueness(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	existing := gladlytest.DemoAnswerID("Return policy")

	// On create a taken name is a 409 naming the answer that holds it (Gladly's sample reads
	// meta.existingAnswerId to upsert); names compare without case or surrounding spaces.
	_, _, err := cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: "  RETURN policy "})
	assertFieldError(t, err, http.StatusConflict, "name", gladly.CodeTaken)
	var ge *gladly.Error
	if errors.As(err, &ge) && ge.Errors[0].Meta["existingAnswerId"] != existing {
		t.Errorf("meta %v, want existingAnswerId %s", ge.Errors[0].Meta, existing)
	}

	// On update the same conflict is a 400; keeping one's own name is no conflict.
	a, _, err := cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: "Exchange policy"})
	if err != nil {
		t.Fatal(err)
	}
	taken := "return policy"
	_, err = cl.Answers.Update(ctx, a.ID, &gladly.UpdateAnswerRequest{Name: &taken})
	assertFieldError(t, err, http.StatusBadRequest, "name", gladly.CodeTaken)
	same := "Exchange Policy"
	if _, err := cl.Answers.Update(ctx, a.ID, &gladly.UpdateAnswerRequest{Name: &same}); err != nil {
		t.Errorf("renaming to one's own name in other case: %v", err)
	}
	// A renamed answer frees its old name.
	if _, err := cl.Answers.Update(ctx, a.ID, &gladly.UpdateAnswerRequest{Name: new("Swap policy")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: "Exchange policy"}); err != nil {
		t.Errorf("create with a freed name: %v", err)
	}
}

func TestAnswerUpdateIsPartial(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	id := gladlytest.DemoAnswerID("Track your order")
	before, _, err := cl.Answers.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Answers.Update(ctx, id, &gladly.UpdateAnswerRequest{Description: new("Carrier links")}); err != nil {
		t.Fatal(err)
	}
	after, _, err := cl.Answers.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := *before
	want.Description = "Carrier links"
	if diff := cmp.Diff(&want, after, cmpopts.IgnoreFields(gladly.Answer{}, "UpdatedAt")); diff != "" {
		t.Errorf("after a description-only update (-want +got):\n%s", diff)
	}
	if !after.UpdatedAt.After(before.UpdatedAt) {
		t.Errorf("updatedAt %v not after %v", after.UpdatedAt, before.UpdatedAt)
	}
	// An empty audience list clears the set; nil leaves it.
	if _, err := cl.Answers.Update(ctx, id, &gladly.UpdateAnswerRequest{AudienceIDs: []string{}}); err != nil {
		t.Fatal(err)
	}
	after, _, _ = cl.Answers.Get(ctx, id)
	if after == nil || len(after.AudienceIDs) != 0 || after.AudienceIDs == nil {
		t.Errorf("after clearing audiences: %+v, want an empty list", after)
	}
}

func TestAnswerContentRules(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	id := gladlytest.DemoAnswerID("Wholesale pricing tiers")
	for _, tc := range []struct {
		name, lng, typ string
		body           gladly.SetAnswerContentRequest
		status         int
		attr, code     string
	}{
		{"public ok", "es-419", gladly.AnswerPublic, gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>", Title: "Precios"}, 200, "", ""},
		{"public needs title", "en-us", gladly.AnswerPublic, gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>"}, 400, "title", gladly.CodeBlank},
		{"public needs body", "en-us", gladly.AnswerPublic, gladly.SetAnswerContentRequest{Title: "x"}, 400, "bodyHtml", gladly.CodeBlank},
		{"email ok", "fr-ca", gladly.AnswerEmail, gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>", Subject: "Prix"}, 200, "", ""},
		{"email needs subject", "en-us", gladly.AnswerEmail, gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>", Title: "not a subject"}, 400, "subject", gladly.CodeBlank},
		{"messaging ok", "en-us", gladly.AnswerMessaging, gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>"}, 200, "", ""},
		{"messaging needs body", "en-us", gladly.AnswerMessaging, gladly.SetAnswerContentRequest{BodyHTML: " "}, 400, "bodyHtml", gladly.CodeBlank},
		{"reference ok", "en-us", gladly.AnswerReference, gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>"}, 200, "", ""},
		{"upper-case language is the same language", "EN-US", gladly.AnswerMessaging, gladly.SetAnswerContentRequest{BodyHTML: "<p>y</p>"}, 200, "", ""},
		{"unknown language", "xx-yy", gladly.AnswerMessaging, gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>"}, 400, "language", gladly.CodeInvalid},
		{"language not configured", "pt-br", gladly.AnswerMessaging, gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>"}, 400, "language", gladly.CodeInvalid},
		{"unknown type", "en-us", "Public", gladly.SetAnswerContentRequest{BodyHTML: "<p>x</p>", Title: "x"}, 400, "type", gladly.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := cl.Answers.SetContent(t.Context(), id, tc.lng, tc.typ, &tc.body)
			if tc.status != 200 {
				assertFieldError(t, err, tc.status, tc.attr, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Language != strings.ToLower(tc.lng) || got.Type != tc.typ || got.BodyHTML != tc.body.BodyHTML {
				t.Errorf("content %+v", got)
			}
			// Fields of other types are not kept.
			if (tc.typ != gladly.AnswerPublic && got.Title != "") || (tc.typ != gladly.AnswerEmail && got.Subject != "") {
				t.Errorf("content %+v keeps another type's field", got)
			}
		})
	}
}

func TestAnswerDeleteRemovesItsContent(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	id := gladlytest.DemoAnswerID("Return policy")
	if _, err := cl.Answers.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	// Recreated under the same id, the answer starts without the old content.
	if _, _, err := cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{ID: id, Name: "Return policy"}); err != nil {
		t.Fatal(err)
	}
	_, _, err := cl.Answers.GetContent(ctx, id, "en-us", gladly.AnswerPublic)
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "answer content does not exist")
}

func TestAnswerCreateRetriedAfterDroppedConnectionLandsOnce(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	srv.FailNext("addAnswer", gladlytest.Fault{Kind: gladlytest.FaultDropAfter})
	a, resp, err := cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: "Gift wrapping", AudienceIDs: []string{gladlytest.DemoAudienceID("Retail - UK")}})
	if err != nil {
		t.Fatalf("create through a dropped connection: %v", err)
	}
	if resp.Attempts != 2 || srv.Calls("addAnswer") != 2 {
		t.Errorf("attempts %d, calls %d; want 2 and 2", resp.Attempts, srv.Calls("addAnswer"))
	}
	// The answer returned is the one the first attempt stored.
	if a.Name != "Gift wrapping" || a.CreatedAt.IsZero() || len(a.AudienceIDs) != 1 {
		t.Errorf("answer %+v", a)
	}
	var bodies []string
	for _, r := range srv.Requests() {
		if r.Op == "addAnswer" {
			bodies = append(bodies, string(r.Body))
		}
	}
	if len(bodies) != 2 || bodies[0] != bodies[1] {
		t.Errorf("the retry must resend the same body (same id): %q", bodies)
	}
	// Exactly one answer holds the name: it is the one returned.
	_, _, err = cl.Answers.Create(ctx, &gladly.CreateAnswerRequest{Name: "Gift wrapping"})
	var ge *gladly.Error
	if !errors.As(err, &ge) || ge.StatusCode != http.StatusConflict || ge.Errors[0].Meta["existingAnswerId"] != a.ID {
		t.Errorf("second create with the name: %v, want 409 naming %s", err, a.ID)
	}
}
