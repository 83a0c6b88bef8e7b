package gladly

import (
	"context"
	"net/http"
)

// SendSMSRequest is the body of sendSMS. From must be one of the organization's SMS numbers;
// numbers are E.164.
type SendSMSRequest struct {
	Customer SMSCustomer `json:"customer"`
	From     string      `json:"from"`
	Body     string      `json:"body"`
}

// SMSCustomer names the recipient by mobile number; Gladly finds the customer or creates one.
type SMSCustomer struct {
	MobileNumber string `json:"mobileNumber"`
}

// SMSResult names the customer the SMS went to and the SMS item on their timeline.
type SMSResult struct {
	CustomerID         string `json:"customerId"`
	ConversationItemID string `json:"conversationItemId"`
}

// SendSMS sends a text message to a customer. The request carries no id, so it is never repeated:
// after a transport error the message may or may not have gone out.
// Gladly: POST /api/v1/communications/sms (sendSMS)
func (s *CommunicationsService) SendSMS(ctx context.Context, body *SendSMSRequest) (*SMSResult, *Response, error) {
	var out SMSResult
	resp, err := s.client.call(ctx, "sendSMS", http.MethodPost, nil, body, &out, "/api/v1/communications/sms")
	if err != nil {
		return nil, resp, err
	}
	return &out, resp, nil
}
