package gladly_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func init() { contractSuites["communications"] = contractCommunications }

func contractCommunications(t *testing.T, c *contract) {
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := c.client(t, srv)
	ctx := t.Context()

	// To a known mobile number: Ada's profile, an SMS item on her timeline.
	res, _, err := cl.Communications.SendSMS(ctx, &gladly.SendSMSRequest{
		Customer: gladly.SMSCustomer{MobileNumber: "+442079460018"}, From: gladlytest.DemoSMSNumberUK, Body: "Your gear wheel arrives Friday.",
	})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if res.CustomerID != gladlytest.DemoCustomerID || res.ConversationItemID == "" {
		t.Fatalf("send: %+v", res)
	}
	it, _, err := cl.Items.Get(ctx, res.ConversationItemID)
	if err != nil {
		t.Fatalf("get the SMS item: %v", err)
	}
	sms, ok := it.Content.(*gladly.SMSContent)
	if !ok || sms.From != gladlytest.DemoSMSNumberUK || sms.To != "+442079460018" || sms.Content != "Your gear wheel arrives Friday." ||
		it.ConversationID != "" || it.CustomerID != gladlytest.DemoCustomerID {
		t.Errorf("SMS item: %+v content %#v", it, it.Content)
	}

	// To an unknown number: Gladly creates the customer.
	res, _, err = cl.Communications.SendSMS(ctx, &gladly.SendSMSRequest{
		Customer: gladly.SMSCustomer{MobileNumber: "+14152223000"}, From: gladlytest.DemoSMSNumber, Body: "hello, this is a sample SMS message!",
	})
	if err != nil {
		t.Fatalf("send to a new number: %v", err)
	}
	cust, _, err := cl.Customers.Get(ctx, res.CustomerID)
	if err != nil || len(cust.Phones) != 1 || cust.Phones[0].Normalized != "+14152223000" || cust.Phones[0].Type != gladly.PhoneMobile {
		t.Errorf("created customer: %+v, %v", cust, err)
	}

	for name, tc := range map[string]struct {
		req        gladly.SendSMSRequest
		attr, code string
	}{
		"not the organization's number": {gladly.SendSMSRequest{Customer: gladly.SMSCustomer{MobileNumber: "+14152223000"}, From: "+14150000000", Body: "x"}, "from", gladly.CodeInvalid},
		"not E.164":                     {gladly.SendSMSRequest{Customer: gladly.SMSCustomer{MobileNumber: "415-222-3000"}, From: gladlytest.DemoSMSNumber, Body: "x"}, "customer.mobileNumber", gladly.CodeInvalid},
		"blank body":                    {gladly.SendSMSRequest{Customer: gladly.SMSCustomer{MobileNumber: "+14152223000"}, From: gladlytest.DemoSMSNumber}, "body", gladly.CodeBlank},
		"blank number":                  {gladly.SendSMSRequest{From: gladlytest.DemoSMSNumber, Body: "x"}, "customer.mobileNumber", gladly.CodeBlank},
	} {
		_, _, err := cl.Communications.SendSMS(ctx, &tc.req)
		t.Run(name, func(t *testing.T) { assertFieldError(t, err, http.StatusBadRequest, tc.attr, tc.code) })
	}
}

// TestWritesWithoutIDAreSentOnce: sendSMS and addNoteToConversation carry no id, so a dropped
// answer is reported, never retried — the write happened exactly once.
func TestWritesWithoutIDAreSentOnce(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	drop := gladlytest.Fault{Kind: gladlytest.FaultDropAfter}
	var te *gladly.TransportError

	srv.FailNext("sendSMS", drop)
	_, _, err := cl.Communications.SendSMS(ctx, &gladly.SendSMSRequest{
		Customer: gladly.SMSCustomer{MobileNumber: "+13125550123"}, From: gladlytest.DemoSMSNumber, Body: "Only once",
	})
	if !errors.As(err, &te) || srv.Calls("sendSMS") != 1 {
		t.Errorf("send through a dropped connection: %v after %d calls; want a TransportError after 1", err, srv.Calls("sendSMS"))
	}
	found, _, _ := cl.Customers.Find(ctx, gladly.FindCustomersOptions{PhoneNumber: "+13125550123"})
	if len(found) != 1 {
		t.Errorf("customers with the number: %d, want the one the single send created", len(found))
	}

	before, _, _ := cl.Items.ListForConversation(ctx, gladlytest.DemoOpenConversationID, nil)
	srv.FailNext("addNoteToConversation", drop)
	if _, _, err := cl.Conversations.AddNote(ctx, gladlytest.DemoOpenConversationID, "Only once"); !errors.As(err, &te) {
		t.Errorf("note through a dropped connection: %v, want a TransportError", err)
	}
	after, _, _ := cl.Items.ListForConversation(ctx, gladlytest.DemoOpenConversationID, nil)
	if srv.Calls("addNoteToConversation") != 1 || len(after) != len(before)+1 {
		t.Errorf("note sent %d times, %d new items; want 1 and 1", srv.Calls("addNoteToConversation"), len(after)-len(before))
	}
}

// TestDeletedCustomerTakesTheirTimeline: deleting a customer removes their conversations, items
// (SMS outside conversations too) and tasks.
func TestDeletedCustomerTakesTheirTimeline(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	charles := gladlytest.DemoCustomerIDOf("Charles Babbage")
	convs, _, err := cl.Conversations.ListForCustomer(ctx, charles)
	if err != nil || len(convs) == 0 {
		t.Fatalf("Charles's conversations: %d, %v", len(convs), err)
	}
	items, _, _ := cl.Items.ListForConversation(ctx, convs[0].ID, nil)
	tasks, _, _ := cl.Tasks.ListForCustomer(ctx, charles, nil)
	sms, _, err := cl.Communications.SendSMS(ctx, &gladly.SendSMSRequest{Customer: gladly.SMSCustomer{MobileNumber: "+442079460020"}, From: gladlytest.DemoSMSNumberUK, Body: "Bye"})
	if err != nil || sms.CustomerID != charles || len(items) == 0 || len(tasks) == 0 {
		t.Fatalf("setup: sms %+v %v, %d items, %d tasks", sms, err, len(items), len(tasks))
	}
	if _, err := cl.Customers.Delete(ctx, charles); err != nil {
		t.Fatalf("delete: %v", err)
	}
	for what, err := range map[string]error{
		"conversation": second(cl.Conversations.Get(ctx, convs[0].ID)),
		"item":         second(cl.Items.Get(ctx, items[0].ID)),
		"sms":          second(cl.Items.Get(ctx, sms.ConversationItemID)),
		"task":         second(cl.Tasks.Get(ctx, tasks[0].ID)),
		"comments":     second(cl.Tasks.ListComments(ctx, tasks[0].ID)),
	} {
		if !gladly.IsNotFound(err) {
			t.Errorf("%s after the customer's deletion: %v, want 404", what, err)
		}
	}
}

func second[T any](_ T, _ *gladly.Response, err error) error { return err }
