package graph_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/gqlhttp"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
)

// The fake seeds no voice-AI, custom-channel or future item kinds, and (like Gladly) never
// serves TASK items. To see those union members through GraphQL, these tests put a proxy in
// front of the fake that answers getItem for a few ids with item bodies in the shapes of
// GLADLY_API.md §9, and passes every other request through.
var cannedItems = map[string]string{
	"voice-ai-item": `{"id":"voice-ai-item","customerId":"` + gladlytest.DemoCustomerID + `","conversationId":"` + gladlytest.DemoOpenConversationID + `",
		"sessionId":"voice-ai-session-1","timestamp":"2024-05-01T10:00:00.000Z","initiator":{"id":"SIDEKICK_V2","type":"SYSTEM"},
		"content":{"type":"VOICE_AI_MESSAGE","customerNumber":"+442079460018","companyNumber":"+16505550199","body":"Hello Ada, how can I help?","status":"INTERRUPTED"}}`,
	"custom-channel-item": `{"id":"custom-channel-item","customerId":"` + gladlytest.DemoCustomerID + `","timestamp":"2024-05-01T10:01:00.000Z",
		"initiator":{"id":"` + gladlytest.DemoCustomerID + `","type":"CUSTOMER"},
		"content":{"customChannelId":"cc-telegram","companyAddress":"@babbage_bot","customerAddress":"@ada","groupId":"g-1","groupName":"Engine owners",
			"sessionId":"cc-session-1","type":"FILES","content":{"caption":"the cracked gear","files":[{"fileName":"gear.jpg","url":"https://files.example.com/gear.jpg"}]},
			"status":{"value":"FAILED","details":"recipient blocked the bot"}}}`,
	"future-item": `{"id":"future-item","customerId":"` + gladlytest.DemoCustomerID + `","timestamp":"2024-05-01T10:02:00.000Z",
		"content":{"type":"HOLOGRAM_MESSAGE","text":"hello from the future","extra":{"depth":3}}}`,
	"future-status-item": `{"id":"future-status-item","customerId":"` + gladlytest.DemoCustomerID + `","conversationId":"` + gladlytest.DemoOpenConversationID + `",
		"timestamp":"2024-05-01T10:03:00.000Z","content":{"type":"CONVERSATION_STATUS_CHANGE","status":"SNOOZED"}}`,
	"task-item": `{"id":"task-item","customerId":"` + gladlytest.DemoCustomerID + `","timestamp":"2024-05-01T10:04:00.000Z",
		"initiator":{"id":"` + gladlytest.DemoAgentID("Amy Agent") + `","type":"AGENT"},
		"content":{"type":"TASK","body":"Welcome call","dueAt":"2024-05-03T09:00:00.000Z","assignee":{"inboxId":"` + gladlytest.DemoInboxID("Email") + `","agentId":"` + gladlytest.DemoAgentID("Amy Agent") + `"}}}`,
}

// newCannedEnv is newEnv whose Gladly is the fake behind a proxy serving cannedItems.
func newCannedEnv(t *testing.T) *env {
	t.Helper()
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	target, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := strings.CutPrefix(r.URL.Path, "/api/v1/conversation-items/"); ok && r.Method == http.MethodGet {
			if body, canned := cannedItems[id]; canned {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(upstream.Close)
	client, err := gladly.NewClient(upstream.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	cache := loaders.NewMemoryCache(8 << 20)
	x := gqlhttp.NewExecutor(gqlhttp.Config{
		Gladly:  client,
		Loaders: loaders.NewFactory(client, loaders.NewStore(cache)),
		Media:   media.NewSigner([]byte("test-media-key-0123456789abcdef"), client.Tenant(), "http://gladgraph.test", 15*time.Minute),
		Log:     zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
	})
	return &env{fake: fake, client: client, cache: cache, exec: x}
}

func TestConversationItemContentBeyondTheFake(t *testing.T) {
	t.Parallel()
	e := newCannedEnv(t)

	voice := queryItem(t, e, "voice-ai-item")
	if diff := cmp.Diff(map[string]any{"__typename": "VoiceAiMessageContent", "customerNumber": "+442079460018",
		"companyNumber": "+16505550199", "body": "Hello Ada, how can I help?", "voiceStatus": "INTERRUPTED"}, voice.Content); diff != "" {
		t.Errorf("voice-AI message (-want +got):\n%s", diff)
	}
	if voice.SessionID == nil || *voice.SessionID != "voice-ai-session-1" || voice.Initiator.who() != "SYSTEM" ||
		voice.Conversation == nil || voice.Conversation.ID != gladlytest.DemoOpenConversationID {
		t.Errorf("voice-AI item: session %v initiator %q conversation %+v", voice.SessionID, voice.Initiator.who(), voice.Conversation)
	}

	cc := queryItem(t, e, "custom-channel-item")
	if diff := cmp.Diff(map[string]any{"__typename": "CustomChannelMessageContent", "customChannelId": "cc-telegram",
		"companyAddress": "@babbage_bot", "customerAddress": "@ada", "groupId": "g-1", "groupName": "Engine owners",
		"sessionId": "cc-session-1", "customMessageType": "FILES", "ccText": nil, "caption": "the cracked gear",
		"files":        []any{map[string]any{"fileName": "gear.jpg", "url": "https://files.example.com/gear.jpg"}},
		"customStatus": "FAILED", "statusDetails": "recipient blocked the bot"}, cc.Content); diff != "" {
		t.Errorf("custom-channel message (-want +got):\n%s", diff)
	}

	future := queryItem(t, e, "future-item")
	if future.kind() != "UnknownContent" || future.Content["type"] != "HOLOGRAM_MESSAGE" ||
		!cmp.Equal(map[string]any{"type": "HOLOGRAM_MESSAGE", "text": "hello from the future", "extra": map[string]any{"depth": float64(3)}}, future.Content["raw"]) {
		t.Errorf("unknown kind: %v", future.Content)
	}
	// A known kind with a value the schema lacks is unknown too, rather than a wrong enum.
	snoozed := queryItem(t, e, "future-status-item")
	if snoozed.kind() != "UnknownContent" || snoozed.Content["type"] != "CONVERSATION_STATUS_CHANGE" ||
		str(snoozed.Content, "raw", "status") != "SNOOZED" {
		t.Errorf("unrepresentable status change: %v", snoozed.Content)
	}

	task := queryItem(t, e, "task-item")
	if diff := cmp.Diff(map[string]any{"__typename": "TaskContent", "body": "Welcome call", "dueAt": "2024-05-03T09:00:00Z",
		"assignee": map[string]any{"inbox": map[string]any{"name": "Email"}, "user": map[string]any{"name": "Amy Agent"}}}, task.Content); diff != "" {
		t.Errorf("task item (-want +got):\n%s", diff)
	}
	if task.Transcript != nil || task.Media != nil || task.Conversation != nil {
		t.Errorf("task item: transcript %v media %v conversation %v", task.Transcript, task.Media, task.Conversation)
	}
}
