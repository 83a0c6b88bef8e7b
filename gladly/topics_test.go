package gladly_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["topics"] = contractTopics }

func contractTopics(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()
	orders, billing := gladlytest.DemoTopicID("Orders"), gladlytest.DemoTopicID("Billing")

	topics, _, err := cl.Topics.List(ctx)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	byID := map[string]*gladly.Topic{}
	for _, tp := range topics {
		byID[tp.ID] = tp
	}
	holiday := byID[gladlytest.DemoTopicID("Holiday 2019")]
	if holiday == nil || !holiday.Disabled || holiday.ParentID != orders {
		t.Errorf("disabled topic under Orders: %+v", holiday)
	}
	got, _, err := cl.Topics.Get(ctx, gladlytest.DemoTopicID("Returns"))
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if diff := cmp.Diff(&gladly.Topic{ID: gladlytest.DemoTopicID("Returns"), Name: "Returns", ParentID: orders}, got); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}

	id, resp, err := cl.Topics.Create(ctx, &gladly.CreateTopicRequest{Name: "Chargeback", ParentID: billing})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if resp.StatusCode != http.StatusCreated || resp.Location != "/api/v1/topics/"+id || !gladly.ValidID(id) {
		t.Errorf("create: status %d location %q id %q", resp.StatusCode, resp.Location, id)
	}
	disabled := true
	if _, err := cl.Topics.Update(ctx, id, &gladly.UpdateTopicRequest{Name: "Chargebacks", Disabled: &disabled}); err != nil {
		t.Fatalf("update: %v", err)
	}
	got, _, err = cl.Topics.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&gladly.Topic{ID: id, Name: "Chargebacks", Disabled: true, ParentID: billing}, got); diff != "" {
		t.Errorf("after update (-want +got):\n%s", diff)
	}

	// Refusals.
	_, _, err = cl.Topics.Create(ctx, &gladly.CreateTopicRequest{Name: " "})
	assertDetail(t, err, http.StatusBadRequest, "name", gladly.CodeBlank, "name cannot be blank")
	_, _, err = cl.Topics.Create(ctx, &gladly.CreateTopicRequest{Name: "returns"})
	assertTopicNameTaken(t, err, http.StatusConflict, gladlytest.DemoTopicID("Returns"))
	_, _, err = cl.Topics.Create(ctx, &gladly.CreateTopicRequest{ID: id, Name: "Another"})
	assertDetail(t, err, http.StatusConflict, "id", gladly.CodeTaken, "the topic with specified id already exists")
	_, _, err = cl.Topics.Create(ctx, &gladly.CreateTopicRequest{Name: "Orphan", ParentID: "no-such-topic"})
	assertFieldError(t, err, http.StatusBadRequest, "parentId", gladly.CodeInvalid)
	_, _, err = cl.Topics.Get(ctx, "no-such-topic")
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "conversation topic [no-such-topic] does not exist")
	_, err = cl.Topics.Update(ctx, "no-such-topic", &gladly.UpdateTopicRequest{Name: "x"})
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "conversation topic [no-such-topic] does not exist")
	_, err = cl.Topics.Update(ctx, id, &gladly.UpdateTopicRequest{Name: "Invoice"})
	assertTopicNameTaken(t, err, http.StatusConflict, gladlytest.DemoTopicID("Invoice"))
	_, err = cl.Topics.Update(ctx, id, &gladly.UpdateTopicRequest{Name: "Chargebacks", ParentID: new(id)})
	assertFieldError(t, err, http.StatusBadRequest, "parentId", gladly.CodeInvalid)
}

func assertTopicNameTaken(t *testing.T, err error, status int, holder string) {
	t.Helper()
	assertDetail(t, err, status, "name", gladly.CodeTaken, "another topic already has this name")
	var ge *gladly.Error
	if errors.As(err, &ge) && len(ge.Errors) > 0 && ge.Errors[0].Meta["id"] != holder {
		t.Errorf("meta %v, want id %s", ge.Errors[0].Meta, holder)
	}
}

func TestTopicInvalidIDs(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	// The client refuses such ids itself; the fake's own refusal is seen through a raw request.
	for body, attrCode := range map[string]string{
		`{"id":"has spaces","name":"A"}`:                                      "id invalid",
		`{"id":"` + strings.Repeat("x", 50) + `","name":"A"}`:                 "id too_long",
		`{"name":"A","parentId":""}`:                                          "",
		`{"id":"ok-id","name":""}`:                                            "name blank",
		`{"disabled":true}`:                                                   "name blank",
		`{"name":"B","parentId":"` + gladlytest.DemoTopicID("Returns") + `"}`: "",
	} {
		status, errs := rawTopicCall(t, srv, http.MethodPost, "/api/v1/topics", body)
		if attrCode == "" {
			if status != http.StatusCreated {
				t.Errorf("%s: %d %v, want 201", body, status, errs)
			}
			continue
		}
		if status != http.StatusBadRequest || len(errs) != 1 || errs[0].Attr+" "+errs[0].Code != attrCode {
			t.Errorf("%s: %d %v, want 400 %s", body, status, errs, attrCode)
		}
	}
}

