package gladlytest

import (
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// seedWork fills the organization's work: who works which inbox, its fixture's conversations,
// items and tasks, then exactly the configured counts for every generated
// customer. Everything is placed before the seed epoch, in order.
func (s *Server) seedWork() error {
	s.seedInboxMembers()
	epoch := s.seedEpoch()
	if s.cfg.org == HopperOrg {
		s.seedHopperWork(epoch)
	} else {
		s.seedDemoWork()
	}
	demo := s.fixtureCustomers()
	for _, c := range s.db.customers.list() {
		if !demo[c.ID] {
			s.seedCustomerWork(c, epoch, s.cfg.size.shape())
		}
	}
	return nil
}

// seedInboxMembers decides who works which inbox: everyone works Email, Chat and Phone; SMS is
// worked by Tier 1, VIP Concierge and Escalations; the VIP inbox by VIP Concierge alone. The API
// user works every inbox but VIP.
func (s *Server) seedInboxMembers() {
	team := func(name string) []string {
		t, _ := s.db.teams.get(s.teamID(name))
		if t == nil {
			return nil
		}
		return t.AgentIDs
	}
	for _, inbox := range s.db.inboxes.list() {
		var members []string
		switch inbox.ID {
		case s.inboxID("VIP"):
			members = team("VIP Concierge")
		case s.inboxID("SMS"):
			members = append(append(append([]string{s.db.apiAgent}, team("Tier 1 Support")...), team("VIP Concierge")...), team("Escalations")...)
		default:
			members = s.db.agents.order
		}
		set := map[string]bool{}
		for _, id := range members {
			set[id] = true
		}
		s.db.work.inboxMembers[inbox.ID] = set
	}
}

// agentsOf lists an inbox's people (not the API user) in directory order.
func (s *Server) agentsOf(inboxID string) []string {
	var out []string
	for _, id := range s.db.agents.order {
		if id != s.db.apiAgent && s.db.work.inInbox(inboxID, id) {
			out = append(out, id)
		}
	}
	return out
}

func customerActor(id string) *gladly.Actor { return &gladly.Actor{ID: id, Type: gladly.ActorCustomer} }
func agentActor(id string) *gladly.Actor    { return &gladly.Actor{ID: id, Type: gladly.ActorAgent} }

// timeline appends a conversation's items at increasing times.
type timeline struct {
	s  *Server
	c  *gladly.Conversation
	at time.Time
}

// add places an item step after the previous one; id "" draws a fresh id.
func (tl *timeline) add(id string, step time.Duration, initiator, responder *gladly.Actor, content gladly.ItemContent) *gladly.Item {
	tl.at = tl.at.Add(step).Truncate(time.Millisecond)
	if id == "" {
		id = tl.s.newID()
	}
	it := &gladly.Item{
		ID: id, CustomerID: tl.c.CustomerID, ConversationID: tl.c.ID, Timestamp: tl.at,
		Initiator: initiator, Responder: responder, Content: content,
	}
	if chat, ok := content.(*gladly.ChatMessageContent); ok {
		it.SessionID = chat.SessionID
	}
	tl.s.db.work.addItem(it)
	return it
}

// close closes the conversation step after its last item, as an agent would.
func (tl *timeline) close(step time.Duration, agent string) {
	tl.add("", step, agentActor(agent), nil, &gladly.ConversationStatusChangeContent{Status: gladly.ConversationClosed})
	tl.c.Status, tl.c.ClosedAt = gladly.ConversationClosed, tl.at
}

// transcriptFor writes a two-speaker transcript (agent 0, customer 1) spanning a recording.
func (s *Server) transcriptFor(it *gladly.Item, seconds int, lines []string) {
	n := len(lines)
	span := float64(seconds) / float64(max(n, 1))
	var ps []gladly.TranscriptParagraph
	for i, line := range lines {
		start := float64(i)*span + 0.4
		ps = append(ps, gladly.TranscriptParagraph{Transcript: line, Speaker: i % 2, StartTime: round2(start), EndTime: round2(start + span*0.85)})
	}
	done := it.Timestamp.Add(time.Duration(seconds+90) * time.Second)
	s.db.work.transcripts[it.ID] = &gladly.VoiceTranscript{
		Paragraphs: ps, CustomerID: it.CustomerID, NumberOfSpeakers: 2, Language: "en",
		CreatedAt: done, UpdatedAt: done,
	}
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

// The channels of generated conversations, with the inbox that works each.
var seedChannels = []struct{ name, inbox string }{
	{"chat", "Chat"}, {"chat", "Chat"}, {"email", "Email"}, {"email", "Email"}, {"sms", "SMS"},
	{"phone", "Phone"}, {"voicemail", "Phone"}, {"whatsapp", "Chat"}, {"facebook", "Chat"}, {"instagram", "Chat"},
}

var (
	customerLines = []string{
		"Hi, where is my order? It was due yesterday.", "The package arrived damaged, the box was crushed.",
		"Can I change the delivery address on my order?", "I was charged twice for the same order.",
		"How do I reset my password? The link has expired.", "I'd like to return the blue one, it's too small.",
		"Do you ship to Canada?", "Thanks, that worked!", "Is there a discount for gold members?",
		"The instructions are missing from the box.", "Can you cancel my subscription please?",
	}
	agentLines = []string{
		"Thanks for reaching out! Let me look into that for you.", "I'm sorry about that. I've started a replacement.",
		"I've updated the address; you'll get a new confirmation email.", "I've refunded the duplicate charge, it takes 3–5 days.",
		"I've sent you a fresh reset link, it's valid for 24 hours.", "I've emailed you a prepaid return label.",
		"Yes, we ship to Canada within 5–7 business days.", "Glad to hear it! Anything else I can help with?",
		"Gold members get 10% off every order automatically.", "I've attached the instructions as a PDF.",
	}
	noteLines = []string{
		"Customer is a repeat buyer; offered expedited shipping.", "Checked with the warehouse: item back in stock Friday.",
		"Escalated to billing for the duplicate charge.", "Customer prefers email over phone.",
	}
	taskLines = []string{
		"Call the customer back about the delayed delivery.", "Send a prepaid return label.",
		"Confirm the refund reached the customer's card.", "Follow up on the damaged item claim with the carrier.",
		"Check stock for the replacement and reserve one.",
	}
	commentLines = []string{
		"Left a voicemail, will try again tomorrow.", "Carrier claim filed, reference attached.",
		"Refund confirmed by billing.", "Replacement reserved in the Leeds warehouse.", "Customer confirmed by email.",
	}
)

// seedCustomerWork gives a customer exactly the shape's conversations (each with exactly
// ItemsPerConversation items), tickets and comments, between their creation and epoch.
func (s *Server) seedCustomerWork(c *gladly.Customer, epoch time.Time, shape Shape) (convs, tasks []string) {
	end := epoch.Add(-time.Hour)
	if n := shape.Conversations; n > 0 {
		slot := end.Sub(c.CreatedAt) / time.Duration(n)
		for k := range n {
			start := c.CreatedAt.Add(time.Duration(k)*slot + time.Duration(s.rng.Int64N(int64(slot/4)+1)))
			status := gladly.ConversationClosed
			if k == n-1 {
				status = []string{gladly.ConversationOpen, gladly.ConversationOpen, gladly.ConversationWaiting, gladly.ConversationClosed, gladly.ConversationClosed}[s.rng.IntN(5)]
			}
			convs = append(convs, s.seedConversation(c, start, slot/2, status, shape.ItemsPerConversation))
		}
	}
	for range shape.Tickets {
		created := c.CreatedAt.Add(time.Duration(s.rng.Int64N(int64(end.Sub(c.CreatedAt)))))
		tasks = append(tasks, s.seedTask(c, created, epoch, shape.CommentsPerTicket))
	}
	return convs, tasks
}

// seedConversation writes one conversation with exactly n items within span and returns its id.
func (s *Server) seedConversation(cust *gladly.Customer, start time.Time, span time.Duration, status string, n int) string {
	ch := seedChannels[s.rng.IntN(len(seedChannels))]
	inbox := s.inboxID(ch.inbox)
	agents := s.agentsOf(inbox)
	agent := agents[s.rng.IntN(len(agents))]
	c := &gladly.Conversation{
		ID: s.newID(), CustomerID: cust.ID, InboxID: inbox, AgentID: agent,
		CreatedAt: start.Truncate(time.Millisecond), Status: gladly.ConversationOpen,
	}
	if status != gladly.ConversationClosed && s.rng.IntN(4) == 0 {
		c.AgentID = "" // still in the queue
	}
	s.db.work.addConversation(c)

	step := max(span/time.Duration(n+1), time.Second)
	tl := &timeline{s: s, c: c, at: c.CreatedAt.Add(-step)}
	topics := s.pickTopics()
	session := s.newID()
	// The last items close the conversation and label it; the rest is the exchange, with a note
	// now and then. A WAITING conversation ends on the agent's word.
	for i := range n {
		left := n - i
		switch {
		case status == gladly.ConversationClosed && left == 1:
			tl.close(step, agent)
		case status == gladly.ConversationClosed && left == 2, status != gladly.ConversationClosed && i == 2:
			tl.add("", step, agentActor(agent), nil, &gladly.TopicChangeContent{AddedTopicIDs: topics})
			c.TopicIDs = append(c.TopicIDs, topics...)
		case i%7 == 5:
			tl.add("", step, agentActor(agent), nil, &gladly.NoteContent{Body: noteLines[s.rng.IntN(len(noteLines))]})
		default:
			fromCustomer := i%2 == 0
			if status == gladly.ConversationWaiting && left == 1 {
				fromCustomer = false
			}
			s.seedMessage(tl, step, ch.name, session, cust, agent, fromCustomer)
		}
	}
	if status == gladly.ConversationWaiting {
		c.Status = gladly.ConversationWaiting
	}
	if status == gladly.ConversationClosed && c.Status != gladly.ConversationClosed {
		// No room for the status item: closed all the same.
		c.Status, c.ClosedAt = gladly.ConversationClosed, c.CreatedAt.Add(time.Minute)
		if tl.at.After(c.CreatedAt) {
			c.ClosedAt = tl.at.Add(time.Minute)
		}
	}
	if status == gladly.ConversationClosed && len(c.TopicIDs) == 0 {
		c.TopicIDs = topics
	}
	return c.ID
}

func (s *Server) pickTopics() []string {
	var leaves []string
	for _, t := range s.db.topics.list() {
		if t.ParentID != "" && !t.Disabled {
			leaves = append(leaves, t.ID)
		}
	}
	if len(leaves) == 0 {
		return []string{}
	}
	first := s.rng.IntN(len(leaves))
	out := []string{leaves[first]}
	if s.rng.IntN(3) == 0 {
		if second := s.rng.IntN(len(leaves)); second != first {
			out = append(out, leaves[second])
		}
	}
	return out
}

// seedMessage adds one message of the conversation's channel, from the customer or the agent,
// step after the previous item.
func (s *Server) seedMessage(tl *timeline, step time.Duration, channel, session string, cust *gladly.Customer, agent string, fromCustomer bool) {
	from := customerActor(cust.ID)
	text := customerLines[s.rng.IntN(len(customerLines))]
	if !fromCustomer {
		from = agentActor(agent)
		text = agentLines[s.rng.IntN(len(agentLines))]
	}
	email, phone := "", ""
	if len(cust.Emails) > 0 {
		email = cust.Emails[0].Normalized
	}
	if len(cust.Phones) > 0 {
		phone = cust.Phones[0].Normalized
	}
	var content gladly.ItemContent
	switch channel {
	case "chat":
		content = &gladly.ChatMessageContent{SessionID: session, Content: text, MessageType: gladly.ChatText}
	case "email":
		e := &gladly.EmailContent{From: email, To: []string{s.supportEmail()}, Subject: "Re: your order", Content: text}
		if !fromCustomer {
			e.From, e.To = s.supportEmail(), []string{email}
		}
		content = e
	case "sms":
		m := &gladly.SMSContent{From: phone, To: DemoSMSNumber, Content: text}
		if !fromCustomer {
			m.From, m.To = DemoSMSNumber, phone
		}
		content = m
	case "whatsapp":
		content = &gladly.WhatsAppContent{Content: text}
	case "instagram":
		content = &gladly.InstagramDirectContent{Content: text}
	case "facebook":
		content = &gladly.FacebookMessageContent{PageID: slug(s.spec.short), UserID: "fb-" + cust.ID[:8], Content: text}
	case "voicemail":
		if fromCustomer {
			vm := &gladly.VoicemailContent{RecordingStatus: gladly.RecordingAvailable, RecordingDuration: gladly.Seconds(10 + s.rng.IntN(50))}
			it := tl.add("", step, from, nil, vm)
			vm.StartedAt, vm.RecordingURL = it.Timestamp, recordingURL(it.ID)
			return
		}
		s.seedCall(tl, step, cust.ID, phone, agent, false) // the agent calls back
		return
	case "phone":
		s.seedCall(tl, step, cust.ID, phone, agent, fromCustomer)
		return
	}
	tl.add("", step, from, nil, content)
}

func recordingURL(itemID string) string {
	return "/api/v1/conversation-items/" + itemID + "/media/recording"
}

// seedCall adds a phone call, answered, usually recorded, sometimes transcribed.
func (s *Server) seedCall(tl *timeline, step time.Duration, customerID, phone, agent string, inbound bool) {
	secs := 30 + s.rng.IntN(600)
	c := &gladly.PhoneCallContent{From: phone, To: DemoVoiceNumber, RecordingStatus: gladly.RecordingAvailable, RecordingDuration: gladly.Seconds(secs)}
	initiator, responder := customerActor(customerID), agentActor(agent)
	if !inbound {
		c.From, c.To = DemoVoiceNumber, phone
		initiator, responder = responder, initiator
	}
	if s.rng.IntN(6) == 0 {
		c.RecordingStatus = gladly.RecordingDeleted
	}
	it := tl.add("", step, initiator, responder, c)
	c.StartedAt = it.Timestamp
	c.AnsweredAt = it.Timestamp.Add(time.Duration(3+s.rng.IntN(20)) * time.Second)
	c.CompletedAt = c.AnsweredAt.Add(time.Duration(secs) * time.Second)
	if c.RecordingStatus == gladly.RecordingAvailable {
		c.RecordingURL = recordingURL(it.ID)
		c.RecordingSummary = &gladly.RecordingSummary{Status: gladly.SummaryReady, Summary: "Customer asked about their order; agent resolved it on the call.", Language: "en"}
		if s.rng.IntN(2) == 0 {
			s.transcriptFor(it, secs, []string{
				"Thanks for calling " + s.spec.short + ", how can I help?",
				customerLines[s.rng.IntN(len(customerLines))],
				agentLines[s.rng.IntN(len(agentLines))],
				"Great, thank you so much.",
			})
		}
	}
}

// seedTask writes one task created at created, with exactly comments comments, and returns its
// id. Open tasks are due in the future, closed ones were due in the past.
func (s *Server) seedTask(c *gladly.Customer, created, epoch time.Time, comments int) string {
	created = created.Truncate(time.Millisecond)
	inbox := s.inboxID([]string{"Email", "Phone", "Chat"}[s.rng.IntN(3)])
	agents := s.agentsOf(inbox)
	agent := agents[s.rng.IntN(len(agents))]
	t := &gladly.Task{
		ID: s.newID(), CustomerID: c.ID, Timestamp: created, CreatedBy: agentActor(agents[s.rng.IntN(len(agents))]),
		Assignee: &gladly.Assignee{InboxID: inbox, AgentID: agent},
		Body:     taskLines[s.rng.IntN(len(taskLines))], Status: gladly.TaskOpen,
	}
	if s.rng.IntN(2) == 0 {
		t.Status = gladly.TaskClosed
		t.DueAt = created.Add(time.Duration(1+s.rng.IntN(72)) * time.Hour)
	} else {
		t.DueAt = epoch.Add(time.Duration(1+s.rng.IntN(14*24)) * time.Hour).Truncate(time.Millisecond)
	}
	s.db.work.addTask(t)
	s.seedComments(t, comments, epoch, agents)
	return t.ID
}

// seedComments writes n comments on a task, evenly spread between its creation and epoch.
func (s *Server) seedComments(t *gladly.Task, n int, epoch time.Time, agents []string) {
	step := epoch.Sub(t.Timestamp) / time.Duration(n+1)
	for j := range n {
		s.db.work.addComment(&gladly.TaskComment{
			ID: s.newID(), TaskID: t.ID, AgentID: agents[s.rng.IntN(len(agents))],
			Comment:   commentLines[s.rng.IntN(len(commentLines))],
			CreatedAt: t.Timestamp.Add(time.Duration(j+1) * step).Truncate(time.Millisecond),
		})
	}
}
