package eventbus

import (
	"context"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// History reads an account's past events from Gladly: the source of a resume whose cursor the
// log no longer holds.
type History interface {
	// Events calls fn for each event recorded from start to end, oldest first.
	Events(ctx context.Context, account string, start, end time.Time, fn func(*gladly.Event) error) error
}

// ClientFunc returns the Gladly client of an account.
type ClientFunc func(ctx context.Context, account string) (*gladly.Client, error)

// GladlyHistory is History over Gladly's Events API (the last 24 hours; PING, EXPORT_JOB/*,
// AUTOMATION/*, CUSTOM_CHANNEL/* and CONVERSATION_STATUS/UPDATED are webhook-only and absent).
type GladlyHistory struct{ Client ClientFunc }

// allEntities are every family of the events stream.
var allEntities = []string{
	gladly.EntityAgentAvailability, gladly.EntityAgentStatus, gladly.EntityContact, gladly.EntityConversation,
	gladly.EntityCustomer, gladly.EntityCustomerProfile, gladly.EntityPaymentRequest, gladly.EntityTask,
}

// Events implements History, streaming Gladly's answer line by line.
func (h GladlyHistory) Events(ctx context.Context, account string, start, end time.Time, fn func(*gladly.Event) error) error {
	c, err := h.Client(ctx, account)
	if err != nil {
		return err
	}
	_, err = c.Events.Stream(ctx, gladly.ListEventsOptions{StartAt: start, EndAt: end, Entities: allEntities}, fn)
	return err
}
