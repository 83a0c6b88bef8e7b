package gladly_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["items"] = contractItems }

func contractItems(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()

	items, resp, err := cl.Items.ListForConversation(ctx, gladlytest.DemoOpenConversationID, nil)
	if err != nil {
		t.Fatalf("list items: %v", err)
	}
	if resp.Limited {
		t.Error("the demo conversation's items are reported as limited")
	}
	var kinds []string
	for i, it := range items {
		if it.ConversationID != gladlytest.DemoOpenConversationID || it.CustomerID != gladlytest.DemoCustomerID || len(it.Raw) == 0 {
			t.Errorf("item %s: conversation %q customer %q raw %d bytes", it.ID, it.ConversationID, it.CustomerID, len(it.Raw))
		}
		if i > 0 && it.Timestamp.Before(items[i-1].Timestamp) {
			t.Errorf("items out of order at %d: %v before %v", i, it.Timestamp, items[i-1].Timestamp)
		}
		kind := it.Content.ContentType()
		if chat, ok := it.Content.(*gladly.ChatMessageContent); ok {
			kind += "/" + chat.MessageType
		}
		if !slices.Contains(kinds, kind) {
			kinds = append(kinds, kind)
		}
	}
	for _, want := range []string{"CHAT_MESSAGE/TEXT", "CHAT_MESSAGE/QUICK_REPLY_REQUEST", "CHAT_MESSAGE/QUICK_REPLY_RESPONSE",
		gladly.ContentTopicChange, gladly.ContentEmail, gladly.ContentPhoneCall, gladly.ContentConversationNote} {
		if !slices.Contains(kinds, want) {
			t.Errorf("the demo timeline has no %s item (has %v)", want, kinds)
		}
	}

	chats, _, err := cl.Items.ListForConversation(ctx, gladlytest.DemoOpenConversationID, &gladly.ListItemsOptions{SessionID: gladlytest.DemoChatSessionID})
	if err != nil {
		t.Fatal(err)
	}
	if len(chats) == 0 || len(chats) >= len(items) {
		t.Errorf("session filter kept %d of %d items", len(chats), len(items))
	}
	for _, it := range chats {
		if _, ok := it.Content.(*gladly.ChatMessageContent); !ok || it.SessionID != gladlytest.DemoChatSessionID {
			t.Errorf("session filter kept %s (%s, session %q)", it.ID, it.Content.ContentType(), it.SessionID)
		}
	}

	call, _, err := cl.Items.Get(ctx, gladlytest.DemoPhoneCallItemID)
	if err != nil {
		t.Fatalf("get call: %v", err)
	}
	pc, ok := call.Content.(*gladly.PhoneCallContent)
	if !ok || pc.RecordingStatus != gladly.RecordingAvailable || pc.RecordingDuration <= 0 ||
		pc.RecordingURL != "/api/v1/conversation-items/"+gladlytest.DemoPhoneCallItemID+"/media/recording" || pc.StartedAt.IsZero() {
		t.Fatalf("call content: %#v", call.Content)
	}

	tr, _, err := cl.Items.GetVoiceTranscript(ctx, gladlytest.DemoPhoneCallItemID)
	if err != nil {
		t.Fatalf("transcript: %v", err)
	}
	if len(tr.Paragraphs) < 2 || tr.CustomerID != gladlytest.DemoCustomerID || tr.NumberOfSpeakers != 2 {
		t.Errorf("transcript: %+v", tr)
	}
	for i, p := range tr.Paragraphs {
		if p.Transcript == "" || p.EndTime <= p.StartTime || p.EndTime > float64(pc.RecordingDuration) || (i > 0 && p.StartTime < tr.Paragraphs[i-1].EndTime) {
			t.Errorf("paragraph %d: %+v", i, p)
		}
	}

	body, resp, err := cl.Items.GetRecording(ctx, gladlytest.DemoPhoneCallItemID)
	if err != nil {
		t.Fatalf("recording: %v", err)
	}
	audio, err := io.ReadAll(body)
	_ = body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "audio/mpeg" {
		t.Errorf("recording content type %q", ct)
	}
	if n, _ := strconv.Atoi(resp.Header.Get("Content-Length")); n != len(audio) {
		t.Errorf("Content-Length %d, body %d bytes", n, len(audio))
	}
	checkMP3(t, audio, int(pc.RecordingDuration))

	// Refusals.
	_, _, err = cl.Items.Get(ctx, gladlytest.DemoLegacyTaskItemID)
	assertFieldError(t, err, http.StatusBadRequest, "", gladly.CodeInvalid)
	if _, _, err := cl.Items.Get(ctx, "no-such-item"); !gladly.IsNotFound(err) {
		t.Errorf("missing item: %v, want 404", err)
	}
	if _, _, err := cl.Items.ListForConversation(ctx, "no-such-conversation", nil); !gladly.IsNotFound(err) {
		t.Errorf("items of a missing conversation: %v, want 404", err)
	}
	if _, _, err := cl.Items.GetVoiceTranscript(ctx, gladlytest.DemoVoicemailItemID); !gladly.IsNotFound(err) {
		t.Errorf("transcript of an untranscribed voicemail: %v, want 404", err)
	}
	for _, id := range []string{gladlytest.DemoDeletedRecordingItemID, gladlytest.DemoNoteItemID, "no-such-item"} {
		if _, _, err := cl.Items.GetRecording(ctx, id); !gladly.IsNotFound(err) {
			t.Errorf("recording of %s: %v, want 404", id, err)
		}
	}
}

