// Package provision keeps gladgraph's webhook registered in each linked Gladly organization:
// exactly one webhook per account (Gladly allows 20 per organization), pointing at
// PUBLIC_URL/webhooks/gladly/{accountId}, enabled, with the account's generated credentials and
// the event types gladgraph needs. When Gladly has disabled it (a delivery failed through every
// retry), Ensure enables it again and backfills the gap from Gladly's Events API.
package provision

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
)

// Events are the event types gladgraph's webhook subscribes to: every type Gladly's current
// webhook list documents (the deprecated CUSTOMER_PROFILE/MERGED is covered by CUSTOMER/MERGED;
// the older spec's AUTOMATION/* and CUSTOM_CHANNEL/* are absent from the current list, so a
// real Gladly may refuse them: add them through Config.Events where they are accepted).
var Events = strings.Fields(`
	AGENT_AVAILABILITY/FOCUS_ENTERED AGENT_AVAILABILITY/FOCUS_EXITED AGENT_AVAILABILITY/UPDATED
	AGENT_STATUS/CHANGED_ACTIVE_REASON AGENT_STATUS/LOGGED_IN AGENT_STATUS/LOGGED_OUT
	AGENT_STATUS/RETURNED_FROM_AWAY AGENT_STATUS/WENT_AWAY
	CONTACT/ENDED CONTACT/FULFILLED CONTACT/HOLD_ENDED CONTACT/HOLD_STARTED CONTACT/JOINED
	CONTACT/MESSAGE_RECEIVED CONTACT/MESSAGE_SENT CONTACT/OFFER_ACCEPTED CONTACT/OFFERED
	CONTACT/OFFER_REJECTED CONTACT/STARTED CONTACT/TRANSFERRED
	CONVERSATION/CLOSED CONVERSATION/CREATED CONVERSATION/CUSTOM_ATTRIBUTE_ADDED
	CONVERSATION/CUSTOM_ATTRIBUTE_REMOVED CONVERSATION/NOTE_CREATED CONVERSATION/REOPENED
	CONVERSATION/TOPIC_ADDED CONVERSATION/TOPIC_REMOVED CONVERSATION_ASSIGNEE/UPDATED
	CONVERSATION_STATUS/UPDATED CUSTOMER/MERGED
	CUSTOMER_PROFILE/CREATED CUSTOMER_PROFILE/DELETED CUSTOMER_PROFILE/UPDATED
	EXPORT_JOB/COMPLETED EXPORT_JOB/FAILED
	PAYMENT_REQUEST/CREATED PAYMENT_REQUEST/STATUS_CHANGED PAYMENT_REQUEST/VIEWED
	TASK/ASSIGNEE_UPDATED TASK/CLOSED TASK/COMMENT_ADDED TASK/CONTENT_UPDATED TASK/CREATED
	TASK/DUE_DATE_UPDATED TASK/FOLLOWER_ADDED TASK/FOLLOWER_REMOVED TASK/REOPENED`)

// retrySpan is how long Gladly retries a failed delivery before it disables the webhook (30 s,
// 5 min, 30 min, 1 h): the gap before DisabledAtDueToRetryLimit starts at most this long before.
const retrySpan = 30*time.Second + 5*time.Minute + 30*time.Minute + time.Hour

// backfillMargin widens a backfill's start: deliveries Gladly was still retrying, clocks apart.
const backfillMargin = 5 * time.Minute

// ErrNoSlot is Ensure's answer when the organization already has Gladly's 20 webhooks.
var ErrNoSlot = errors.New("provision: the Gladly organization has no free webhook slot (20 at most); delete one in Gladly")

// Sink takes the events a backfill found, down the same path as a webhook delivery: dedupe,
// invalidate, publish to subscribers.
type Sink interface {
	Deliver(ctx context.Context, accountID string, ev *gladly.Event) error
}

