package gladlytest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/gladgraph/gladgraph/gladly"
)

func (s *Server) customerRoutes() []route {
	return []route{
		{pattern: "POST /api/v1/customer-profiles", op: "createCustomer", h: s.createCustomer},
		{pattern: "GET /api/v1/customer-profiles", op: "findCustomers", h: s.findCustomers},
		{pattern: "GET /api/v1/customer-profiles/{customerId}", op: "getCustomer", h: s.getCustomer},
		{pattern: "PATCH /api/v1/customer-profiles/{customerId}", op: "updateCustomer", h: s.updateCustomer},
		{pattern: "DELETE /api/v1/customer-profiles/{customerId}", op: "deleteCustomer", h: s.deleteCustomer},
	}
}

// customerProfile is the writable part of a customer (createCustomer and updateCustomer bodies).
// Pointers tell "absent" from "empty": PATCH changes only what is present.
type customerProfile struct {
	ID                 *string         `json:"id"`
	Name               *string         `json:"name"`
	Image              *string         `json:"image"`
	Address            *string         `json:"address"`
	Emails             *[]gladly.Email `json:"emails"`
	Phones             *[]gladly.Phone `json:"phones"`
	ExternalCustomerID *string         `json:"externalCustomerId"`
	CustomAttributes   map[string]any  `json:"customAttributes"`
}

const findLimit = 50

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) {
	var in customerProfile
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := ""
	if in.ID != nil {
		id = *in.ID
		if errs := checkID(id); errs != nil {
			badRequest(w, errs...)
			return
		}
		if s.db.customers.has(id) || s.db.merged[id] != "" {
			writeErrors(w, http.StatusConflict, fieldError{Attr: "id", Code: "taken", Detail: "customer ID exists"})
			return
		}
	} else {
		id = s.newID()
	}
	c := &gladly.Customer{ID: id, CreatedAt: s.nowMillis()}
	c.UpdatedAt = c.CreatedAt
	if !s.applyProfile(w, c, &in) {
		return
	}
	s.db.customers.put(id, c)
	s.indexCustomer(c)
	s.emit("CUSTOMER_PROFILE/CREATED", s.apiActor(), map[string]any{"customerId": id})
	created(w, "/api/v1/customer-profiles/"+id)
}

func (s *Server) updateCustomer(w http.ResponseWriter, r *http.Request) {
	var in customerProfile
	if !decodeBody(w, r, &in) {
		return
	}
	id := r.PathValue("customerId")
	s.mu.Lock()
	defer s.mu.Unlock()
	// A merged customer answers 404 here (not 301): Gladly documents it so.
	c, ok := s.db.customers.get(id)
	if !ok {
		notFound(w, fmt.Sprintf("customer profile [%s] does not exist", id))
		return
	}
	// Gladly ignores read-only fields sent back (its own sample PATCHes a fetched profile whole).
	in.ID = nil
	next := *c
	next.Emails = slices.Clone(c.Emails)
	next.Phones = slices.Clone(c.Phones)
	next.CustomAttributes = maps.Clone(c.CustomAttributes)
	if !s.applyProfile(w, &next, &in) {
		return
	}
	next.UpdatedAt = s.nowMillis()
	s.unindexCustomer(c)
	*c = next
	s.indexCustomer(c)
	s.emit("CUSTOMER_PROFILE/UPDATED", s.apiActor(), map[string]any{"customerId": id})
	noContent(w)
}

