package gladlytest

import "github.com/gladgraph/gladgraph/gladly"

// workState holds conversations and tasks and everything in them.
type workState struct {
	conversations table[*gladly.Conversation]
	tasks         table[*gladly.Task]
	// byCustomer lists a customer's conversation and task ids in creation order.
	convsByCustomer map[string][]string
	tasksByCustomer map[string][]string
}

func newWorkState() workState {
	return workState{
		conversations:   newTable[*gladly.Conversation](),
		tasks:           newTable[*gladly.Task](),
		convsByCustomer: map[string][]string{},
		tasksByCustomer: map[string][]string{},
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

// deleteCustomer removes a deleted customer's conversations and tasks with everything in them.
func (w *workState) deleteCustomer(customerID string) {
	for _, id := range w.convsByCustomer[customerID] {
		w.conversations.delete(id)
	}
	for _, id := range w.tasksByCustomer[customerID] {
		w.tasks.delete(id)
	}
	delete(w.convsByCustomer, customerID)
	delete(w.tasksByCustomer, customerID)
}

// mergeCustomer moves a merged customer's conversations and tasks to the surviving customer.
func (w *workState) mergeCustomer(from, into string) {
	for _, id := range w.convsByCustomer[from] {
		if c, ok := w.conversations.get(id); ok {
			c.CustomerID = into
		}
	}
	for _, id := range w.tasksByCustomer[from] {
		if t, ok := w.tasks.get(id); ok {
			t.CustomerID = into
		}
	}
	w.convsByCustomer[into] = append(w.convsByCustomer[into], w.convsByCustomer[from]...)
	w.tasksByCustomer[into] = append(w.tasksByCustomer[into], w.tasksByCustomer[from]...)
	delete(w.convsByCustomer, from)
	delete(w.tasksByCustomer, from)
}
