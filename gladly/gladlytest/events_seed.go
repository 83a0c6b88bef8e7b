package gladlytest

import (
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// channelOfInbox is the contact channel the demo's inboxes take.
var channelOfInbox = map[string]string{
	"Email": "EMAIL", "Chat": "CHAT", "Phone": "PHONE_CALL", "SMS": "SMS", "VIP": "CHAT",
}

// seedEvents records a day of history in the events stream, within the last 24 hours: agents'
// shifts (status and availability), contacts on existing conversations (offered, accepted,
// answered, ended), a payment request and task follow-ups. Each event has the content §22 of
// Gladly's reference gives its type. Recorded directly: seeding delivers nothing to webhooks.
func (s *Server) seedEvents() {
	epoch := s.seedEpoch()
	start := epoch.Add(-23 * time.Hour)
	jitter := func(max time.Duration) time.Duration { return time.Duration(s.rng.Int64N(int64(max))) }
	add := func(at time.Time, typ string, initiator *gladly.Actor, content map[string]any) {
		s.db.events = append(s.db.events, event{ID: s.newID(), Type: typ, Timestamp: at.Truncate(time.Millisecond), Initiator: initiator, Content: content})
	}
	stamp := func(t time.Time) string { return t.UTC().Truncate(time.Millisecond).Format(eventTime) }

	people := s.db.agents.order[1:] // not the API user
	shifts := min(len(people), 8)
	working := map[string]any{"id": fixtureID("active-reason/working"), "name": "Working"}
	training := map[string]any{"id": fixtureID("active-reason/training"), "name": "Training"}
	lunch := map[string]any{"id": fixtureID("away-reason/lunch"), "name": "Lunch"}
	for i, id := range people[:shifts] {
		agent := &gladly.Actor{ID: id, Type: gladly.ActorAgent}
		login := start.Add(time.Duration(i)*40*time.Minute + jitter(20*time.Minute))
		channels := []any{"MESSAGING", "MAIL"}
		if i%3 == 0 {
			channels = append(channels, "VOICE")
		}
		add(login, "AGENT_STATUS/LOGGED_IN", agent, map[string]any{"agentId": id, "occurredAt": stamp(login), "activeReason": working})
		t := login.Add(time.Minute)
		add(t, "AGENT_AVAILABILITY/UPDATED", agent, map[string]any{"agentId": id, "availableFor": channels, "occurredAt": stamp(t)})
		t = login.Add(2 * time.Hour)
		add(t, "AGENT_AVAILABILITY/FOCUS_ENTERED", agent, map[string]any{"agentId": id, "context": map[string]any{"availableFor": channels}})
		add(t.Add(25*time.Minute), "AGENT_AVAILABILITY/FOCUS_EXITED", agent, map[string]any{"agentId": id, "context": map[string]any{"availableFor": channels}})
		away := login.Add(3*time.Hour + jitter(30*time.Minute))
		add(away, "AGENT_STATUS/WENT_AWAY", agent, map[string]any{"agentId": id, "awayReason": lunch, "occurredAt": stamp(away)})
		back := away.Add(45 * time.Minute)
		add(back, "AGENT_STATUS/RETURNED_FROM_AWAY", agent, map[string]any{"agentId": id, "awayAt": stamp(away), "awayReason": lunch, "activeReason": working, "occurredAt": stamp(back)})
		t = back.Add(90 * time.Minute)
		add(t, "AGENT_STATUS/CHANGED_ACTIVE_REASON", agent, map[string]any{"agentId": id, "occurredAt": stamp(t), "activeReason": training})
		if i%2 == 0 {
			t = login.Add(8 * time.Hour)
			add(t, "AGENT_STATUS/LOGGED_OUT", agent, map[string]any{"agentId": id, "occurredAt": stamp(t)})
		}
	}

	// Contacts on the conversations the store holds (Ada's open one when it holds none).
	type conv struct{ id, customer, inbox, agent string }
	var convs []conv
	for _, c := range s.db.work.conversations.list() {
		if len(convs) == 6 {
			break
		}
		if c.Status != gladly.ConversationClosed {
			convs = append(convs, conv{c.ID, c.CustomerID, c.InboxID, c.AgentID})
		}
	}
	if len(convs) == 0 && s.cfg.org == DemoOrg {
		convs = append(convs, conv{DemoOpenConversationID, DemoCustomerID, DemoInboxID("Chat"), DemoAgentID("Amy Agent")})
	}
	for k, c := range convs {
		if c.agent == "" {
			c.agent = people[k%len(people)]
		}
		channel := "CHAT"
		if in, ok := s.db.inboxes.get(c.inbox); ok && channelOfInbox[in.Name] != "" {
			channel = channelOfInbox[in.Name]
		}
		customer := &gladly.Actor{ID: c.customer, Type: gladly.ActorCustomer}
		agent := &gladly.Actor{ID: c.agent, Type: gladly.ActorAgent}
		contactID := s.newID()
		queued := map[string]any{"assignee": map[string]any{"inboxId": c.inbox}}
		assigned := map[string]any{"assignee": map[string]any{"inboxId": c.inbox, "agentId": c.agent}}
		contact := func(extra map[string]any, context map[string]any) map[string]any {
			m := map[string]any{"channel": channel, "contactId": contactID, "conversationId": c.id, "customerId": c.customer, "context": context}
			for key, v := range extra {
				m[key] = v
			}
			return m
		}
		t := start.Add(6*time.Hour + time.Duration(k)*2*time.Hour + jitter(30*time.Minute))
		add(t, "CONTACT/STARTED", customer, contact(map[string]any{"entryPoint": "Website"}, queued))
		if channel != "PHONE_CALL" {
			add(t.Add(time.Second), "CONTACT/MESSAGE_RECEIVED", customer, contact(map[string]any{"messageId": s.newID()}, queued))
		}
		add(t.Add(10*time.Second), "CONTACT/OFFERED", customer, contact(map[string]any{"agentId": c.agent}, queued))
		add(t.Add(20*time.Second), "CONTACT/OFFER_ACCEPTED", agent, contact(map[string]any{"agentId": c.agent}, queued))
		add(t.Add(21*time.Second), "CONVERSATION_ASSIGNEE/UPDATED", agent, map[string]any{
			"customerId": c.customer, "conversationId": c.id, "reason": "CONTACT_OFFERED",
			"assignee": map[string]any{"inboxId": c.inbox, "agentId": c.agent}, "context": queued})
		if channel == "PHONE_CALL" {
			add(t.Add(2*time.Minute), "CONTACT/HOLD_STARTED", agent, contact(map[string]any{"reason": "MANUAL"}, assigned))
			add(t.Add(3*time.Minute), "CONTACT/HOLD_ENDED", agent, contact(map[string]any{"reason": "MANUAL"}, assigned))
		} else {
			add(t.Add(3*time.Minute), "CONTACT/MESSAGE_SENT", agent, contact(map[string]any{"messageId": s.newID()}, assigned))
		}
		add(t.Add(3*time.Minute+time.Second), "CONTACT/FULFILLED", agent, contact(map[string]any{"fulfilledType": "RESPONDED"}, assigned))
		add(t.Add(10*time.Minute), "CONTACT/ENDED", agent, contact(map[string]any{"reason": "AGENT_ENDED", "status": "ANSWERED"}, assigned))
		if k > 0 {
			continue
		}
		add(t.Add(11*time.Minute), "CONVERSATION/TOPIC_ADDED", agent, map[string]any{
			"customerId": c.customer, "conversationId": c.id, "topicId": s.topicID("Order Status"), "context": assigned})
		payment := map[string]any{"contactId": contactID, "customerId": c.customer, "conversationId": c.id,
			"paymentRequestId": s.newID(), "context": map[string]any{"currency": "GBP", "monetaryUnit": 4200}}
		add(t.Add(5*time.Minute), "PAYMENT_REQUEST/CREATED", agent, payment)
		add(t.Add(6*time.Minute), "PAYMENT_REQUEST/VIEWED", customer, payment)
		changed := map[string]any{"oldStatus": "REQUESTING", "newStatus": "COMPLETED"}
		for key, v := range payment {
			changed[key] = v
		}
		add(t.Add(7*time.Minute), "PAYMENT_REQUEST/STATUS_CHANGED", customer, changed)
	}

	// Follow-ups on the tasks the store holds.
	for k, task := range s.db.work.tasks.list() {
		if k == 3 {
			break
		}
		context := map[string]any{"createdAt": task.Timestamp.UTC().Format(time.RFC3339Nano)}
		if a := task.Assignee; a != nil && a.InboxID != "" {
			assignee := map[string]any{"inboxId": a.InboxID}
			if a.AgentID != "" {
				assignee["agentId"] = a.AgentID
			}
			context["assignee"] = assignee
		}
		if !task.DueAt.IsZero() {
			context["dueAt"] = task.DueAt.UTC().Format(time.RFC3339Nano)
		}
		follower := people[(k+1)%len(people)]
		t := start.Add(14*time.Hour + time.Duration(k)*time.Hour + jitter(time.Hour))
		add(t, "TASK/FOLLOWER_ADDED", &gladly.Actor{ID: follower, Type: gladly.ActorAgent},
			map[string]any{"customerId": task.CustomerID, "taskId": task.ID, "agentId": follower, "context": context})
	}
}