// checkMP3 parses audio as a run of MPEG-1 Layer III frames, single channel at 32 kbps, and
// checks they last the recording's length (to within one frame).
func checkMP3(t *testing.T, audio []byte, seconds int) {
	t.Helper()
	frames := 0
	for off := 0; off < len(audio); frames++ {
		h := audio[off:min(off+4, len(audio))]
		if len(h) < 4 || h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
			t.Fatalf("no frame sync at byte %d", off)
		}
		version, layer := (h[1]>>3)&3, (h[1]>>1)&3
		bitrate, rate, padding, mode := h[2]>>4, (h[2]>>2)&3, int(h[2]>>1)&1, h[3]>>6
		if version != 3 || layer != 1 {
			t.Fatalf("frame %d: version %d layer %d, want MPEG-1 Layer III", frames, version, layer)
		}
		if bitrate != 1 || mode != 3 {
			t.Fatalf("frame %d: bitrate index %d mode %d, want 32 kbps single channel", frames, bitrate, mode)
		}
		sampleRate := []int{44100, 48000, 32000}[rate]
		off += 144*32000/sampleRate + padding
	}
	got := float64(frames*1152) / 32000
	if d := got - float64(seconds); d < 0 || d > 0.036 {
		t.Errorf("%d frames last %.3f s, want %d s", frames, got, seconds)
	}
}

// countingBody counts what its reader consumed.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

type countingTransport struct{ n atomic.Int64 }

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		resp.Body = countingBody{resp.Body, &ct.n}
	}
	return resp, err
}

// TestRecordingStreams: GetRecording hands over the open body; nothing is read until the caller
// reads, and a caller that stops early has read only what it asked for.
func TestRecordingStreams(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	ct := &countingTransport{}
	cl := newClient(t, srv, gladly.WithHTTPClient(&http.Client{Transport: ct}))
	body, resp, err := cl.Items.GetRecording(t.Context(), gladlytest.DemoPhoneCallItemID)
	if err != nil {
		t.Fatal(err)
	}
	total, _ := strconv.Atoi(resp.Header.Get("Content-Length"))
	if total < 100_000 {
		t.Fatalf("Content-Length %d; the demo call should be a long recording", total)
	}
	if n := ct.n.Load(); n != 0 {
		t.Errorf("the client read %d bytes before handing the body over", n)
	}
	head := make([]byte, 4)
	if _, err := io.ReadFull(body, head); err != nil {
		t.Fatal(err)
	}
	if err := body.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(head[:2], []byte{0xFF, 0xFB}) {
		t.Errorf("first bytes % x, want an MPEG-1 Layer III frame header", head)
	}
	if n := ct.n.Load(); n >= int64(total) || n > 64<<10 {
		t.Errorf("reading 4 bytes consumed %d of %d", n, total)
	}
}

// itemJSON wraps content in an item.
func itemJSON(content string) string {
	return `{"id":"ybP4szYCSy6LdV4DNwEd6g","customerId":"OOrlNMXeS72gs_WEX2TtMg","conversationId":"9BcE2O0DQ2ynGHRmk9FeoA",` +
		`"sessionId":"5k04bYuTRGqyT6uoSQfWVA","timestamp":"2019-07-01T11:46:45.01Z","initiator":{"id":"OOrlNMXeS72gs_WEX2TtMg","type":"CUSTOMER"},` +
		`"responder":{"id":"WmeA3Y51Q5ayCAaZ1AotIA","type":"AGENT"},"content":` + content + `}`
}

