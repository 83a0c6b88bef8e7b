package graph

import (
	"context"
	"errors"
	"net/url"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph/model"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/media"
)

// maxSMSBody bounds an SMS text. Gladly documents no limit for sendSMS itself; 2048 characters is
// the limit it documents for every outbound message body it sends on a customer's channel (SMS
// replies included), so a longer text is refused before anything is sent or billed.
const maxSMSBody = 2048

// mediaContentType is what gladgraph's /media route serves: Gladly's recordings are MP3.
const mediaContentType = "audio/mpeg"

// loadItem loads a conversation item; items Gladly keeps but does not serve through the API
// (deprecated TASK items, answered 400) read as null like missing ones.
func loadItem(ctx context.Context, id string) (*model.ConversationItem, error) {
	it, err := loaders.For(ctx).Items.Load(ctx, id)
	var gerr *gladly.Error
	if errors.As(err, &gerr) && gerr.StatusCode == 400 {
		return nil, nil
	}
	return model.NewConversationItem(it), err
}

func loadContact(ctx context.Context, id string) (*model.Contact, error) {
	if id == "" {
		return nil, nil
	}
	c, err := loaders.For(ctx).Contacts.Load(ctx, id)
	return model.NewContact(c), err
}

// topicsOf resolves topic ids, in order, from the organization's topic list (one Gladly call per
// request however many conversations and items ask); ids that are not topics are skipped.
func topicsOf(ctx context.Context, ids []string, args model.PageArgs) (*model.Connection[*model.Topic], error) {
	var topics []*gladly.Topic
	if len(ids) > 0 {
		all, err := loaders.For(ctx).AllTopics(ctx)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]*gladly.Topic, len(all.Items))
		for _, t := range all.Items {
			byID[t.ID] = t
		}
		for _, id := range ids {
			if t, ok := byID[id]; ok {
				topics = append(topics, t)
			}
		}
	}
	return connOfItems(topics, false, model.NewTopic, args)
}

// mediaOf is the signed gladgraph URL of an item's recording. Signing is local: no Gladly call.
func (r *Resolver) mediaOf(signer *media.Signer, itemID string, seconds int) *model.ConversationItemMedia {
	u := signer.Sign(itemID)
	m := &model.ConversationItemMedia{URL: u, ContentType: mediaContentType}
	if seconds > 0 {
		m.DurationSeconds = &seconds
	}
	if parsed, err := url.Parse(u); err == nil {
		if exp := signer.Expiry(parsed.Query().Get("exp")); !exp.IsZero() {
			m.ExpiresAt = &exp
		}
	}
	return m
}

// contactConversations is the connection of a contact's conversations (oldest first, as Gladly
// lists them), all or of one status; null when the contact does not exist. Query.conversations
// and Contact.conversations share it. The listed conversations also answer this request's loads
// by id (an item's conversation) without another read.
func contactConversations(ctx context.Context, contactID string, status *model.ConversationStatus, args model.PageArgs) (*model.Connection[*model.Conversation], error) {
	l := loaders.For(ctx)
	list, err := l.ContactConversations.Load(ctx, contactID)
	if err != nil || list == nil {
		return nil, err // Gladly answers 404 for a contact that does not exist: null
	}
	reportInvalid(ctx, list)
	for _, c := range list.Items {
		l.Conversations.Prime(c.ID, c)
	}
	items := list.Items
	if status != nil {
		items = filter(items, func(c *gladly.Conversation) bool { return c.Status == string(*status) })
	}
	return connOfItems(items, list.Limited, model.NewConversation, args)
}

// conversationUpdate checks an updateConversation input and builds Gladly's request from it.
func conversationUpdate(id string, in model.UpdateConversationInput) (*gladly.UpdateConversationRequest, validation) {
	var v validation
	v.required(fieldPath("id"), id)
	if in.Assignee == nil && in.Status == nil {
		v.add(fieldPath("input"), model.UserErrorCodeBlank, "give an assignee, a status or both")
	}
	req := &gladly.UpdateConversationRequest{}
	if a := in.Assignee; a != nil {
		v.required(fieldPath("input", "assignee", "inboxId"), a.InboxID)
		req.Assignee = &gladly.AssigneeUpdate{InboxID: a.InboxID}
		if a.UserID != nil {
			// null unassigns the agent; an empty id is a mistake, not a way to say so.
			if v.required(fieldPath("input", "assignee", "userId"), *a.UserID) {
				req.Assignee.AgentID = *a.UserID
			}
		}
	}
	if s := in.Status; s != nil {
		req.Status = &gladly.ConversationStatusUpdate{Value: string(s.Value), Force: s.Force != nil && *s.Force}
	}
	return req, v
}

// conversationRefs is what a change to a conversation makes stale besides its contact's list:
// the conversation and its timeline (Gladly adds status-change, topic-change and note items).
// Each list that holds the conversation is tagged with it and goes too.
func conversationRefs(id string) []loaders.Ref {
	return []loaders.Ref{{Kind: loaders.KindConversation, ID: id}, {Kind: loaders.KindConversationItems, ID: id}}
}

// conversationPayload invalidates what a change to conversation id made stale and reads the new
// state back for the payload.
func (r *Resolver) conversationPayload(ctx context.Context, id string) (*model.ConversationPayload, error) {
	r.invalidate(ctx, conversationRefs(id)...)
	c, err := loaders.For(ctx).Conversations.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if c != nil {
		r.invalidate(ctx, loaders.Ref{Kind: loaders.KindCustomerConversations, ID: c.CustomerID})
	}
	return &model.ConversationPayload{Conversation: model.NewConversation(c), UserErrors: noUserErrors()}, nil
}

// invalidate drops what a successful write made stale. The write happened, so a cache failure
// is logged rather than reported as the mutation's failure.
func (r *Resolver) invalidate(ctx context.Context, refs ...loaders.Ref) {
	if err := loaders.For(ctx).Invalidate(ctx, refs...); err != nil {
		r.Log.Error().Err(err).Msg("graphql: cache invalidation after a write failed")
	}
}
