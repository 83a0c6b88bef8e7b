package gladlytest

import (
	"net/http"
	"slices"

	"github.com/gladgraph/gladgraph/gladly"
)

// The organization's phone numbers. SMS may only be sent from one of SMSNumbers.
const (
	// DemoSMSNumber is the organization's main SMS number (US).
	DemoSMSNumber = "+16505550100"
	// DemoSMSNumberUK is its UK SMS number.
	DemoSMSNumberUK = "+442079460100"
	// DemoVoiceNumber is the number customers call; seeded calls and voicemails use it.
	DemoVoiceNumber = "+16505550199"
)

// SMSNumbers returns the organization's SMS numbers.
func SMSNumbers() []string { return []string{DemoSMSNumber, DemoSMSNumberUK} }

func (s *Server) communicationRoutes() []route {
	return []route{
		{pattern: "POST /api/v1/communications/sms", op: "sendSMS", h: s.sendSMS},
	}
}

func (s *Server) sendSMS(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Customer *struct {
			MobileNumber *string `json:"mobileNumber"`
		} `json:"customer"`
		From *string `json:"from"`
		Body *string `json:"body"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	var errs []fieldError
	switch {
	case in.Customer == nil:
		errs = append(errs, fieldError{Attr: "customer", Code: "blank", Detail: "customer cannot be blank"})
	case blank(in.Customer.MobileNumber):
		errs = append(errs, fieldError{Attr: "customer.mobileNumber", Code: "blank", Detail: "customer.mobileNumber cannot be blank"})
	case !validE164(*in.Customer.MobileNumber):
		errs = append(errs, fieldError{Attr: "customer.mobileNumber", Code: "invalid", Detail: "customer.mobileNumber must be in E.164 format"})
	}
	switch {
	case blank(in.From):
		errs = append(errs, fieldError{Attr: "from", Code: "blank", Detail: "from cannot be blank"})
	case !slices.Contains(SMSNumbers(), *in.From):
		errs = append(errs, fieldError{Attr: "from", Code: "invalid", Detail: "from must be one of the organization's SMS numbers"})
	}
	if blank(in.Body) {
		errs = append(errs, fieldError{Attr: "body", Code: "blank", Detail: "body cannot be blank"})
	}
	if len(errs) > 0 {
		badRequest(w, errs...)
		return
	}
	to := *in.Customer.MobileNumber

	s.mu.Lock()
	defer s.mu.Unlock()
	customerID, ok := s.db.byMobile[to]
	if !ok {
		now := s.nowMillis()
		c := &gladly.Customer{
			ID: s.newID(), CreatedAt: now, UpdatedAt: now,
			Phones: []gladly.Phone{{Original: to, Normalized: to, Type: gladly.PhoneMobile, Primary: true}},
		}
		s.db.customers.put(c.ID, c)
		s.indexCustomer(c)
		s.emit("CUSTOMER_PROFILE/CREATED", s.apiActor(), map[string]any{"customerId": c.ID})
		customerID = c.ID
	}
	// Sent SMS are non-routable: they sit on the customer's timeline, outside any conversation.
	it := &gladly.Item{
		ID: s.newID(), CustomerID: customerID, Timestamp: s.nowMillis(), Initiator: s.apiActor(),
		Content: &gladly.SMSContent{From: *in.From, To: to, Content: *in.Body},
	}
	s.db.work.addItem(it)
	writeJSON(w, http.StatusOK, gladly.SMSResult{CustomerID: customerID, ConversationItemID: it.ID})
}
