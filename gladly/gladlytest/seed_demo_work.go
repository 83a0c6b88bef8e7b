package gladlytest

import (
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// The demo fixture's work: Ada's conversations, items and tasks (fixed ids, the same for every
// seed). DemoOpenConversationID and DemoPhoneCallItemID are declared with the other shared ids.
var (
	// DemoWaitingConversationID is Ada's WAITING email conversation about a refund.
	DemoWaitingConversationID = fixtureID("conversation/ada-waiting")
	// DemoClosedConversationID is Ada's CLOSED phone conversation about an invoice.
	DemoClosedConversationID = fixtureID("conversation/ada-closed")
	// DemoChatSessionID is the chat session of Ada's open conversation.
	DemoChatSessionID = fixtureID("chat-session/ada")
	// DemoNoteItemID is the note on Ada's open conversation.
	DemoNoteItemID = fixtureID("item/ada-note")
	// DemoEmailItemID is the agent's email (with an attachment) in Ada's open conversation.
	DemoEmailItemID = fixtureID("item/ada-email")
	// DemoVoicemailItemID is Ada's voicemail in her closed conversation (recording, no transcript).
	DemoVoicemailItemID = fixtureID("item/ada-voicemail")
	// DemoDeletedRecordingItemID is a call in Ada's closed conversation whose recording was deleted.
	DemoDeletedRecordingItemID = fixtureID("item/ada-call-back")
	// DemoSMSItemID is a shipping SMS on Ada's timeline, outside any conversation.
	DemoSMSItemID = fixtureID("item/ada-sms")
	// DemoLegacyTaskItemID is a deprecated TASK item on Ada's timeline: getItem refuses it.
	DemoLegacyTaskItemID = fixtureID("item/ada-legacy-task")

	// DemoOpenTaskID and DemoFollowUpTaskID are Ada's OPEN tasks (due in the future);
	// DemoClosedTaskID is her CLOSED one. Each has comments by agents.
	DemoOpenTaskID     = fixtureID("task/ada-replacement")
	DemoFollowUpTaskID = fixtureID("task/ada-refund-follow-up")
	DemoClosedTaskID   = fixtureID("task/ada-invoice")
)

const (
	adaMobile  = "+442079460018"
	adaOrderID = "ORD-1815-0042"
)

// otherDemoCustomers have a little history of their own.
var otherDemoCustomers = []string{"Charles Babbage", "Mary Somerville", "Grace Hopper"}

// DemoCustomerIDOf returns the fixture id of a demo customer other than Ada by name ("Charles
// Babbage", "Mary Somerville", "Grace Hopper"). Charles and Mary have only closed conversations;
// Grace has an open one without topics.
func DemoCustomerIDOf(name string) string { return fixtureID("customer/" + slug(name)) }

func (s *Server) seedDemoWork() {
	epoch := s.seedEpoch()
	s.seedAdaOpen(epoch.Add(-2 * 24 * time.Hour))
	s.seedAdaWaiting(epoch.Add(-10 * 24 * time.Hour))
	s.seedAdaClosed(epoch.Add(-60 * 24 * time.Hour))
	s.seedAdaTimeline(epoch)
	s.seedAdaTasks(epoch)
	s.seedOtherDemoWork(epoch)
}

func (s *Server) seedAdaOpen(start time.Time) {
	amy := DemoAgentID("Amy Agent")
	ada, agent := customerActor(DemoCustomerID), agentActor(amy)
	c := &gladly.Conversation{
		ID: DemoOpenConversationID, CustomerID: DemoCustomerID, InboxID: DemoInboxID("Chat"), AgentID: amy,
		CustomAttributes: []gladly.ConversationAttribute{
			{ID: DemoCustomAttributeID("orderId"), Value: adaOrderID},
			{ID: DemoCustomAttributeID("orderId"), Value: "ORD-1815-0043"},
			{ID: DemoCustomAttributeID("carrier"), Value: "Royal Mail"},
		},
		TopicIDs:  []string{DemoTopicID("Order Status"), DemoTopicID("Damaged Item")},
		CreatedAt: start.Truncate(time.Millisecond), Status: gladly.ConversationOpen,
	}
	s.db.work.addConversation(c)
	tl := &timeline{s: s, c: c, at: c.CreatedAt}
	chat := func(text string) *gladly.ChatMessageContent {
		return &gladly.ChatMessageContent{SessionID: DemoChatSessionID, Content: text, MessageType: gladly.ChatText}
	}
	first := chat("Hello! My Difference Engine kit (order " + adaOrderID + ") arrived with a cracked gear wheel.")
	first.Attachments = []gladly.Attachment{{ID: fixtureID("attachment/ada-gear-photo"), ContentType: "image/jpeg", Filename: "cracked-gear.jpg", FileSize: 248311}}
	tl.add(fixtureID("item/ada-chat-1"), 0, ada, nil, first)
	tl.add(fixtureID("item/ada-chat-2"), 2*time.Minute, agent, nil, chat("I'm so sorry, Ada! Let me look up order "+adaOrderID+"."))
	options := []gladly.QuickReplyOption{{ID: "replacement", Label: "Send a replacement"}, {ID: "refund", Label: "Refund my order"}}
	ask := tl.add(fixtureID("item/ada-chat-3"), time.Minute, agent, nil, &gladly.ChatMessageContent{
		SessionID: DemoChatSessionID, Content: "Would you prefer a replacement or a refund?", MessageType: gladly.ChatQuickReplyRequest,
		MessageData: &gladly.ChatMessageData{Options: options},
	})
	tl.add(fixtureID("item/ada-chat-4"), time.Minute, ada, nil, &gladly.ChatMessageContent{
		SessionID: DemoChatSessionID, Content: "Send a replacement", MessageType: gladly.ChatQuickReplyResponse,
		MessageData: &gladly.ChatMessageData{QuickReplyRequest: &gladly.QuickReplyRequest{Options: options}, SelectedOptionID: "replacement", RequestMessageID: ask.ID},
	})
	tl.add(fixtureID("item/ada-topics"), time.Minute, agent, nil, &gladly.TopicChangeContent{AddedTopicIDs: c.TopicIDs})
	tl.add(DemoEmailItemID, 25*time.Minute, agent, nil, &gladly.EmailContent{
		From: s.supportEmail(), To: []string{DemoCustomerEmail}, Subject: "Your replacement gear wheel — order " + adaOrderID,
		Content:     "Dear Ada,\n\nA replacement gear wheel is on its way. Please use the attached label to send the cracked one back.\n\nAmy",
		Attachments: []gladly.Attachment{{ID: fixtureID("attachment/ada-return-label"), ContentType: "application/pdf", Filename: "return-label.pdf", FileSize: 48213}},
	})
	const callSeconds = 95
	call := &gladly.PhoneCallContent{
		From: adaMobile, To: DemoVoiceNumber, RecordingStatus: gladly.RecordingAvailable,
		RecordingURL: recordingURL(DemoPhoneCallItemID), RecordingDuration: callSeconds,
		RecordingSummary: &gladly.RecordingSummary{Status: gladly.SummaryReady, Language: "en",
			Summary: "Ada asked when the replacement gear wheel will arrive; Amy confirmed it ships today by Royal Mail."},
	}
	it := tl.add(DemoPhoneCallItemID, 24*time.Hour, ada, agent, call)
	call.StartedAt = it.Timestamp
	call.AnsweredAt = it.Timestamp.Add(9 * time.Second)
	call.CompletedAt = call.AnsweredAt.Add(callSeconds * time.Second)
	s.transcriptFor(it, callSeconds, []string{
		"Thank you for calling Babbage Analytical, this is Amy. How can I help?",
		"Hello Amy, it's Ada Lovelace. I'm calling about the replacement gear wheel for my engine.",
		"Of course. It left our warehouse this morning with Royal Mail.",
		"Wonderful. Will I need to sign for it?",
		"Yes, a signature is needed. I'll note that you prefer phone updates.",
		"Thank you, that's very kind.",
	})
	tl.add(DemoNoteItemID, 5*time.Minute, agent, nil, &gladly.NoteContent{
		Body: "<p>Replacement shipped by <strong>Royal Mail</strong>, tracking RM123456785GB. Ada prefers phone updates.</p>",
	})
	// Ada's question is the last word: she awaits a response, so closing needs force.
	tl.add(fixtureID("item/ada-chat-5"), 6*time.Hour, ada, nil, chat("Thank you! Will it arrive before Friday?"))
}

func (s *Server) seedAdaWaiting(start time.Time) {
	blaise := DemoAgentID("Blaise Pascal")
	c := &gladly.Conversation{
		ID: DemoWaitingConversationID, CustomerID: DemoCustomerID, InboxID: DemoInboxID("Email"), AgentID: blaise,
		CustomAttributes: []gladly.ConversationAttribute{{ID: DemoCustomAttributeID("orderId"), Value: "ORD-1815-0031"}},
		TopicIDs:         []string{DemoTopicID("Refund")},
		CreatedAt:        start.Truncate(time.Millisecond), Status: gladly.ConversationOpen,
	}
	s.db.work.addConversation(c)
	tl := &timeline{s: s, c: c, at: c.CreatedAt}
	tl.add(fixtureID("item/ada-refund-email-1"), 0, customerActor(DemoCustomerID), nil, &gladly.EmailContent{
		From: DemoCustomerEmail, To: []string{s.supportEmail()}, Subject: "Charged twice for ORD-1815-0031",
		Content: "Hello, my card statement shows two charges for order ORD-1815-0031. Could you refund one? Ada",
	})
	tl.add(fixtureID("item/ada-refund-topic"), 3*time.Hour, agentActor(blaise), nil, &gladly.TopicChangeContent{AddedTopicIDs: c.TopicIDs})
	tl.add(fixtureID("item/ada-refund-email-2"), time.Minute, agentActor(blaise), nil, &gladly.EmailContent{
		From: s.supportEmail(), To: []string{DemoCustomerEmail}, Cc: []string{"billing@babbage.example.com"}, Subject: "Re: Charged twice for ORD-1815-0031",
		Content: "Dear Ada, we have refunded the duplicate charge. Could you let us know once it shows on your statement? Blaise",
	})
	// The agent answered; Gladly waits for the customer.
	c.Status = gladly.ConversationWaiting
}

func (s *Server) seedAdaClosed(start time.Time) {
	emmy := DemoAgentID("Emmy Noether")
	c := &gladly.Conversation{
		ID: DemoClosedConversationID, CustomerID: DemoCustomerID, InboxID: DemoInboxID("Phone"), AgentID: emmy,
		CustomAttributes: []gladly.ConversationAttribute{{ID: DemoCustomAttributeID("orderId"), Value: "ORD-1815-0017"}},
		TopicIDs:         []string{},
		CreatedAt:        start.Truncate(time.Millisecond), Status: gladly.ConversationOpen,
	}
	s.db.work.addConversation(c)
	tl := &timeline{s: s, c: c, at: c.CreatedAt}
	vm := &gladly.VoicemailContent{
		RecordingStatus: gladly.RecordingAvailable, RecordingURL: recordingURL(DemoVoicemailItemID), RecordingDuration: 24,
		RecordingSummary: &gladly.RecordingSummary{Status: gladly.SummaryReady, Language: "en", Summary: "Ada says the invoice for ORD-1815-0017 shows the wrong address."},
	}
	it := tl.add(DemoVoicemailItemID, 0, customerActor(DemoCustomerID), nil, vm)
	vm.StartedAt = it.Timestamp
	back := &gladly.PhoneCallContent{From: DemoVoiceNumber, To: adaMobile, RecordingStatus: gladly.RecordingDeleted, RecordingDuration: 140}
	it = tl.add(DemoDeletedRecordingItemID, 2*time.Hour, agentActor(emmy), customerActor(DemoCustomerID), back)
	back.StartedAt, back.AnsweredAt, back.CompletedAt = it.Timestamp, it.Timestamp.Add(12*time.Second), it.Timestamp.Add(152*time.Second)
	c.TopicIDs = []string{DemoTopicID("Invoice")}
	tl.add(fixtureID("item/ada-invoice-topic"), 3*time.Minute, agentActor(emmy), nil, &gladly.TopicChangeContent{AddedTopicIDs: c.TopicIDs})
	tl.add(fixtureID("item/ada-invoice-note"), time.Minute, agentActor(emmy), nil, &gladly.NoteContent{Body: "Sent a corrected invoice by email."})
	tl.close(time.Minute, emmy)
}

// seedAdaTimeline adds items outside any conversation: a sent SMS and a legacy task item.
func (s *Server) seedAdaTimeline(epoch time.Time) {
	s.db.work.addItem(&gladly.Item{
		ID: DemoSMSItemID, CustomerID: DemoCustomerID, Timestamp: epoch.Add(-30 * time.Hour).Truncate(time.Millisecond), Initiator: s.apiActor(),
		Content: &gladly.SMSContent{From: DemoSMSNumberUK, To: adaMobile, Content: "Your Babbage order " + adaOrderID + " has shipped: tracking RM123456785GB"},
	})
	s.db.work.addItem(&gladly.Item{
		ID: DemoLegacyTaskItemID, CustomerID: DemoCustomerID, Timestamp: epoch.Add(-300 * 24 * time.Hour).Truncate(time.Millisecond),
		Initiator: agentActor(DemoAgentID("Amy Agent")),
		Content: &gladly.TaskContent{Assignee: &gladly.Assignee{InboxID: DemoInboxID("Email")}, Body: "Welcome call for a new gold member",
			DueAt: epoch.Add(-299 * 24 * time.Hour).Truncate(time.Millisecond)},
	})
}

func (s *Server) seedAdaTasks(epoch time.Time) {
	amy, blaise, emmy := DemoAgentID("Amy Agent"), DemoAgentID("Blaise Pascal"), DemoAgentID("Emmy Noether")
	for _, t := range []struct {
		id, body, inbox, agent, creator, status string
		created, due                            time.Duration // from epoch
		comments                                []struct{ agent, text string }
	}{
		{DemoClosedTaskID, "Send Ada a corrected invoice for order ORD-1815-0017.", "Email", emmy, emmy, gladly.TaskClosed, -60 * 24 * time.Hour, -58 * 24 * time.Hour,
			[]struct{ agent, text string }{{emmy, "Corrected the billing address in the order system."}, {amy, "Invoice re-sent; Ada confirmed by phone."}}},
		{DemoFollowUpTaskID, "Call Ada back to confirm the duplicate-charge refund for ORD-1815-0031 reached her card.", "Phone", blaise, blaise, gladly.TaskOpen, -10 * 24 * time.Hour, 5 * 24 * time.Hour,
			[]struct{ agent, text string }{{blaise, "Refund issued; the bank needs 3–5 working days."}}},
		{DemoOpenTaskID, "<p>Ship a replacement gear wheel for order <strong>" + adaOrderID + "</strong> and send Ada the tracking number.</p>", "Email", emmy, amy, gladly.TaskOpen, -47 * time.Hour, 2 * 24 * time.Hour,
			[]struct{ agent, text string }{{amy, "Warehouse confirmed one gear wheel in stock."}, {emmy, "Packed; the courier collects at 3pm."}}},
	} {
		created := epoch.Add(t.created).Truncate(time.Millisecond)
		task := &gladly.Task{
			ID: t.id, CustomerID: DemoCustomerID, Timestamp: created, CreatedBy: agentActor(t.creator),
			Assignee: &gladly.Assignee{InboxID: DemoInboxID(t.inbox), AgentID: t.agent},
			Body:     t.body, DueAt: epoch.Add(t.due).Truncate(time.Millisecond), Status: t.status,
		}
		s.db.work.addTask(task)
		for j, c := range t.comments {
			s.db.work.addComment(&gladly.TaskComment{
				ID: fixtureID("comment/" + t.id + "/" + string(rune('a'+j))), TaskID: t.id, AgentID: c.agent, Comment: c.text,
				CreatedAt: created.Add(time.Duration(j+1) * 3 * time.Hour),
			})
		}
	}
}

// seedOtherDemoWork gives Charles, Mary and Grace a little history: Charles and Mary closed
// conversations only (so their profiles can be deleted), Grace an open one.
func (s *Server) seedOtherDemoWork(epoch time.Time) {
	id := DemoCustomerIDOf
	hedy, alan := DemoAgentID("Hedy Lamarr"), DemoAgentID("Alan Turing")

	charles := &gladly.Conversation{ID: fixtureID("conversation/charles"), CustomerID: id("Charles Babbage"), InboxID: DemoInboxID("Email"), AgentID: hedy,
		TopicIDs: []string{}, CreatedAt: epoch.Add(-90 * 24 * time.Hour).Truncate(time.Millisecond), Status: gladly.ConversationOpen}
	s.db.work.addConversation(charles)
	tl := &timeline{s: s, c: charles, at: charles.CreatedAt}
	tl.add(fixtureID("item/charles-tweet"), 0, customerActor(charles.CustomerID), nil, &gladly.TwitterContent{Content: "@babbage my engine order is late again"})
	tl.add(fixtureID("item/charles-email"), time.Hour, agentActor(hedy), nil, &gladly.EmailContent{
		From: s.supportEmail(), To: []string{"charles@example.com"}, Subject: "Your order", Content: "Dear Charles, your order left the workshop today."})
	charles.TopicIDs = []string{DemoTopicID("Order Status")}
	tl.add("", time.Minute, agentActor(hedy), nil, &gladly.TopicChangeContent{AddedTopicIDs: charles.TopicIDs})
	tl.close(time.Minute, hedy)
	s.seedDemoTask(fixtureID("task/charles"), charles.CustomerID, "Check Charles's order ships on time.", gladly.TaskOpen, epoch.Add(-20*24*time.Hour), epoch.Add(3*24*time.Hour), hedy)

	mary := &gladly.Conversation{ID: fixtureID("conversation/mary"), CustomerID: id("Mary Somerville"), InboxID: DemoInboxID("Chat"), AgentID: alan,
		TopicIDs: []string{}, CreatedAt: epoch.Add(-30 * 24 * time.Hour).Truncate(time.Millisecond), Status: gladly.ConversationOpen}
	s.db.work.addConversation(mary)
	tl = &timeline{s: s, c: mary, at: mary.CreatedAt}
	tl.add(fixtureID("item/mary-whatsapp-1"), 0, customerActor(mary.CustomerID), nil, &gladly.WhatsAppContent{Content: "Do you ship orreries to Scotland?"})
	tl.add(fixtureID("item/mary-whatsapp-2"), 4*time.Minute, agentActor(alan), nil, &gladly.WhatsAppContent{Content: "We do, within three working days."})
	mary.TopicIDs = []string{DemoTopicID("How-to")}
	tl.add("", time.Minute, agentActor(alan), nil, &gladly.TopicChangeContent{AddedTopicIDs: mary.TopicIDs})
	tl.close(time.Minute, alan)
	s.db.work.addItem(&gladly.Item{ID: fixtureID("item/mary-survey"), CustomerID: mary.CustomerID, Timestamp: epoch.Add(-29 * 24 * time.Hour).Truncate(time.Millisecond),
		Initiator: customerActor(mary.CustomerID), Content: &gladly.CustomerActivityContent{
			Title: "Survey answered", Body: "Rated the chat 5/5", ActivityType: gladly.ActivitySurvey, SourceName: "SurveyMonkey",
			Link: &gladly.ActivityLink{URL: "https://surveys.example.com/r/1843", Text: "View answers"}}})

	grace := &gladly.Conversation{ID: fixtureID("conversation/grace"), CustomerID: id("Grace Hopper"), InboxID: DemoInboxID("SMS"), AgentID: DemoAgentID("Katherine Johnson"),
		TopicIDs: []string{}, CreatedAt: epoch.Add(-26 * time.Hour).Truncate(time.Millisecond), Status: gladly.ConversationOpen}
	s.db.work.addConversation(grace)
	tl = &timeline{s: s, c: grace, at: grace.CreatedAt}
	tl.add(fixtureID("item/grace-sms-1"), 0, customerActor(grace.CustomerID), nil, &gladly.SMSContent{From: "+12025550143", To: DemoSMSNumber, Content: "Found a moth in my relay. Warranty?"})
	tl.add(fixtureID("item/grace-sms-2"), 10*time.Minute, agentActor(grace.AgentID), nil, &gladly.SMSContent{From: DemoSMSNumber, To: "+12025550143", Content: "Yes! Relays are covered for two years."})
	tl.add(fixtureID("item/grace-fb"), time.Hour, customerActor(grace.CustomerID), nil, &gladly.FacebookMessageContent{PageID: "babbage-analytical", UserID: "grace.hopper", Content: "Sent you the photo on Messenger."})
	s.seedDemoTask(fixtureID("task/grace"), grace.CustomerID, "Post Grace a replacement relay.", gladly.TaskClosed, epoch.Add(-25*time.Hour), epoch.Add(-2*time.Hour), grace.AgentID)
}

func (s *Server) seedDemoTask(id, customerID, body, status string, created, due time.Time, agent string) {
	t := &gladly.Task{
		ID: id, CustomerID: customerID, Timestamp: created.Truncate(time.Millisecond), CreatedBy: agentActor(agent),
		Assignee: &gladly.Assignee{InboxID: s.inboxID("Email"), AgentID: agent},
		Body:     body, DueAt: due.Truncate(time.Millisecond), Status: status,
	}
	s.db.work.addTask(t)
	s.db.work.addComment(&gladly.TaskComment{ID: fixtureID("comment/" + id), TaskID: id, AgentID: agent, Comment: "On it.", CreatedAt: t.Timestamp.Add(time.Hour)})
}