// applyProfile validates the profile fields present in in and sets them on c. Uniqueness of
// emails and mobile numbers is checked against every other customer. It answers 400/409 and
// returns false on the first failure, leaving c unusable (callers pass a copy).
func (s *Server) applyProfile(w http.ResponseWriter, c *gladly.Customer, in *customerProfile) bool {
	if in.Name != nil {
		c.Name = strings.TrimSpace(*in.Name)
	}
	if in.Image != nil {
		c.Image = *in.Image
	}
	if in.Address != nil {
		c.Address = *in.Address
	}
	if in.ExternalCustomerID != nil {
		c.ExternalCustomerID = *in.ExternalCustomerID
	}
	if in.CustomAttributes != nil {
		// PATCH "inserts or updates" attributes: keys merge into what is there.
		if c.CustomAttributes == nil {
			c.CustomAttributes = map[string]any{}
		}
		for k, v := range in.CustomAttributes {
			if v == nil {
				delete(c.CustomAttributes, k)
				continue
			}
			c.CustomAttributes[k] = v
		}
	}
	if in.Emails != nil {
		emails := make([]gladly.Email, 0, len(*in.Emails))
		primaries := 0
		for i, e := range *in.Emails {
			addr, norm, ok := normalizeEmail(e.Original)
			if !ok {
				badRequest(w, fieldError{Attr: fmt.Sprintf("emails.%d.original", i), Code: "invalid", Detail: "invalid email address"})
				return false
			}
			if other, taken := s.db.byEmail[norm]; taken && other != c.ID {
				writeErrors(w, http.StatusConflict, fieldError{Attr: "emails", Code: "taken", Detail: "email address " + addr + " is in use by another customer", Meta: map[string]any{"id": other}})
				return false
			}
			if e.Primary {
				primaries++
			}
			emails = append(emails, gladly.Email{Original: addr, Normalized: norm, Primary: e.Primary})
		}
		if primaries > 1 {
			badRequest(w, fieldError{Attr: "emails", Code: "invalid", Detail: "at most one email can be primary"})
			return false
		}
		c.Emails = emails
	}
	if in.Phones != nil {
		phones := make([]gladly.Phone, 0, len(*in.Phones))
		primaries := 0
		for i, p := range *in.Phones {
			region := p.RegionCode
			if region == "" {
				region = "US"
			}
			norm, ok := normalizePhone(p.Original, region)
			if !ok {
				badRequest(w, fieldError{Attr: fmt.Sprintf("phones.%d.original", i), Code: "invalid", Detail: "invalid phone number"})
				return false
			}
			switch p.Type {
			case "", gladly.PhoneHome, gladly.PhoneMobile, gladly.PhoneOffice:
			default:
				badRequest(w, fieldError{Attr: fmt.Sprintf("phones.%d.type", i), Code: "invalid", Detail: "type must be HOME, MOBILE or OFFICE"})
				return false
			}
			switch p.SMSPreference {
			case "", "ON", "OFF", "FORBIDDEN":
			default:
				badRequest(w, fieldError{Attr: fmt.Sprintf("phones.%d.smsPreference", i), Code: "invalid", Detail: "smsPreference must be ON, OFF or FORBIDDEN"})
				return false
			}
			if p.Type == gladly.PhoneMobile {
				if other, taken := s.db.byMobile[norm]; taken && other != c.ID {
					writeErrors(w, http.StatusConflict, fieldError{Attr: "phones", Code: "taken", Detail: "mobile phone number is in use by another customer", Meta: map[string]any{"id": other}})
					return false
				}
			}
			if p.Primary {
				primaries++
			}
			phones = append(phones, gladly.Phone{Original: p.Original, Normalized: norm, Extension: p.Extension, RegionCode: region, Primary: p.Primary, SMSPreference: p.SMSPreference, Type: p.Type})
		}
		if primaries > 1 {
			badRequest(w, fieldError{Attr: "phones", Code: "invalid", Detail: "at most one phone can be primary"})
			return false
		}
		c.Phones = phones
	}
	return true
}

func (s *Server) indexCustomer(c *gladly.Customer) {
	for _, e := range c.Emails {
		s.db.byEmail[e.Normalized] = c.ID
	}
	for _, p := range c.Phones {
		if p.Type == gladly.PhoneMobile {
			s.db.byMobile[p.Normalized] = c.ID
		}
	}
}

func (s *Server) unindexCustomer(c *gladly.Customer) {
	for _, e := range c.Emails {
		if s.db.byEmail[e.Normalized] == c.ID {
			delete(s.db.byEmail, e.Normalized)
		}
	}
	for _, p := range c.Phones {
		if s.db.byMobile[p.Normalized] == c.ID {
			delete(s.db.byMobile, p.Normalized)
		}
	}
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("customerId")
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.db.customers.get(id); ok {
		writeJSON(w, http.StatusOK, c)
		return
	}
	if _, merged := s.db.merged[id]; merged {
		if to, ok := s.db.resolveCustomer(id); ok && s.db.customers.has(to) {
			writeErrors(w, http.StatusMovedPermanently, fieldError{Attr: "customerId", Code: "moved", Detail: "customer id has changed",
				Meta: map[string]any{"old": id, "new": to}})
			return
		}
	}
	notFound(w, fmt.Sprintf("customer profile [%s] does not exist", id))
}

