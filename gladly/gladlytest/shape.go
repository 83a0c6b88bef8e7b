package gladlytest

import "time"

// Shape is the work of one customer AddCustomer generates: exact counts, so that a benchmark or
// a test knows the size of what it queries.
type Shape struct {
	Conversations        int // conversations, the last one possibly still open
	ItemsPerConversation int // timeline items of each conversation
	Tickets              int // tasks
	CommentsPerTicket    int // comments on each task
}

// Seeded names what AddCustomer generated.
type Seeded struct {
	CustomerID      string
	Email           string
	ConversationIDs []string // oldest first
	TaskIDs         []string // in creation order
}

// AddCustomer generates one more customer with exactly the given shape of work, from the
// server's seed (the same seed and the same calls give the same data), and returns its ids. The
// request counters are not touched.
func (s *Server) AddCustomer(shape Shape) Seeded {
	s.mu.Lock()
	defer s.mu.Unlock()
	epoch := s.seedEpoch()
	i := s.cfg.size.Customers + s.shaped
	s.shaped++
	c := s.newCustomer(i, epoch.Add(-400*24*time.Hour))
	s.db.customers.put(c.ID, c)
	s.indexCustomer(c)
	convs, tasks := s.seedCustomerWork(c, epoch, shape)
	return Seeded{CustomerID: c.ID, Email: c.Emails[0].Normalized, ConversationIDs: convs, TaskIDs: tasks}
}
