package gladly_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// TestTolerantDecoding: Gladly's own examples send booleans and numbers as strings; what is
// unambiguous is read, the rest fails the record, and remoteData keeps what Gladly sent.
func TestTolerantDecoding(t *testing.T) {
	t.Parallel()
	var c gladly.Customer
	in := `{"id":"c1","name":"Ada","emails":[{"original":"ada@example.com","primary":"true"}],"phones":[{"original":7244895501,"primary":"FALSE"}]}`
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatalf("customer with string booleans: %v", err)
	}
	if !c.Emails[0].Primary || c.Phones[0].Primary || c.Phones[0].Original != "7244895501" || string(c.Raw) != in {
		t.Errorf("decoded %+v (raw %s)", c, c.Raw)
	}
	// Through the client, objects without a Raw field are read as tolerantly.
	srv := gladlytest.NewServer(t)
	cl := newClient(t, srv, gladly.WithRetry(gladly.NoRetry()))
	srv.FailNext("getAgentCallRecording", gladlytest.Fault{Kind: gladlytest.FaultRaw, Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"agentId":"a","recording":"true"}`)})
	r, _, err := cl.Agents.GetCallRecording(t.Context(), "a")
	if err != nil || !r.Recording {
		t.Errorf("call recorder with recording \"true\" (the spec's example): %+v, %v", r, err)
	}
	for _, bad := range []string{`{"id":"c1","emails":[{"original":"a@b.c","primary":"maybe"}]}`, `{"id":"c1","name":{"first":"Ada"}}`} {
		var c gladly.Customer
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("%s decoded as %+v; an ambiguous value must fail the record", bad, c)
		}
	}
}

// TestUnreadableAnswerErrors: answers that are not the JSON an operation returns are typed.
func TestUnreadableAnswerErrors(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t)
	cl := newClient(t, srv, gladly.WithRetry(gladly.NoRetry()))
	for name, f := range map[string]gladlytest.Fault{
		"html":       {Kind: gladlytest.FaultRaw, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte("<html>")},
		"truncated":  {Kind: gladlytest.FaultRaw, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`[{"id":`)},
		"redirect":   {Kind: gladlytest.FaultRaw, Status: http.StatusFound, Header: http.Header{"Location": {"https://sso.example.com/"}}},
		"301 bare":   {Kind: gladlytest.FaultRaw, Status: http.StatusMovedPermanently, Header: http.Header{"Location": {"https://other.example.com/"}}},
		"empty 200":  {Kind: gladlytest.FaultRaw},
		"not a list": {Kind: gladlytest.FaultRaw, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"agents":[]}`)},
	} {
		srv.FailNext("getAgents", f)
		_, _, err := cl.Agents.List(t.Context())
		var inv *gladly.InvalidResponseError
		if !errors.As(err, &inv) {
			t.Errorf("%s: %v; want an *InvalidResponseError", name, err)
		}
	}
}
