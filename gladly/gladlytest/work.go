package gladlytest

import (
	"cmp"
	"slices"

	"github.com/gladgraph/gladgraph/gladly"
)

// workState holds conversations and tasks and everything in them.
type workState struct {
	conversations table[*gladly.Conversation]
	tasks         table[*gladly.Task]
	// byCustomer lists a customer's conversation and task ids in creation order.
	convsByCustomer map[string][]string
	tasksByCustomer map[string][]string

	// items holds every timeline item: conversation items (notes included) and items outside any
	// conversation (sent SMS, legacy task items).
	items           table[*gladly.Item]
	itemsByConv     map[string][]string // conversation id → its item ids, in creation order
	timelineItems   map[string][]string // customer id → item ids outside any conversation
	transcripts     map[string]*gladly.VoiceTranscript
	comments        table[*gladly.TaskComment]
	commentsByTask  map[string][]string
	inboxMembers    map[string]map[string]bool // inbox id → agent ids that work it
	topicsNotNeeded bool                       // the organization lets conversations close without topics
}

func newWorkState() workState {
	return workState{
		conversations:   newTable[*gladly.Conversation](),
		tasks:           newTable[*gladly.Task](),
		convsByCustomer: map[string][]string{},
		tasksByCustomer: map[string][]string{},
		items:           newTable[*gladly.Item](),
		itemsByConv:     map[string][]string{},
		timelineItems:   map[string][]string{},
		transcripts:     map[string]*gladly.VoiceTranscript{},
		comments:        newTable[*gladly.TaskComment](),
		commentsByTask:  map[string][]string{},
		inboxMembers:    map[string]map[string]bool{},
	}
}

// activeConversation reports whether the customer has an OPEN or WAITING conversation, which
// blocks deleting the customer.
func (w *workState) activeConversation(customerID string) bool {
	for _, id := range w.convsByCustomer[customerID] {
		if c, ok := w.conversations.get(id); ok && c.Status != gladly.ConversationClosed {
			return true
		}
	}
	return false
}

// deleteCustomer removes a deleted customer's conversations and tasks with everything in them,
// and the rest of their timeline.
func (w *workState) deleteCustomer(customerID string) {
	for _, id := range w.convsByCustomer[customerID] {
		for _, itemID := range w.itemsByConv[id] {
			w.deleteItem(itemID)
		}
		delete(w.itemsByConv, id)
		w.conversations.delete(id)
	}
	for _, id := range w.tasksByCustomer[customerID] {
		for _, cid := range w.commentsByTask[id] {
			w.comments.delete(cid)
		}
		delete(w.commentsByTask, id)
		w.tasks.delete(id)
	}
	for _, itemID := range w.timelineItems[customerID] {
		w.deleteItem(itemID)
	}
	delete(w.timelineItems, customerID)
	delete(w.convsByCustomer, customerID)
	delete(w.tasksByCustomer, customerID)
}

func (w *workState) deleteItem(id string) {
	w.items.delete(id)
	delete(w.transcripts, id)
}

// mergeCustomer moves a merged customer's conversations, tasks and timeline to the surviving
// customer.
func (w *workState) mergeCustomer(from, into string) {
	for _, id := range w.convsByCustomer[from] {
		if c, ok := w.conversations.get(id); ok {
			c.CustomerID = into
		}
		for _, itemID := range w.itemsByConv[id] {
			w.moveItem(itemID, into)
		}
	}
	for _, id := range w.tasksByCustomer[from] {
		if t, ok := w.tasks.get(id); ok {
			t.CustomerID = into
		}
	}
	for _, itemID := range w.timelineItems[from] {
		w.moveItem(itemID, into)
	}
	w.convsByCustomer[into] = append(w.convsByCustomer[into], w.convsByCustomer[from]...)
	w.tasksByCustomer[into] = append(w.tasksByCustomer[into], w.tasksByCustomer[from]...)
	w.timelineItems[into] = append(w.timelineItems[into], w.timelineItems[from]...)
	delete(w.convsByCustomer, from)
	delete(w.tasksByCustomer, from)
	delete(w.timelineItems, from)
}

