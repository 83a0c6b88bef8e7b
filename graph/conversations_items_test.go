package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// itemFields selects everything of an item, every content kind included.
const itemFields = `
	id sessionId timestamp
	contact { id name }
	conversation { id status }
	initiator { id type user { id name } contact { id name } }
	responder { id type user { id name } contact { id name } }
	transcript { text speakerCount language createdAt updatedAt paragraphs { text speaker startSeconds endSeconds } }
	media { url contentType durationSeconds expiresAt }
	content {
		__typename
		... on ChatMessageContent { sessionId messageType text attachments { id contentType filename fileSizeBytes }
			quickReplyOptions { id label } selectedOption { id label } requestItem { id content { __typename } } }
		... on ConversationStatusChangeContent { status }
		... on CustomerActivityContent { title activityBody: body activityType sourceName link { url text } expandByDefault occurredAt receivedAt }
		... on EmailContent { from emailTo: to cc bcc subject emailText: text attachments { id contentType filename fileSizeBytes } }
		... on FacebookMessageContent { pageId facebookUserId text attachments { id } }
		... on NoteContent { body attachments { id } }
		... on PhoneCallContent { from to startedAt answeredAt completedAt recordingStatus recordingDurationSeconds
			recordingSummary { status summary language } }
		... on SmsContent { from to text attachments { id } }
		... on TopicChangeContent { addedTopics { nodes { name } } removedTopics { nodes { name } } }
		... on VoiceAiMessageContent { customerNumber companyNumber body voiceStatus: status }
		... on VoicemailContent { vmStartedAt: startedAt recordingStatus recordingDurationSeconds recordingSummary { status summary language } }
		... on WhatsAppContent { text attachments { id } }
		... on InstagramDirectContent { text attachments { id } }
		... on TwitterContent { text }
		... on TaskContent { body dueAt assignee { inbox { name } user { name } } }
		... on CustomChannelMessageContent { customChannelId companyAddress customerAddress groupId groupName sessionId
			customMessageType: messageType ccText: text caption files { fileName url } customStatus: status statusDetails }
		... on UnknownContent { type raw }
	}`

const itemsQuery = `query($id: ID!, $session: String, $first: Int, $last: Int) { conversation(id: $id) {
	items(sessionId: $session, first: $first, last: $last) { totalCount truncated pageInfo { hasNextPage hasPreviousPage } nodes {` + itemFields + `} }
} }`