// Config configures a Provisioner.
type Config struct {
	// PublicURL is gladgraph's public HTTPS base URL (PUBLIC_URL), e.g. https://graph.example.com.
	PublicURL string
	// Events overrides the event types subscribed (default Events).
	Events []string
	// Sink receives backfilled events; nil skips backfills.
	Sink Sink
	Log  zerolog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Account is what provisioning needs of a linked account.
type Account struct {
	ID     string
	Client *gladly.Client
	// Credentials are the account's generated webhook credentials (see NewCredentials), which
	// the receiver checks on every delivery.
	Credentials gladly.WebhookCredentials
}

// Provisioner keeps one webhook per account.
type Provisioner struct {
	base   *url.URL
	events []string
	sink   Sink
	log    zerolog.Logger
	now    func() time.Time
}

// New checks cfg and returns a Provisioner.
func New(cfg Config) (*Provisioner, error) {
	u, err := url.Parse(strings.TrimRight(cfg.PublicURL, "/"))
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("provision: PUBLIC_URL must be an absolute https:// URL without credentials, query or fragment (Gladly delivers webhooks over HTTPS only)")
	}
	p := &Provisioner{base: u, events: cfg.Events, sink: cfg.Sink, log: cfg.Log, now: cfg.Now}
	if len(p.events) == 0 {
		p.events = Events
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p, nil
}

// URL is where Gladly delivers the account's events.
func (p *Provisioner) URL(accountID string) string {
	return p.base.JoinPath("webhooks", "gladly", accountID).String()
}

// Name is the webhook's name in Gladly, which marks it as gladgraph's for the account.
func Name(accountID string) string { return "gladgraph " + accountID }

// NewCredentials generates webhook credentials for an account: a fixed user name and a random
// password (store it with the account; Gladly never shows it again).
func NewCredentials(accountID string) (gladly.WebhookCredentials, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return gladly.WebhookCredentials{}, err
	}
	return gladly.WebhookCredentials{Username: "gladgraph-" + accountID, Password: base64.RawURLEncoding.EncodeToString(b), Realm: "gladgraph"}, nil
}

// Result says what Ensure did.
type Result struct {
	WebhookID string
	Created   bool
	// Enabled is true when the webhook was disabled (by Gladly's retry limit or by hand) and
	// Ensure enabled it again; Backfilled events then came from the Events API.
	Enabled    bool
	Updated    bool
	Backfilled int
	// Removed are duplicates of gladgraph's webhook for the account that were deleted.
	Removed []string
}

