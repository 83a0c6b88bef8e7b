package gladly

import (
	"context"
	"errors"
)

// sendCreate sends a create whose body carries id. Because the id makes a repeat harmless, the
// request is retried like a GET; when a repeat meets 409 taken on the id, an earlier attempt
// landed (its answer was lost), and the create counts as done: replayed is true and v is left
// for the caller to fill with a read.
func (c *Client) sendCreate(ctx context.Context, req *Request, v any) (resp *Response, replayed bool, err error) {
	req.Retryable = true
	resp, err = c.Do(ctx, req, v)
	if err == nil || resp == nil || resp.Attempts < 2 {
		return resp, false, err
	}
	var e *Error
	if errors.As(err, &e) && e.StatusCode == 409 {
		for _, fe := range e.Errors {
			if fe.Code == CodeTaken && (fe.Attr == "id" || fe.Attr == "newConversationItems") {
				c.logger.Debug().Str("op", req.Op).Int("attempts", resp.Attempts).Msg("gladly: create landed on an earlier attempt")
				return resp, true, nil
			}
		}
	}
	return resp, false, err
}

// createWithID posts body (which carries id) to the path and returns the created id: the shape of
// Gladly's "201 + Location, no body" creates.
func (c *Client) createWithID(ctx context.Context, op, id string, body any, format string, ids ...string) (string, *Response, error) {
	p, err := apiPath(format, ids...)
	if err != nil {
		return "", nil, err
	}
	req, err := c.NewRequest(op, "POST", p, nil, body)
	if err != nil {
		return "", nil, err
	}
	resp, _, err := c.sendCreate(ctx, req, nil)
	if err != nil {
		return "", resp, err
	}
	return id, resp, nil
}

// ensureID returns id, or a fresh one when id is empty; a caller's id must be URL safe and
// under 50 characters, as Gladly requires.
func (c *Client) ensureID(id string) (string, error) {
	if id == "" {
		return c.newID(), nil
	}
	if !ValidID(id) {
		return "", &ArgumentError{Detail: "id must be URL safe (A-Z a-z 0-9 - _) and under 50 characters"}
	}
	return id, nil
}