func (w *workState) moveItem(id, customerID string) {
	if it, ok := w.items.get(id); ok {
		it.CustomerID = customerID
	}
	if tr, ok := w.transcripts[id]; ok {
		tr.CustomerID = customerID
	}
}

// addConversation stores a conversation under its customer.
func (w *workState) addConversation(c *gladly.Conversation) {
	if c.TopicIDs == nil {
		c.TopicIDs = []string{}
	}
	w.conversations.put(c.ID, c)
	w.convsByCustomer[c.CustomerID] = append(w.convsByCustomer[c.CustomerID], c.ID)
}

// addItem stores an item on its conversation's timeline, or on the customer's timeline when it
// is outside any conversation.
func (w *workState) addItem(it *gladly.Item) {
	w.items.put(it.ID, it)
	if it.ConversationID != "" {
		w.itemsByConv[it.ConversationID] = append(w.itemsByConv[it.ConversationID], it.ID)
		return
	}
	w.timelineItems[it.CustomerID] = append(w.timelineItems[it.CustomerID], it.ID)
}

// addTask stores a task under its customer.
func (w *workState) addTask(t *gladly.Task) {
	w.tasks.put(t.ID, t)
	w.tasksByCustomer[t.CustomerID] = append(w.tasksByCustomer[t.CustomerID], t.ID)
}

// addComment stores a comment under its task.
func (w *workState) addComment(c *gladly.TaskComment) {
	w.comments.put(c.ID, c)
	w.commentsByTask[c.TaskID] = append(w.commentsByTask[c.TaskID], c.ID)
}

// conversationItems returns a conversation's items in ascending timestamp order (creation order
// among equal timestamps).
func (w *workState) conversationItems(convID string) []*gladly.Item {
	out := make([]*gladly.Item, 0, len(w.itemsByConv[convID]))
	for _, id := range w.itemsByConv[convID] {
		if it, ok := w.items.get(id); ok {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(a, b *gladly.Item) int { return a.Timestamp.Compare(b.Timestamp) })
	return out
}

// idTaken reports whether id names a task or an item: Gladly keeps both in one id space (tasks
// were items once), and answers 409 on either.
func (w *workState) idTaken(id string) bool { return w.tasks.has(id) || w.items.has(id) }

// inInbox reports whether an agent works an inbox.
func (w *workState) inInbox(inboxID, agentID string) bool { return w.inboxMembers[inboxID][agentID] }

// awaitingResponse reports whether the customer's last message in a conversation has had no
// reply from the organization since: Gladly will not close such a conversation unless forced.
func (w *workState) awaitingResponse(convID string) bool {
	waiting := false
	for _, it := range w.conversationItems(convID) {
		fromCustomer := it.Initiator != nil && it.Initiator.Type == gladly.ActorCustomer
		switch c := it.Content.(type) {
		case *gladly.PhoneCallContent:
			// An answered call connects the customer with an agent, whoever dialled; a missed
			// inbound call waits for a call back.
			if !c.AnsweredAt.IsZero() {
				waiting = false
			} else if fromCustomer {
				waiting = true
			}
		case *gladly.ChatMessageContent, *gladly.EmailContent, *gladly.SMSContent, *gladly.FacebookMessageContent,
			*gladly.WhatsAppContent, *gladly.InstagramDirectContent, *gladly.TwitterContent, *gladly.VoicemailContent:
			if it.Initiator != nil {
				waiting = fromCustomer
			}
		}
	}
	return waiting
}

// sortConversations orders conversations by creation, oldest first.
func sortConversations(cs []*gladly.Conversation) {
	slices.SortStableFunc(cs, func(a, b *gladly.Conversation) int { return a.CreatedAt.Compare(b.CreatedAt) })
}

// sortTasksNewestFirst orders tasks by creation, newest first.
func sortTasksNewestFirst(ts []*gladly.Task) {
	slices.SortStableFunc(ts, func(a, b *gladly.Task) int { return cmp.Compare(b.Timestamp.UnixNano(), a.Timestamp.UnixNano()) })
}

// TopicsRequiredToClose sets whether conversations need at least one topic before they can be
// closed (Gladly's organization setting; on unless switched off).
func (s *Server) TopicsRequiredToClose(required bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.db.work.topicsNotNeeded = !required
}