const attachments = `"attachments":[{"id":"a1","contentType":"image/png","filename":"attachment-1.png","fileSize":1024}]`

// TestItemContentRoundTrip: every documented content type decodes to its own Go type and encodes
// back to the same JSON; other types keep their raw bytes.
func TestItemContentRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, content string
		want          any // a value of the expected content type
	}{
		{"chat text", `{"type":"CHAT_MESSAGE","sessionId":"s1","content":"Hi!","messageType":"TEXT",` + attachments + `}`, &gladly.ChatMessageContent{}},
		{"quick reply request", `{"type":"CHAT_MESSAGE","sessionId":"s1","content":"What can I help with?","messageType":"QUICK_REPLY_REQUEST","messageData":{"options":[{"id":"o1","label":"Furniture"},{"id":"o2","label":"Lamps"}]}}`, &gladly.ChatMessageContent{}},
		{"quick reply response", `{"type":"CHAT_MESSAGE","sessionId":"s1","content":"Furniture","messageType":"QUICK_REPLY_RESPONSE","messageData":{"quickReplyRequest":{"options":[{"id":"o1","label":"Furniture"}]},"selectedOptionId":"o1","requestMessageId":"m1"}}`, &gladly.ChatMessageContent{}},
		{"status change", `{"type":"CONVERSATION_STATUS_CHANGE","status":"CLOSED"}`, &gladly.ConversationStatusChangeContent{}},
		{"customer activity", `{"type":"CUSTOMER_ACTIVITY","title":"Welcome to Gladly!","body":"<p>Hi</p>","activityType":"EMAIL","sourceName":"HubSpot","link":{"url":"https://www.gladly.com/product/","text":"View Details"},"expandByDefault":true,"occurredAt":"2019-07-01T11:46:45.01Z","receivedAt":"2019-07-01T11:46:46Z"}`, &gladly.CustomerActivityContent{}},
		{"email", `{"type":"EMAIL","from":"amy.agent@company.com","to":["martha.williams@gmail.com"],"cc":["a@b.c"],"bcc":["d@e.f"],"subject":"Account upgrade","content":"Happy to help",` + attachments + `}`, &gladly.EmailContent{}},
		{"facebook", `{"type":"FACEBOOK_MESSAGE","pageId":"p1","userId":"u1","content":"Hello",` + attachments + `}`, &gladly.FacebookMessageContent{}},
		{"note", `{"type":"CONVERSATION_NOTE","body":"<h1>Loyalty</h1>",` + attachments + `}`, &gladly.NoteContent{}},
		{"phone call", `{"type":"PHONE_CALL","from":"+14153335555","to":"+12149897676","startedAt":"2019-07-02T08:05:00.1Z","answeredAt":"2019-07-02T08:05:09.41Z","completedAt":"2019-07-02T08:11:15.03Z","recordingStatus":"AVAILABLE","recordingUrl":"/api/v1/conversation-items/S6pMkJ78QMmkVf9qPP_SeQ/media/recording","recordingDuration":100,"recordingSummary":{"status":"READY","summary":"Upgrade","language":"en"}}`, &gladly.PhoneCallContent{}},
		{"sms", `{"type":"SMS","from":"+14153335555","to":"+12149897676","content":"On my way",` + attachments + `}`, &gladly.SMSContent{}},
		{"topic change", `{"type":"TOPIC_CHANGE","addedTopicIds":["uu4t00vITaKQ3bVjU2UrGQ"],"removedTopicIds":["x"]}`, &gladly.TopicChangeContent{}},
		{"voice AI", `{"type":"VOICE_AI_MESSAGE","customerNumber":"+14153335555","companyNumber":"+12149897676","body":"Thanks for calling.","status":"PLAYED"}`, &gladly.VoiceAIMessageContent{}},
		{"voicemail", `{"type":"VOICEMAIL","startedAt":"2019-07-04T08:12:55.87Z","recordingStatus":"AVAILABLE","recordingUrl":"/api/v1/conversation-items/a/media/recording","recordingDuration":200,"recordingSummary":{"status":"PENDING"}}`, &gladly.VoicemailContent{}},
		{"whatsapp", `{"type":"WHATSAPP","content":"Hola",` + attachments + `}`, &gladly.WhatsAppContent{}},
		{"instagram", `{"type":"INSTAGRAM_DIRECT","content":"Hey",` + attachments + `}`, &gladly.InstagramDirectContent{}},
		{"twitter", `{"type":"TWITTER","content":"@brand help"}`, &gladly.TwitterContent{}},
		{"task", `{"type":"TASK","assignee":{"inboxId":"i1","agentId":"a1"},"body":"Call back","dueAt":"2020-03-15T06:13:00.125Z"}`, &gladly.TaskContent{}},
		{"custom channel", `{"customChannelId":"cc1","companyAddress":"acme","customerAddress":"u-77","groupId":"g1","sessionId":"s9","type":"FILES","content":{"caption":"look","files":[{"fileName":"a.png","url":"https://x.example/a.png"}]},"status":{"value":"DELIVERED"}}`, &gladly.UnknownContent{}},
		{"future type", `{"type":"HOLOGRAM","beam":{"x":1,"y":[2,3]},"label":"new"}`, &gladly.UnknownContent{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := itemJSON(tc.content)
			var it gladly.Item
			if err := json.Unmarshal([]byte(in), &it); err != nil {
				t.Fatal(err)
			}
			if got, want := reflect.TypeOf(it.Content), reflect.TypeOf(tc.want); got != want {
				t.Fatalf("content decoded as %v, want %v", got, want)
			}
			if string(it.Raw) != in {
				t.Errorf("Raw is not the input")
			}
			out, err := json.Marshal(it)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(generic(t, in), generic(t, string(out))); diff != "" {
				t.Errorf("round trip (-in +out):\n%s", diff)
			}
			if u, ok := it.Content.(*gladly.UnknownContent); ok {
				if string(u.Raw) != tc.content {
					t.Errorf("unknown content raw %s, want %s", u.Raw, tc.content)
				}
				var head struct{ Type string }
				_ = json.Unmarshal([]byte(tc.content), &head)
				if u.ContentType() != head.Type {
					t.Errorf("unknown content type %q, want %q", u.ContentType(), head.Type)
				}
				if cc, ok := u.CustomChannel(); ok != (tc.name == "custom channel") || (ok && (cc.Type != "FILES" || len(cc.Content.Files) != 1 || cc.Status.Value != "DELIVERED")) {
					t.Errorf("as a custom-channel message: %+v, %v", cc, ok)
				}
				if !bytes.Contains(out, []byte(tc.content)) {
					t.Errorf("unknown content not written back byte for byte: %s", out)
				}
			}
		})
	}
}

