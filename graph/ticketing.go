package graph

import (
	"context"
	"net/mail"
	"regexp"
	"strconv"
	"strings"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/graph/model"
	"github.com/gladgraph/gladgraph/loaders"
)

// The ticketing domain's inputs as Gladly bodies: local validation (each refusal a user error at
// the input's path), Gladly's attribute names back to those paths, and what each write makes stale.

// maxTaskText is Gladly's limit on a task body and on a task comment, in characters.
const maxTaskText = 10000

var (
	// contactPhoneSeparators are the characters people write between digits; Gladly ignores them.
	contactPhoneSeparators = strings.NewReplacer(" ", "", "-", "", ".", "", "(", "", ")", "")
	contactNationalNumber  = regexp.MustCompile(`^[0-9]{4,15}$`)
	contactRegionCode      = regexp.MustCompile(`^[A-Za-z]{2}$`)
)

// contactEmails validates a contact's email list and returns it as Gladly's: nil when none was
// given, an empty (non-nil) list when an empty one was (an update then clears the addresses).
func contactEmails(v *validation, in []*model.ContactEmailInput) []gladly.Email {
	if in == nil {
		return nil
	}
	out := make([]gladly.Email, 0, len(in))
	primaries := 0
	for i, e := range in {
		f := fieldPath("input", "emails", i, "address")
		if !v.required(f, e.Address) {
			continue
		}
		// Gladly keeps only the addr-spec, so "Ada <ada@example.com>" is as good as the bare address.
		if _, err := mail.ParseAddress(strings.TrimSpace(e.Address)); err != nil {
			v.add(f, model.UserErrorCodeInvalid, "address must be an email address")
			continue
		}
		primary := e.Primary != nil && *e.Primary
		if primary {
			primaries++
		}
		out = append(out, gladly.Email{Original: strings.TrimSpace(e.Address), Primary: primary})
	}
	if primaries > 1 {
		v.add(fieldPath("input", "emails"), model.UserErrorCodeInvalid, "at most one email address can be primary")
	}
	return out
}

// contactPhones validates a contact's phone list and returns it as Gladly's (nil when none was
// given). A number is E.164, or national digits that Gladly reads in its region (US when none).
func contactPhones(v *validation, in []*model.ContactPhoneInput) []gladly.Phone {
	if in == nil {
		return nil
	}
	out := make([]gladly.Phone, 0, len(in))
	primaries := 0
	for i, p := range in {
		f := fieldPath("input", "phones", i, "number")
		if !v.required(f, p.Number) {
			continue
		}
		digits := contactPhoneSeparators.Replace(strings.TrimSpace(p.Number))
		if strings.HasPrefix(digits, "+") {
			v.phone(f, digits)
		} else if !contactNationalNumber.MatchString(digits) {
			v.add(f, model.UserErrorCodeInvalid, "number must be in E.164 form, e.g. +14155550100, or a national number read in regionCode")
		}
		if p.RegionCode != nil && !contactRegionCode.MatchString(*p.RegionCode) {
			v.add(fieldPath("input", "phones", i, "regionCode"), model.UserErrorCodeInvalid, "regionCode must be an ISO 3166 country code, e.g. US")
		}
		ph := gladly.Phone{Original: strings.TrimSpace(p.Number), Extension: orEmpty(p.Extension), Primary: p.Primary != nil && *p.Primary}
		if p.RegionCode != nil {
			ph.RegionCode = strings.ToUpper(*p.RegionCode)
		}
		if p.Type != nil && *p.Type != model.PhoneTypeOther { // Gladly leaves OTHER's type out
			ph.Type = string(*p.Type)
		}
		if p.SmsPreference != nil {
			ph.SMSPreference = string(*p.SmsPreference)
		}
		if ph.Primary {
			primaries++
		}
		out = append(out, ph)
	}
	if primaries > 1 {
		v.add(fieldPath("input", "phones"), model.UserErrorCodeInvalid, "at most one phone number can be primary")
	}
	return out
}

// contactLookupOf is the lookup contacts() asks for: exactly one identifier, well formed (a
// malformed one is the caller's mistake, refused without asking Gladly).
func contactLookupOf(email, phone, external *string) (loaders.ContactLookup, error) {
	var lookups []loaders.ContactLookup
	for _, l := range []struct {
		field string
		value *string
	}{{"email", email}, {"phone", phone}, {"external", external}} {
		if l.value != nil {
			lookups = append(lookups, loaders.ContactLookup{Field: l.field, Value: strings.TrimSpace(*l.value)})
		}
	}
	if len(lookups) != 1 {
		return loaders.ContactLookup{}, errBadInput("contacts: give exactly one of email, phone, externalCustomerId")
	}
	k := lookups[0]
	switch {
	case k.Value == "":
		return k, errBadInput("contacts: the identifier cannot be blank")
	case k.Field == "email":
		if _, err := mail.ParseAddress(k.Value); err != nil {
			return k, errBadInput("contacts: email must be an email address")
		}
		k.Value = strings.ToLower(k.Value) // Gladly matches addresses case-insensitively
	case k.Field == "phone":
		if !e164.MatchString(k.Value) {
			return k, errBadInput("contacts: phone must be in E.164 form, e.g. +14155550100")
		}
	}
	return k, nil
}

// contactAttrs maps Gladly's attribute names in a refused profile write to the input's paths.
func contactAttrs(emails, phones int) attrMap {
	m := attrMap{}
	for i := range emails {
		m["emails."+strconv.Itoa(i)+".original"] = fieldPath("input", "emails", i, "address")
	}
	for i := range phones {
		m["phones."+strconv.Itoa(i)+".original"] = fieldPath("input", "phones", i, "number")
	}
	return m
}