func (s *Server) findCustomers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	email, phone, ext := q.Get("email"), q.Get("phoneNumber"), q.Get("externalCustomerId")
	given := 0
	for _, v := range []string{email, phone, ext} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		badRequest(w, fieldError{Code: "blank", Detail: "one of email, phoneNumber, externalCustomerId must be present"})
		return
	}
	var match func(c *gladly.Customer) bool
	switch {
	case email != "":
		_, norm, ok := normalizeEmail(email)
		if !ok {
			badRequest(w, fieldError{Attr: "email", Code: "invalid", Detail: "invalid email address"})
			return
		}
		match = func(c *gladly.Customer) bool {
			return slices.ContainsFunc(c.Emails, func(e gladly.Email) bool { return e.Normalized == norm })
		}
	case phone != "":
		if !validE164(phone) {
			badRequest(w, fieldError{Attr: "phoneNumber", Code: "invalid", Detail: "phoneNumber must be in E.164 format"})
			return
		}
		match = func(c *gladly.Customer) bool {
			return slices.ContainsFunc(c.Phones, func(p gladly.Phone) bool { return p.Normalized == phone })
		}
	default:
		match = func(c *gladly.Customer) bool { return c.ExternalCustomerID == ext }
	}
	s.mu.Lock()
	var out []*gladly.Customer
	for _, c := range s.db.customers.list() {
		if match(c) {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b *gladly.Customer) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	if len(out) > findLimit {
		out = out[:findLimit]
	}
	if out == nil {
		out = []*gladly.Customer{}
	}
	writeJSON(w, http.StatusOK, out)
	s.mu.Unlock()
}

func (s *Server) deleteCustomer(w http.ResponseWriter, r *http.Request) {
	if !userFrom(r).ComplianceAdmin {
		writeErrors(w, http.StatusForbidden, fieldError{Code: "invalid", Detail: "deleting customers requires the Compliance Admin role"})
		return
	}
	id := r.PathValue("customerId")
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.db.customers.get(id)
	if !ok {
		notFound(w, fmt.Sprintf("customer profile [%s] does not exist", id))
		return
	}
	if s.db.work.activeConversation(id) {
		badRequest(w, fieldError{Attr: "conversation", Code: "invalid_state", Detail: "Unable to delete the profile. Please close any open or waiting conversations."})
		return
	}
	s.unindexCustomer(c)
	s.db.customers.delete(id)
	s.db.work.deleteCustomer(id)
	s.emit("CUSTOMER_PROFILE/DELETED", s.apiActor(), map[string]any{"customerId": id})
	noContent(w)
}

// MergeCustomers merges customer from into customer into, as an agent would in Gladly's UI (the
// API has no merge): from's conversations and tasks move to into, and from's id answers 301
// (GET) or 404 (PATCH) from then on.
func (s *Server) MergeCustomers(from, into string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	src, ok := s.db.customers.get(from)
	if !ok {
		return fmt.Errorf("gladlytest: no customer %q", from)
	}
	if !s.db.customers.has(into) || from == into {
		return fmt.Errorf("gladlytest: cannot merge %q into %q", from, into)
	}
	s.unindexCustomer(src)
	// The event names each side's latest conversation (as it stood before the move).
	lastConv := func(id string) string {
		ids := s.db.work.convsByCustomer[id]
		if len(ids) == 0 {
			return ""
		}
		return ids[len(ids)-1]
	}
	srcConv, dstConv := lastConv(from), lastConv(into)
	s.db.customers.delete(from)
	s.db.merged[from] = into
	s.db.work.mergeCustomer(from, into)
	// Merges are an agent's act in Gladly's UI; the API user's agent stands in for that agent.
	agent := &gladly.Actor{ID: s.db.apiAgent, Type: gladly.ActorAgent}
	s.emit("CUSTOMER/MERGED", agent, map[string]any{"sourceCustomerId": from, "destinationCustomerId": into,
		"sourceConversationId": srcConv, "destinationConversationId": dstConv})
	s.emit("CUSTOMER_PROFILE/MERGED", nil, map[string]any{"sourceCustomerId": from, "destinationCustomerId": into})
	return nil
}

// checkID applies Gladly's rule for client-supplied ids: URL safe and under 50 characters.
func checkID(id string) []fieldError {
	switch {
	case id == "":
		return []fieldError{{Attr: "id", Code: "blank", Detail: "id cannot be blank"}}
	case len(id) >= 50:
		return []fieldError{{Attr: "id", Code: "too_long", Detail: "id must be under 50 characters"}}
	case !gladly.ValidID(id):
		return []fieldError{{Attr: "id", Code: "invalid", Detail: "id contains unsupported characters"}}
	}
	return nil
}

// CustomerIDs returns the ids of every customer, in creation order (the demo fixture first).
func (s *Server) CustomerIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.db.customers.order)
}