func generic(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRecordingDurationAsString: one of Gladly's examples sends recordingDuration as a string.
func TestRecordingDurationAsString(t *testing.T) {
	t.Parallel()
	var it gladly.Item
	in := itemJSON(`{"type":"PHONE_CALL","from":"+14153335555","to":"+12149897676","startedAt":"2019-07-02T08:05:00.10Z","recordingStatus":"AVAILABLE","recordingDuration":"100"}`)
	if err := json.Unmarshal([]byte(in), &it); err != nil {
		t.Fatal(err)
	}
	pc, ok := it.Content.(*gladly.PhoneCallContent)
	if !ok || pc.RecordingDuration != 100 || pc.RecordingDuration.Duration().Seconds() != 100 {
		t.Fatalf("content %#v", it.Content)
	}
	// The decoded item re-encodes as received; its content, encoded on its own, follows the schema.
	if out, _ := json.Marshal(it); string(out) != in {
		t.Errorf("item re-encoded as %s, want it as received", out)
	}
	out, _ := json.Marshal(it.Content)
	if !bytes.Contains(out, []byte(`"recordingDuration":100`)) {
		t.Errorf("content encoded as %s, want the schema's integer", out)
	}
}

// TestMismatchedContentStaysReadable: content whose fields do not fit its documented type is kept
// whole as unknown content rather than failing the whole timeline.
func TestMismatchedContentStaysReadable(t *testing.T) {
	t.Parallel()
	var items []*gladly.Item
	in := `[` + itemJSON(`{"type":"EMAIL","to":"not-a-list"}`) + `,` + itemJSON(`{"type":"SMS","from":"+1","to":"+2","content":"ok"}`) + `]`
	if err := json.Unmarshal([]byte(in), &items); err != nil {
		t.Fatal(err)
	}
	if _, ok := items[0].Content.(*gladly.UnknownContent); !ok {
		t.Errorf("mismatched email decoded as %T", items[0].Content)
	}
	if _, ok := items[1].Content.(*gladly.SMSContent); !ok {
		t.Errorf("sms decoded as %T", items[1].Content)
	}
}

// findGenerated returns the id of the i-th generated customer (found by its seeded phone).
func findGenerated(t *testing.T, cl *gladly.Client, i int) string {
	t.Helper()
	found, _, err := cl.Customers.Find(t.Context(), gladly.FindCustomersOptions{PhoneNumber: fmt.Sprintf("+1415555%04d", i)})
	if err != nil || len(found) != 1 {
		t.Fatalf("generated customer %d: %d found, %v", i, len(found), err)
	}
	return found[0].ID
}

// TestListCaps: each capped list stops at Gladly's cap, in Gladly's order, and says so with
// Gladly-Limited-Data only when something was left out.
func TestListCaps(t *testing.T) {
	t.Parallel()
	type listed struct {
		n       int
		limited bool
		ordered bool
	}
	for _, tc := range []struct {
		name string
		size func(n int) gladlytest.Size // seeds n of the listed objects
		cap  int
		list func(t *testing.T, cl *gladly.Client, customerID string) listed
	}{
		{"conversations", func(n int) gladlytest.Size { return gladlytest.Size{Customers: 1, ConversationsPerCustomer: n} }, 100, func(t *testing.T, cl *gladly.Client, id string) listed {
			cs, resp, err := cl.Conversations.ListForCustomer(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			return listed{len(cs), resp.Limited, slices.IsSortedFunc(cs, func(a, b *gladly.Conversation) int { return a.CreatedAt.Compare(b.CreatedAt) })}
		}},
		{"items", func(n int) gladlytest.Size {
			return gladlytest.Size{Customers: 1, ConversationsPerCustomer: 1, ItemsPerConversation: n}
		}, 1000, func(t *testing.T, cl *gladly.Client, id string) listed {
			cs, _, err := cl.Conversations.ListForCustomer(t.Context(), id)
			if err != nil || len(cs) != 1 {
				t.Fatalf("conversations: %d, %v", len(cs), err)
			}
			items, resp, err := cl.Items.ListForConversation(t.Context(), cs[0].ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			return listed{len(items), resp.Limited, slices.IsSortedFunc(items, func(a, b *gladly.Item) int { return a.Timestamp.Compare(b.Timestamp) })}
		}},
		{"tasks", func(n int) gladlytest.Size { return gladlytest.Size{Customers: 1, TasksPerCustomer: n} }, 2000, func(t *testing.T, cl *gladly.Client, id string) listed {
			ts, resp, err := cl.Tasks.ListForCustomer(t.Context(), id, nil)
			if err != nil {
				t.Fatal(err)
			}
			return listed{len(ts), resp.Limited, slices.IsSortedFunc(ts, func(a, b *gladly.Task) int { return b.Timestamp.Compare(a.Timestamp) })}
		}},
		{"comments", func(n int) gladlytest.Size {
			return gladlytest.Size{Customers: 1, TasksPerCustomer: 1, CommentsPerTask: n}
		}, 1000, func(t *testing.T, cl *gladly.Client, id string) listed {
			ts, _, err := cl.Tasks.ListForCustomer(t.Context(), id, nil)
			if err != nil || len(ts) != 1 {
				t.Fatalf("tasks: %d, %v", len(ts), err)
			}
			cs, resp, err := cl.Tasks.ListComments(t.Context(), ts[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			return listed{len(cs), resp.Limited, slices.IsSortedFunc(cs, func(a, b *gladly.TaskComment) int { return a.CreatedAt.Compare(b.CreatedAt) })}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, extra := range []int{0, 1} { // exactly the cap, then one more
				srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithSize(tc.size(tc.cap+extra)))
				cl := newClient(t, srv)
				got := tc.list(t, cl, findGenerated(t, cl, 0))
				want := listed{tc.cap, extra == 1, true}
				if got != want {
					t.Errorf("%d seeded: got %+v, want %+v", tc.cap+extra, got, want)
				}
			}
		})
	}
}