func TestTopicUpdateTakesAPartialBody(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	id := gladlytest.DemoTopicID("Invoice")
	// Gladly's own sample sends only what changes; the fake accepts that.
	if status, errs := rawTopicCall(t, srv, http.MethodPatch, "/api/v1/topics/"+id, `{"disabled":true}`); status != http.StatusNoContent {
		t.Fatalf("partial update: %d %v", status, errs)
	}
	got, _, err := cl.Topics.Get(ctx, id)
	if err != nil || got.Name != "Invoice" || !got.Disabled || got.ParentID != gladlytest.DemoTopicID("Billing") {
		t.Errorf("after partial update: %+v, %v", got, err)
	}
	// The client follows the spec, which requires name: without one it sends nothing.
	before := srv.TotalCalls()
	var ae *gladly.ArgumentError
	if _, err := cl.Topics.Update(ctx, id, &gladly.UpdateTopicRequest{Disabled: new(false)}); !errors.As(err, &ae) {
		t.Errorf("update without a name: %v, want an ArgumentError", err)
	}
	if srv.TotalCalls() != before {
		t.Error("an update without a name reached the server")
	}
}

func TestTopicTree(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	orders, returns := gladlytest.DemoTopicID("Orders"), gladlytest.DemoTopicID("Returns")

	// Three levels: Orders › Returns › Return label.
	label, _, err := cl.Topics.Create(ctx, &gladly.CreateTopicRequest{Name: "Return label", ParentID: returns})
	if err != nil {
		t.Fatal(err)
	}
	// A topic cannot move under itself or under its own descendant.
	for _, parent := range []string{orders, label} {
		_, err := cl.Topics.Update(ctx, orders, &gladly.UpdateTopicRequest{Name: "Orders", ParentID: new(parent)})
		assertFieldError(t, err, http.StatusBadRequest, "parentId", gladly.CodeInvalid)
	}
	// Moving to another parent, then to the top level.
	if _, err := cl.Topics.Update(ctx, label, &gladly.UpdateTopicRequest{Name: "Return label", ParentID: new(orders)}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := cl.Topics.Get(ctx, label); got == nil || got.ParentID != orders {
		t.Errorf("after moving: %+v", got)
	}
	if _, err := cl.Topics.Update(ctx, label, &gladly.UpdateTopicRequest{Name: "Return label", ParentID: new("")}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := cl.Topics.Get(ctx, label); got == nil || got.ParentID != "" {
		t.Errorf("after moving to the top level: %+v", got)
	}
	// Created topics are listed after the seeded ones; there is no delete.
	topics, _, err := cl.Topics.List(ctx)
	if err != nil || topics[len(topics)-1].ID != label {
		t.Errorf("list: last %+v, %v; want the new topic", topics[len(topics)-1], err)
	}
}

func TestTopicCreateRetriedAfterDroppedConnectionLandsOnce(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	before, _, err := cl.Topics.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext("addTopic", gladlytest.Fault{Kind: gladlytest.FaultDropAfter})
	id, resp, err := cl.Topics.Create(ctx, &gladly.CreateTopicRequest{Name: "Gift wrap"})
	if err != nil {
		t.Fatalf("create through a dropped connection: %v", err)
	}
	if resp.Attempts != 2 || srv.Calls("addTopic") != 2 {
		t.Errorf("attempts %d, calls %d; want 2 and 2", resp.Attempts, srv.Calls("addTopic"))
	}
	after, _, err := cl.Topics.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var named []string
	for _, tp := range after {
		if tp.Name == "Gift wrap" {
			named = append(named, tp.ID)
		}
	}
	if len(after) != len(before)+1 || len(named) != 1 || named[0] != id {
		t.Errorf("%d topics after %d, %q named Gift wrap; want exactly one new topic, %s", len(after), len(before), named, id)
	}
}

// rawTopicCall sends a JSON body as the default API user, bypassing the client's own checks, and
// returns the status and Gladly's errors.
func rawTopicCall(t *testing.T, srv *gladlytest.Server, method, path, body string) (int, []gladly.FieldError) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(srv.Username, srv.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Errors []gladly.FieldError `json:"errors"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&env)
	return resp.StatusCode, env.Errors
}