// Ensure makes the account's Gladly organization hold exactly one enabled gladgraph webhook for
// it. Enabling or creating it makes Gladly PING the URL: the receiver must answer 200 for it to
// succeed. Safe to run again at any time and from several replicas (Gladly keeps URLs unique).
func (p *Provisioner) Ensure(ctx context.Context, a Account) (Result, error) {
	var res Result
	target, name := p.URL(a.ID), Name(a.ID)
	ours, total, err := p.find(ctx, a, target, name)
	if err != nil {
		return res, err
	}
	if len(ours) == 0 {
		if total >= gladly.MaxWebhooks {
			return res, ErrNoSlot
		}
		id, err := p.create(ctx, a, target, name)
		if errors.Is(err, errTaken) { // another replica created it meanwhile
			if ours, _, err = p.find(ctx, a, target, name); err == nil && len(ours) == 0 {
				err = errors.New("provision: Gladly says the webhook URL is taken, yet no webhook has it")
			}
		} else if err == nil {
			return Result{WebhookID: id, Created: true}, nil
		}
		if err != nil {
			return res, err
		}
	}
	keep := ours[0]
	for _, w := range ours[1:] {
		if err := p.delete(ctx, a, w); err != nil {
			return res, err
		}
		res.Removed = append(res.Removed, w.ID)
	}
	res.WebhookID = keep.ID
	var gapFrom time.Time
	if !keep.Enabled {
		gapFrom = keep.UpdatedAt // disabled by hand: nothing was delivered since
		if !keep.DisabledAtDueToRetryLimit.IsZero() {
			gapFrom = keep.DisabledAtDueToRetryLimit.Add(-retrySpan)
		}
	}
	if keep.Enabled && keep.URL == target && keep.HasCredentials && !missing(keep.Events, p.events) {
		return res, nil
	}
	enabled := true
	_, err = a.Client.Webhooks.Update(ctx, keep.ID, &gladly.UpdateWebhookRequest{
		Name: &name, URL: &target, Events: p.events, Enabled: &enabled, Credentials: &a.Credentials,
	})
	if err != nil {
		return res, fmt.Errorf("provision: update webhook of %s: %w", a.ID, err)
	}
	res.Updated = true
	if !keep.Enabled {
		res.Enabled = true
		n, err := p.backfill(ctx, a, gapFrom)
		res.Backfilled = n
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// missing reports whether want has a type have lacks.
func missing(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// find lists the account's gladgraph webhooks: the one at its URL first, then any other named
// for it (left by a PUBLIC_URL that changed); total counts every webhook of the organization.
func (p *Provisioner) find(ctx context.Context, a Account, target, name string) (ours []*gladly.Webhook, total int, err error) {
	all, _, err := a.Client.Webhooks.List(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("provision: list webhooks of %s: %w", a.ID, err)
	}
	var first, rest []*gladly.Webhook
	for _, w := range all {
		switch {
		case w.URL == target:
			first = append(first, w)
		case w.Name == name:
			rest = append(rest, w)
		}
	}
	return append(first, rest...), len(all), nil
}

var errTaken = errors.New("webhook URL taken")

func (p *Provisioner) create(ctx context.Context, a Account, target, name string) (string, error) {
	id, _, err := a.Client.Webhooks.Create(ctx, &gladly.CreateWebhookRequest{
		Name: name, URL: target, Events: p.events, Enabled: true, Credentials: &a.Credentials,
	})
	var ge *gladly.Error
	if errors.As(err, &ge) && ge.StatusCode == 400 {
		for _, fe := range ge.Errors {
			switch {
			case fe.Attr == "url" && fe.Code == "taken":
				return "", errTaken
			case strings.Contains(fe.Detail, "limited to 20 webhooks"):
				return "", ErrNoSlot
			}
		}
	}
	if err != nil {
		return "", fmt.Errorf("provision: create webhook of %s: %w", a.ID, err)
	}
	return id, nil
}

// delete removes a webhook; Gladly deletes only disabled ones.
func (p *Provisioner) delete(ctx context.Context, a Account, w *gladly.Webhook) error {
	if w.Enabled {
		off := false
		if _, err := a.Client.Webhooks.Update(ctx, w.ID, &gladly.UpdateWebhookRequest{Enabled: &off}); err != nil && !gladly.IsNotFound(err) {
			return fmt.Errorf("provision: disable webhook %s of %s: %w", w.ID, a.ID, err)
		}
	}
	if _, err := a.Client.Webhooks.Delete(ctx, w.ID); err != nil && !gladly.IsNotFound(err) {
		return fmt.Errorf("provision: delete webhook %s of %s: %w", w.ID, a.ID, err)
	}
	return nil
}

// Remove deletes the account's gladgraph webhooks (unlinking the account frees its slot).
func (p *Provisioner) Remove(ctx context.Context, a Account) error {
	ours, _, err := p.find(ctx, a, p.URL(a.ID), Name(a.ID))
	if err != nil {
		return err
	}
	for _, w := range ours {
		if err := p.delete(ctx, a, w); err != nil {
			return err
		}
	}
	return nil
}

// allEntities are every family of the Events API.
var allEntities = []string{
	gladly.EntityAgentAvailability, gladly.EntityAgentStatus, gladly.EntityContact, gladly.EntityConversation,
	gladly.EntityCustomer, gladly.EntityCustomerProfile, gladly.EntityPaymentRequest, gladly.EntityTask,
}

// backfill hands the Sink what Gladly recorded since from (at most the Events API's 24 hours;
// webhook-only types such as EXPORT_JOB/* cannot be recovered). The Sink dedupes what the
// webhook delivered after all.
func (p *Provisioner) backfill(ctx context.Context, a Account, from time.Time) (int, error) {
	if p.sink == nil {
		return 0, nil
	}
	now := p.now()
	from = from.Add(-backfillMargin)
	if earliest := now.Add(-gladly.EventsWindow + time.Minute); from.Before(earliest) {
		p.log.Warn().Str("account", a.ID).Time("gap_from", from).Msg("provision: the webhook's gap starts before Gladly's 24-hour event history; older events are lost")
		from = earliest
	}
	if !now.After(from) {
		return 0, nil
	}
	n := 0
	var failed error
	_, err := a.Client.Events.Stream(ctx, gladly.ListEventsOptions{StartAt: from, EndAt: now, Entities: allEntities}, func(ev *gladly.Event) error {
		if err := p.sink.Deliver(ctx, a.ID, ev); err != nil {
			failed = err
			return nil // the others may still pass
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("provision: backfill of %s from Gladly's events: %w", a.ID, err)
	}
	if failed != nil {
		return n, fmt.Errorf("provision: backfill of %s: delivering an event failed: %w", a.ID, failed)
	}
	p.log.Info().Str("account", a.ID).Int("events", n).Time("from", from).Msg("provision: webhook enabled again; gap backfilled")
	return n, nil
}
