package gladly_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["callRecorder"] = contractCallRecorder }

func contractCallRecorder(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()
	amy := gladlytest.DemoAgentID("Amy Agent")

	// Amy is on a recorded call with Ada.
	want := &gladly.CallRecorder{AgentID: amy, CustomerID: gladlytest.DemoCustomerID, ConversationItemID: gladlytest.DemoPhoneCallItemID, Recording: true}
	got, _, err := cl.Agents.GetCallRecording(ctx, amy)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}
	if _, err := cl.Agents.UpdateCallRecording(ctx, amy, &gladly.UpdateCallRecordingRequest{Recording: false}); err != nil {
		t.Fatalf("update: %v", err)
	}
	// By email address, as Gladly allows.
	got, _, err = cl.Agents.GetCallRecording(ctx, "amy.agent@babbage.example.com")
	if err != nil {
		t.Fatalf("get by email: %v", err)
	}
	want.Recording = false
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after stopping the recording (-want +got):\n%s", diff)
	}

	_, _, err = cl.Agents.GetCallRecording(ctx, "nobody@babbage.example.com")
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "agent nobody@babbage.example.com does not exist")
	_, err = cl.Agents.UpdateCallRecording(ctx, "no-such-agent", &gladly.UpdateCallRecordingRequest{Recording: true})
	assertDetail(t, err, http.StatusNotFound, "", gladly.CodeNotExist, "agent no-such-agent does not exist")
}

func TestCallRecorderOffACall(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	amy := gladlytest.DemoAgentID("Amy Agent")
	if err := srv.EndCall(amy); err != nil {
		t.Fatal(err)
	}
	// Off a call: no customer, no item, not recording; an update answers 204 and does nothing.
	off := &gladly.CallRecorder{AgentID: amy}
	got, _, err := cl.Agents.GetCallRecording(ctx, amy)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(off, got); diff != "" {
		t.Errorf("off a call (-want +got):\n%s", diff)
	}
	resp, err := cl.Agents.UpdateCallRecording(ctx, "AMY.AGENT@babbage.example.com", &gladly.UpdateCallRecordingRequest{Recording: true})
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("update off a call: %v, want 204", err)
	}
	if got, _, _ := cl.Agents.GetCallRecording(ctx, amy); !cmp.Equal(off, got) {
		t.Errorf("after an update off a call: %+v, want unchanged", got)
	}

	// On a new call the update takes effect.
	hedy := gladlytest.DemoAgentID("Hedy Lamarr")
	if err := srv.StartCall(hedy, gladlytest.DemoCustomerID, gladlytest.DemoPhoneCallItemID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Agents.UpdateCallRecording(ctx, hedy, &gladly.UpdateCallRecordingRequest{Recording: true}); err != nil {
		t.Fatal(err)
	}
	got, _, err = cl.Agents.GetCallRecording(ctx, "hedy.lamarr@babbage.example.com")
	if err != nil || !got.Recording || got.CustomerID != gladlytest.DemoCustomerID {
		t.Errorf("on a call after starting the recording: %+v, %v", got, err)
	}
	if err := srv.StartCall("no-such-agent", gladlytest.DemoCustomerID, gladlytest.DemoPhoneCallItemID, true); err == nil {
		t.Error("a call for an unknown agent was accepted")
	}
}