// ticketAttrs maps Gladly's task attributes to createTicket's input.
var ticketAttrs = attrMap{
	"body":                 {"input", "description"},
	"assignee":             {"input", "inboxId"},
	"assignee.inboxId":     {"input", "inboxId"},
	"assignee.agentId":     {"input", "assigneeUserId"},
	"newConversationItems": {"input", "id"}, // Gladly's name for a taken task id
}

// ticketUpdateAttrs maps Gladly's task attributes to updateTicket's input.
var ticketUpdateAttrs = attrMap{
	"body":             {"input", "description"},
	"assignee.agentId": {"input", "assignee", "userId"},
}

// commentAttrs maps Gladly's task comment attributes to createComment's input.
var commentAttrs = attrMap{
	"comment": {"input", "body"},
	"agentId": {"input", "authorUserId"},
}

// ticketingRefusal turns Gladly's refusal of a write into user errors (a refusal naming no field that is
// NOT_FOUND gets notFoundField); any other failure is returned as the error.
func ticketingRefusal(err error, attrs attrMap, notFoundField []string) ([]*model.UserError, error) {
	errs, err := userErrors(err, attrs)
	for _, e := range errs {
		if e.Code == model.UserErrorCodeNotFound && e.Field == nil {
			e.Field = notFoundField
		}
	}
	return errs, err
}

// contactLookupRefs are the contact lookups that find c: by each of its emails, phones and its
// external id.
func contactLookupRefs(c *gladly.Customer) []loaders.Ref {
	if c == nil {
		return nil
	}
	var refs []loaders.Ref
	for _, e := range c.Emails {
		refs = append(refs, loaders.LookupRef("email", e.Original))
		if e.Normalized != "" {
			refs = append(refs, loaders.LookupRef("email", e.Normalized))
		}
	}
	for _, p := range c.Phones {
		refs = append(refs, loaders.LookupRef("phone", p.Normalized))
	}
	if c.ExternalCustomerID != "" {
		refs = append(refs, loaders.LookupRef("external", c.ExternalCustomerID))
	}
	return refs
}

// contactInputLookupRefs are the lookups the identifiers of a profile write will answer differently.
// A national number's E.164 form is known only once Gladly has read it; contactWritten adds it.
func contactInputLookupRefs(emails []gladly.Email, phones []gladly.Phone, external *string) []loaders.Ref {
	var refs []loaders.Ref
	for _, e := range emails {
		addr := e.Original
		if a, err := mail.ParseAddress(addr); err == nil {
			addr = a.Address
		}
		refs = append(refs, loaders.LookupRef("email", addr))
	}
	for _, p := range phones {
		if n := contactPhoneSeparators.Replace(p.Original); strings.HasPrefix(n, "+") {
			refs = append(refs, loaders.LookupRef("phone", n))
		}
	}
	if external != nil && *external != "" {
		refs = append(refs, loaders.LookupRef("external", *external))
	}
	return refs
}

// contactWritten drops what a write to contact id made stale (the profile, the lookups of its
// identifiers before and after) and reads the profile back.
func (r *Resolver) contactWritten(ctx context.Context, id string, refs []loaders.Ref) (*gladly.Customer, error) {
	refs = append([]loaders.Ref{{Kind: loaders.KindCustomer, ID: id}}, refs...)
	r.invalidateTicketing(ctx, refs...)
	c, err := loaders.For(ctx).Contacts.Load(ctx, id)
	if err != nil || c == nil {
		return c, err
	}
	done := make(map[loaders.Ref]bool, len(refs))
	for _, ref := range refs {
		done[ref] = true
	}
	var more []loaders.Ref
	for _, ref := range contactLookupRefs(c) {
		if !done[ref] {
			done[ref] = true
			more = append(more, ref)
		}
	}
	if len(more) > 0 {
		r.invalidateTicketing(ctx, more...)
	}
	return c, nil
}

// invalidateTicketing drops what a write made stale. The write has happened: a cache that cannot
// be reached is logged (its entries expire with their TTL), not reported as a failed mutation.
func (r *Resolver) invalidateTicketing(ctx context.Context, refs ...loaders.Ref) {
	if err := loaders.For(ctx).Invalidate(ctx, refs...); err != nil {
		r.Log.Warn().Err(err).Msg("graph: cache invalidation after a write failed")
	}
}

// ticketsOf is a contact's tickets, optionally of one status: filtered from the one cached list,
// unless Gladly capped that list (then older tickets of the status may lie beyond the cap, and
// Gladly's own filter reaches them).
func ticketsOf(ctx context.Context, contactID string, status *model.TicketStatus, args model.PageArgs) (*model.Connection[*model.Ticket], error) {
	if strings.TrimSpace(contactID) == "" {
		return nil, nil
	}
	ld := loaders.For(ctx)
	list, err := ld.ContactTasks.Load(ctx, loaders.TasksKey{ContactID: contactID})
	if err != nil {
		return nil, err
	}
	if list == nil || status == nil {
		return connOf(ctx, list, model.NewTicket, args)
	}
	if list.Limited {
		list, err = ld.ContactTasks.Load(ctx, loaders.TasksKey{ContactID: contactID, Status: string(*status)})
		if err != nil {
			return nil, err
		}
		return connOf(ctx, list, model.NewTicket, args)
	}
	reportInvalid(ctx, list)
	items := filter(list.Items, func(t *gladly.Task) bool { return t.Status == string(*status) })
	return connOfItems(items, false, model.NewTicket, args)
}

// orEmpty is the string an optional input holds, "" when absent.
func orEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