// itemOut is an item as itemFields selects it; content stays generic (one map per kind).
type itemOut struct {
	ID           string     `json:"id"`
	SessionID    *string    `json:"sessionId"`
	Timestamp    time.Time  `json:"timestamp"`
	Contact      *namedNode `json:"contact"`
	Conversation *struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"conversation"`
	Initiator  *actorOut `json:"initiator"`
	Responder  *actorOut `json:"responder"`
	Transcript *struct {
		Text         string  `json:"text"`
		SpeakerCount int     `json:"speakerCount"`
		Language     *string `json:"language"`
		Paragraphs   []struct {
			Text         string  `json:"text"`
			Speaker      int     `json:"speaker"`
			StartSeconds float64 `json:"startSeconds"`
			EndSeconds   float64 `json:"endSeconds"`
		} `json:"paragraphs"`
	} `json:"transcript"`
	Media *struct {
		URL             string     `json:"url"`
		ContentType     string     `json:"contentType"`
		DurationSeconds *int       `json:"durationSeconds"`
		ExpiresAt       *time.Time `json:"expiresAt"`
	} `json:"media"`
	Content map[string]any `json:"content"`
}

type actorOut struct {
	ID      *string    `json:"id"`
	Type    string     `json:"type"`
	User    *namedNode `json:"user"`
	Contact *namedNode `json:"contact"`
}

// who names an actor as "TYPE:name" ("TYPE" when it resolves to nobody).
func (a *actorOut) who() string {
	switch {
	case a == nil:
		return ""
	case a.User != nil:
		return a.Type + ":" + a.User.Name
	case a.Contact != nil:
		return a.Type + ":" + a.Contact.Name
	}
	return a.Type
}

func (it itemOut) kind() string { s, _ := it.Content["__typename"].(string); return s }

type itemsOut struct {
	Conversation *struct {
		Items *struct {
			TotalCount int  `json:"totalCount"`
			Truncated  bool `json:"truncated"`
			PageInfo   struct {
				HasNextPage     bool `json:"hasNextPage"`
				HasPreviousPage bool `json:"hasPreviousPage"`
			} `json:"pageInfo"`
			Nodes []itemOut `json:"nodes"`
		} `json:"items"`
	} `json:"conversation"`
}

func (o itemsOut) nodes() []itemOut { return o.Conversation.Items.Nodes }

func kinds(items []itemOut) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.kind()
	}
	return out
}

func byID(items []itemOut, id string) itemOut {
	for _, it := range items {
		if it.ID == id {
			return it
		}
	}
	return itemOut{}
}

// str reads a nested string of a generic content map ("" when absent).
func str(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

// TestConversationItemsOpen reads the open conversation's timeline: chat (text, quick-reply
// question and answer), topic change, email, phone call with transcript and recording, note.
func TestConversationItemsOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out itemsOut
	e.query(t, itemsQuery, map[string]any{"id": gladlytest.DemoOpenConversationID}, &out)
	items := out.nodes()
	if diff := cmp.Diff([]string{
		"ChatMessageContent", "ChatMessageContent", "ChatMessageContent", "ChatMessageContent", "TopicChangeContent",
		"EmailContent", "PhoneCallContent", "NoteContent", "ChatMessageContent",
	}, kinds(items)); diff != "" {
		t.Fatalf("timeline kinds (-want +got):\n%s", diff)
	}
	if c := out.Conversation.Items; c.TotalCount != 9 || c.Truncated {
		t.Errorf("items connection: totalCount %d truncated %v", c.TotalCount, c.Truncated)
	}
	for i := 1; i < len(items); i++ {
		if items[i].Timestamp.Before(items[i-1].Timestamp) {
			t.Errorf("item %d is older than item %d: the timeline is oldest first", i, i-1)
		}
	}
	for _, it := range items {
		if it.Contact == nil || it.Contact.Name != adaName || it.Conversation == nil || it.Conversation.ID != gladlytest.DemoOpenConversationID {
			t.Errorf("item %s: contact %+v conversation %+v", it.ID, it.Contact, it.Conversation)
		}
		if it.kind() != "PhoneCallContent" && (it.Transcript != nil || it.Media != nil) {
			t.Errorf("%s item has transcript %v media %v", it.kind(), it.Transcript, it.Media)
		}
	}

	first, ask, answer := items[0], items[2], items[3]
	if first.Initiator.who() != "CUSTOMER:"+adaName || items[1].Initiator.who() != "AGENT:Amy Agent" {
		t.Errorf("chat initiators: %q, %q", first.Initiator.who(), items[1].Initiator.who())
	}
	if first.SessionID == nil || *first.SessionID != gladlytest.DemoChatSessionID || str(first.Content, "sessionId") != gladlytest.DemoChatSessionID {
		t.Errorf("chat session: %v / %v", first.SessionID, first.Content["sessionId"])
	}
	wantAttachments := []any{map[string]any{"id": first.Content["attachments"].([]any)[0].(map[string]any)["id"],
		"contentType": "image/jpeg", "filename": "cracked-gear.jpg", "fileSizeBytes": float64(248311)}}
	if diff := cmp.Diff(wantAttachments, first.Content["attachments"]); diff != "" {
		t.Errorf("chat attachments (-want +got):\n%s", diff)
	}
	options := []any{map[string]any{"id": "replacement", "label": "Send a replacement"}, map[string]any{"id": "refund", "label": "Refund my order"}}
	if ask.Content["messageType"] != "QUICK_REPLY_REQUEST" || !cmp.Equal(options, ask.Content["quickReplyOptions"]) ||
		ask.Content["selectedOption"] != nil || ask.Content["requestItem"] != nil {
		t.Errorf("quick-reply request: %v", ask.Content)
	}
	if answer.Content["messageType"] != "QUICK_REPLY_RESPONSE" || !cmp.Equal(options, answer.Content["quickReplyOptions"]) ||
		str(answer.Content, "selectedOption", "id") != "replacement" || str(answer.Content, "requestItem", "id") != ask.ID ||
		str(answer.Content, "requestItem", "content", "__typename") != "ChatMessageContent" {
		t.Errorf("quick-reply response: %v", answer.Content)
	}
	if diff := cmp.Diff(map[string]any{"__typename": "TopicChangeContent",
		"addedTopics":   map[string]any{"nodes": []any{map[string]any{"name": "Order Status"}, map[string]any{"name": "Damaged Item"}}},
		"removedTopics": map[string]any{"nodes": []any{}}}, items[4].Content); diff != "" {
		t.Errorf("topic change (-want +got):\n%s", diff)
	}

	email := byID(items, gladlytest.DemoEmailItemID)
	if str(email.Content, "from") == "" || !cmp.Equal([]any{gladlytest.DemoCustomerEmail}, email.Content["emailTo"]) ||
		!cmp.Equal([]any{}, email.Content["cc"]) || !strings.HasPrefix(str(email.Content, "subject"), "Your replacement gear wheel") ||
		!strings.HasPrefix(str(email.Content, "emailText"), "Dear Ada") || email.Initiator.who() != "AGENT:Amy Agent" {
		t.Errorf("email: %v", email.Content)
	}
	if atts, _ := email.Content["attachments"].([]any); len(atts) != 1 || str(atts[0].(map[string]any), "filename") != "return-label.pdf" {
		t.Errorf("email attachments: %v", email.Content["attachments"])
	}

	call := byID(items, gladlytest.DemoPhoneCallItemID)
	if str(call.Content, "from") != adaMobile || str(call.Content, "to") != gladlytest.DemoVoiceNumber ||
		call.Content["recordingStatus"] != "AVAILABLE" || call.Content["recordingDurationSeconds"] != float64(95) ||
		str(call.Content, "recordingSummary", "status") != "READY" || str(call.Content, "answeredAt") == "" || str(call.Content, "completedAt") == "" {
		t.Errorf("phone call: %v", call.Content)
	}
	if call.Initiator.who() != "CUSTOMER:"+adaName || call.Responder.who() != "AGENT:Amy Agent" {
		t.Errorf("call: initiator %q responder %q", call.Initiator.who(), call.Responder.who())
	}
	if tr := call.Transcript; tr == nil || len(tr.Paragraphs) != 6 || tr.SpeakerCount < 2 ||
		!strings.HasPrefix(tr.Text, "Thank you for calling Babbage Analytical") || strings.Count(tr.Text, "\n") != 5 ||
		tr.Paragraphs[1].StartSeconds < tr.Paragraphs[0].EndSeconds {
		t.Errorf("transcript: %+v", call.Transcript)
	}
	checkMedia(t, call, 95)

	note := byID(items, gladlytest.DemoNoteItemID)
	if !strings.Contains(str(note.Content, "body"), "Royal Mail") || note.Initiator.who() != "AGENT:Amy Agent" {
		t.Errorf("note: %v", note.Content)
	}

	// One timeline list, which also answers the quick-reply answer's question; one transcript
	// (the only call); the recording URL is signed locally: no media call.
	wantCalls(t, e, map[string]int{
		"getConversation": 1, "getConversationItems": 1, "getVoiceTranscript": 1,
		"getCustomer": 1, "getAgents": 1, "getTopics": 1,
	})
	e.fake.ResetStats()
	e.query(t, itemsQuery, map[string]any{"id": gladlytest.DemoOpenConversationID}, &out)
	if n := e.fake.TotalCalls(); n != 0 {
		t.Errorf("warm request made %d Gladly calls: %v", n, e.fake.CallsByOp())
	}
}

// checkMedia checks an item's recording link: gladgraph's signed /media URL, no Gladly call.
func checkMedia(t *testing.T, it itemOut, seconds int) {
	t.Helper()
	m := it.Media
	if m == nil {
		t.Errorf("item %s: no media", it.ID)
		return
	}
	if !strings.HasPrefix(m.URL, "http://gladgraph.test/media/"+it.ID+"?") || !strings.Contains(m.URL, "sig=") || m.ContentType != "audio/mpeg" {
		t.Errorf("media: %+v", m)
	}
	if m.DurationSeconds == nil || *m.DurationSeconds != seconds {
		t.Errorf("media duration %v, want %d", m.DurationSeconds, seconds)
	}
	if m.ExpiresAt == nil || !m.ExpiresAt.After(time.Now()) {
		t.Errorf("media expiresAt %v, want a future time", m.ExpiresAt)
	}
}

// TestConversationItemsClosed reads the closed conversation's timeline: a voicemail with its
// recording, a call whose recording was deleted, a topic change, a note and the close.
func TestConversationItemsClosed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var out itemsOut
	e.query(t, itemsQuery, map[string]any{"id": gladlytest.DemoClosedConversationID}, &out)
	items := out.nodes()
	if diff := cmp.Diff([]string{
		"VoicemailContent", "PhoneCallContent", "TopicChangeContent", "NoteContent", "ConversationStatusChangeContent",
	}, kinds(items)); diff != "" {
		t.Fatalf("timeline kinds (-want +got):\n%s", diff)
	}
	vm := byID(items, gladlytest.DemoVoicemailItemID)
	if vm.Content["recordingStatus"] != "AVAILABLE" || vm.Content["recordingDurationSeconds"] != float64(24) ||
		str(vm.Content, "vmStartedAt") == "" || !strings.Contains(str(vm.Content, "recordingSummary", "summary"), "wrong address") {
		t.Errorf("voicemail: %v", vm.Content)
	}
	if vm.Transcript != nil || vm.Initiator.who() != "CUSTOMER:"+adaName {
		t.Errorf("voicemail transcript %+v initiator %q", vm.Transcript, vm.Initiator.who())
	}
	checkMedia(t, vm, 24)

	back := byID(items, gladlytest.DemoDeletedRecordingItemID)
	if back.Content["recordingStatus"] != "DELETED" || back.Media != nil || back.Transcript != nil {
		t.Errorf("call with a deleted recording: content %v media %+v transcript %+v", back.Content, back.Media, back.Transcript)
	}
	if back.Initiator.who() != "AGENT:Emmy Noether" || back.Responder.who() != "CUSTOMER:"+adaName {
		t.Errorf("call back: initiator %q responder %q", back.Initiator.who(), back.Responder.who())
	}
	if items[4].Content["status"] != "CLOSED" || items[4].Conversation.Status != "CLOSED" {
		t.Errorf("status change: %v", items[4].Content)
	}
	// A transcript is asked for the voicemail and the call only (Gladly has neither: null).
	if n := e.fake.Calls("getVoiceTranscript"); n != 2 {
		t.Errorf("getVoiceTranscript called %d times, want 2", n)
	}
	if n := e.fake.Calls("getMedia"); n != 0 {
		t.Errorf("getMedia called %d times, want 0", n)
	}
}

func TestConversationItemsSessionAndPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var chat itemsOut
	e.query(t, itemsQuery, map[string]any{"id": gladlytest.DemoOpenConversationID, "session": gladlytest.DemoChatSessionID}, &chat)
	if diff := cmp.Diff([]string{"ChatMessageContent", "ChatMessageContent", "ChatMessageContent", "ChatMessageContent", "ChatMessageContent"},
		kinds(chat.nodes())); diff != "" {
		t.Errorf("chat session items (-want +got):\n%s", diff)
	}
	var none itemsOut
	e.query(t, itemsQuery, map[string]any{"id": gladlytest.DemoOpenConversationID, "session": "no-such-session"}, &none)
	if len(none.nodes()) != 0 || none.Conversation.Items.TotalCount != 0 {
		t.Errorf("unknown session: %d items", len(none.nodes()))
	}
	var last itemsOut
	e.query(t, itemsQuery, map[string]any{"id": gladlytest.DemoOpenConversationID, "last": 1}, &last)
	if items := last.nodes(); len(items) != 1 || !strings.Contains(str(items[0].Content, "text"), "before Friday") ||
		!last.Conversation.Items.PageInfo.HasPreviousPage || last.Conversation.Items.TotalCount != 9 {
		t.Errorf("last item: %+v", last.Conversation.Items)
	}
	// The whole timeline and each session's are separate lists, each fetched once.
	if n := e.fake.Calls("getConversationItems"); n != 3 {
		t.Errorf("getConversationItems called %d times, want 3", n)
	}
}

const itemQuery = `query($id: ID!) { conversationItem(id: $id) {` + itemFields + `} }`

func queryItem(t *testing.T, e *env, id string) *itemOut {
	t.Helper()
	var out struct {
		ConversationItem *itemOut `json:"conversationItem"`
	}
	e.query(t, itemQuery, map[string]any{"id": id}, &out)
	return out.ConversationItem
}

func TestConversationItem(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	sms := queryItem(t, e, gladlytest.DemoSMSItemID)
	if sms == nil || sms.kind() != "SmsContent" || str(sms.Content, "to") != adaMobile || str(sms.Content, "from") != gladlytest.DemoSMSNumberUK ||
		!strings.Contains(str(sms.Content, "text"), "has shipped") {
		t.Fatalf("shipping SMS: %+v", sms)
	}
	// A timeline item outside any conversation: its contact, no conversation; sent by the API user.
	if sms.Conversation != nil || sms.Contact == nil || sms.Contact.Name != adaName || sms.Initiator == nil || sms.Initiator.Type != "API" {
		t.Errorf("SMS: conversation %+v contact %+v initiator %+v", sms.Conversation, sms.Contact, sms.Initiator)
	}

	call := queryItem(t, e, gladlytest.DemoPhoneCallItemID)
	if call == nil || call.Conversation == nil || call.Conversation.Status != "OPEN" || call.Transcript == nil {
		t.Fatalf("phone call by id: %+v", call)
	}
	checkMedia(t, *call, 95)

	// Gladly keeps deprecated TASK items on old timelines but refuses them (400): null.
	e.fake.ResetStats()
	resp := e.do(t, itemQuery, map[string]any{"id": gladlytest.DemoLegacyTaskItemID})
	if len(resp.Errors) > 0 || string(resp.Data) != `{"conversationItem":null}` {
		t.Errorf("legacy task item: %s %+v", resp.Data, resp.Errors)
	}
	if n := e.fake.Calls("getItem"); n != 1 {
		t.Errorf("getItem called %d times for the task item, want 1", n)
	}
}

func TestConversationNote(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	q := `query($c: ID!, $id: ID!) { conversationNote(conversationId: $c, id: $id) {` + itemFields + `} }`
	var out struct {
		ConversationNote *itemOut `json:"conversationNote"`
	}
	e.query(t, q, map[string]any{"c": gladlytest.DemoOpenConversationID, "id": gladlytest.DemoNoteItemID}, &out)
	n := out.ConversationNote
	if n == nil || n.ID != gladlytest.DemoNoteItemID || n.kind() != "NoteContent" || !strings.Contains(str(n.Content, "body"), "<strong>Royal Mail</strong>") ||
		n.Conversation == nil || n.Conversation.ID != gladlytest.DemoOpenConversationID || n.Initiator.who() != "AGENT:Amy Agent" {
		t.Errorf("note: %+v", n)
	}
	for _, tc := range []struct{ name, conv, id string }{
		{"note of another conversation", gladlytest.DemoClosedConversationID, gladlytest.DemoNoteItemID},
		{"item that is not a note", gladlytest.DemoOpenConversationID, gladlytest.DemoEmailItemID},
		{"no such note", gladlytest.DemoOpenConversationID, "no-such-note"},
	} {
		resp := e.do(t, q, map[string]any{"c": tc.conv, "id": tc.id})
		if len(resp.Errors) > 0 || string(resp.Data) != `{"conversationNote":null}` {
			t.Errorf("%s: %s %+v", tc.name, resp.Data, resp.Errors)
		}
	}
}

// TestConversationItemKindsOfOtherDemoCustomers: the other demo customers' timelines hold the
// remaining kinds the fake seeds (WhatsApp, Twitter, SMS, Facebook, a customer activity), and
// generated customers' hold Instagram messages.
func TestConversationItemKindsOfOtherDemoCustomers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seen := map[string]itemOut{}
	for _, name := range []string{"Charles Babbage", "Mary Somerville", "Grace Hopper"} {
		var convs conversationsOut
		e.query(t, conversationsQuery, map[string]any{"c": gladlytest.DemoCustomerIDOf(name)}, &convs)
		for _, id := range convs.ids() {
			var out itemsOut
			e.query(t, itemsQuery, map[string]any{"id": id}, &out)
			for _, it := range out.nodes() {
				if _, dup := seen[it.kind()]; !dup {
					seen[it.kind()] = it
				}
			}
		}
	}
	for kind, want := range map[string]string{
		"WhatsAppContent":        "Do you ship orreries to Scotland?",
		"TwitterContent":         "@babbage my engine order is late again",
		"SmsContent":             "Found a moth in my relay. Warranty?",
		"FacebookMessageContent": "Sent you the photo on Messenger.",
	} {
		if got := str(seen[kind].Content, "text"); got != want {
			t.Errorf("%s text %q, want %q", kind, got, want)
		}
	}
	if fb := seen["FacebookMessageContent"].Content; str(fb, "pageId") != "babbage-analytical" || str(fb, "facebookUserId") != "grace.hopper" {
		t.Errorf("facebook: %v", fb)
	}

	survey := queryItem(t, e, demoFixtureID(t, "item/mary-survey"))
	if survey == nil || survey.kind() != "CustomerActivityContent" {
		t.Fatalf("survey: %+v", survey)
	}
	if diff := cmp.Diff(map[string]any{
		"__typename": "CustomerActivityContent", "title": "Survey answered", "activityBody": "Rated the chat 5/5", "activityType": "SURVEY",
		"sourceName": "SurveyMonkey", "link": map[string]any{"url": "https://surveys.example.com/r/1843", "text": "View answers"},
		"expandByDefault": false, "occurredAt": nil, "receivedAt": nil,
	}, survey.Content); diff != "" {
		t.Errorf("customer activity (-want +got):\n%s", diff)
	}
	if survey.Conversation != nil || survey.Contact == nil || survey.Contact.Name != "Mary Somerville" {
		t.Errorf("survey: conversation %+v contact %+v", survey.Conversation, survey.Contact)
	}

	insta := findInstagramItem(t, e)
	got := queryItem(t, e, insta)
	if got == nil || got.kind() != "InstagramDirectContent" || str(got.Content, "text") == "" {
		t.Errorf("instagram item: %+v", got)
	}
}

// findInstagramItem finds an Instagram message among the generated customers' conversations,
// reading the fake directly (setup, not the code under test).
func findInstagramItem(t *testing.T, e *env) string {
	t.Helper()
	ctx := t.Context()
	for _, cust := range e.fake.CustomerIDs() {
		convs, _, err := e.client.Conversations.ListForCustomer(ctx, cust)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range convs {
			if c.InboxID != gladlytest.DemoInboxID("Chat") {
				continue
			}
			items, _, err := e.client.Items.ListForConversation(ctx, c.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				raw, _ := json.Marshal(it.Content)
				if strings.Contains(string(raw), `"INSTAGRAM_DIRECT"`) {
					return it.ID
				}
			}
		}
	}
	t.Fatal("the fake seeded no Instagram message")
	return ""
}

// TestConversationItemsTruncated: Gladly lists at most 1000 items of a conversation and says so.
func TestConversationItemsTruncated(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withFake(gladlytest.WithSize(gladlytest.Size{Customers: 1, ConversationsPerCustomer: 1, ItemsPerConversation: 1001})))
	var generated string
	for _, id := range e.fake.CustomerIDs() {
		if !isDemoCustomer(id) {
			generated = id
		}
	}
	conv := onlyConversationOf(t, e, generated)
	var out itemsOut
	e.query(t, `query($id: ID!) { conversation(id: $id) { items(first: 2) { totalCount truncated pageInfo { hasNextPage } nodes { id } } } }`,
		map[string]any{"id": conv}, &out)
	if c := out.Conversation.Items; c.TotalCount != 1000 || !c.Truncated || len(c.Nodes) != 2 || !c.PageInfo.HasNextPage {
		t.Errorf("capped timeline: totalCount %d truncated %v nodes %d", c.TotalCount, c.Truncated, len(c.Nodes))
	}
}
