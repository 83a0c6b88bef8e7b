package gladlytest_test

import (
	"testing"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func TestAddCustomerHasExactlyTheShape(t *testing.T) {
	t.Parallel()
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit(), gladlytest.WithSize(gladlytest.Size{Customers: 2}))
	c, err := gladly.NewClient(fake.URL, gladly.WithBasicAuth(fake.Username, fake.Token), gladly.WithRateLimit(gladly.Unlimited{}))
	if err != nil {
		t.Fatal(err)
	}
	shape := gladlytest.Shape{Conversations: 4, ItemsPerConversation: 7, Tickets: 3, CommentsPerTicket: 2}
	got := fake.AddCustomer(shape)
	other := fake.AddCustomer(gladlytest.Shape{})
	if got.CustomerID == other.CustomerID || got.Email == other.Email {
		t.Fatalf("two added customers share an identity: %+v %+v", got, other)
	}
	if len(got.ConversationIDs) != shape.Conversations || len(got.TaskIDs) != shape.Tickets {
		t.Fatalf("ids returned: %d conversations, %d tasks; want %d, %d", len(got.ConversationIDs), len(got.TaskIDs), shape.Conversations, shape.Tickets)
	}
	if fake.TotalCalls() != 0 {
		t.Fatalf("AddCustomer counted %d requests", fake.TotalCalls())
	}

	ctx := t.Context()
	cust, _, err := c.Customers.Get(ctx, got.CustomerID)
	if err != nil || cust.Emails[0].Normalized != got.Email {
		t.Fatalf("customer: %v %+v", err, cust)
	}
	found, _, err := c.Customers.Find(ctx, gladly.FindCustomersOptions{Email: got.Email})
	if err != nil || len(found) != 1 || found[0].ID != got.CustomerID {
		t.Fatalf("find by email: %v %d", err, len(found))
	}
	convs, _, err := c.Conversations.ListForCustomer(ctx, got.CustomerID)
	if err != nil || len(convs) != shape.Conversations {
		t.Fatalf("conversations: %v, %d", err, len(convs))
	}
	for _, id := range got.ConversationIDs {
		items, _, err := c.Items.ListForConversation(ctx, id, nil)
		if err != nil || len(items) != shape.ItemsPerConversation {
			t.Fatalf("items of %s: %v, %d", id, err, len(items))
		}
	}
	tasks, _, err := c.Tasks.ListForCustomer(ctx, got.CustomerID, nil)
	if err != nil || len(tasks) != shape.Tickets {
		t.Fatalf("tasks: %v, %d", err, len(tasks))
	}
	for _, id := range got.TaskIDs {
		comments, _, err := c.Tasks.ListComments(ctx, id)
		if err != nil || len(comments) != shape.CommentsPerTicket {
			t.Fatalf("comments of %s: %v, %d", id, err, len(comments))
		}
	}
	if convs, _, _ := c.Conversations.ListForCustomer(ctx, other.CustomerID); len(convs) != 0 {
		t.Fatalf("an empty shape has %d conversations", len(convs))
	}
}
