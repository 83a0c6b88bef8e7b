package gladlytest

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// Size is how much data the fake generates beside the demo fixture. Every generated customer
// gets exactly the per-customer counts, so benchmarks know the shape of what they query.
type Size struct {
	Customers                int // generated customers (default 50)
	ConversationsPerCustomer int // default 3
	ItemsPerConversation     int // default 8
	TasksPerCustomer         int // default 2
	CommentsPerTask          int // default 2
}

func (s Size) shape() Shape {
	return Shape{Conversations: s.ConversationsPerCustomer, ItemsPerConversation: s.ItemsPerConversation,
		Tickets: s.TasksPerCustomer, CommentsPerTicket: s.CommentsPerTask}
}

// DefaultSize is the size used when none is given.
func DefaultSize() Size {
	return Size{Customers: 50, ConversationsPerCustomer: 3, ItemsPerConversation: 8, TasksPerCustomer: 2, CommentsPerTask: 2}
}

func (s Size) withDefaults() Size {
	if s.Customers < 0 {
		s.Customers = 0
	}
	return s
}

// The demo fixture: fixed ids, the same for every seed.
var (
	DemoOrganizationID = fixtureID("organization")
	DemoCustomerID     = fixtureID("customer/ada-lovelace")
	// APIAgentID is the agent record of the demo's API user.
	APIAgentID = fixtureID("agent/api-integration")
)

const DemoCustomerEmail = "ada@example.com"

// Demo fixture objects that more than one resource refers to.
var (
	// DemoOpenConversationID is Ada's OPEN conversation, whose timeline holds a chat, an email,
	// a phone call (with transcript and recording), a note and a topic change.
	DemoOpenConversationID = fixtureID("conversation/ada-open")
	// DemoPhoneCallItemID is the phone-call item of that conversation (recording + transcript).
	DemoPhoneCallItemID = fixtureID("item/ada-phone-call")
	// DemoAutomationSessionID is the demo's message-automation session (with Ada, over chat).
	DemoAutomationSessionID = fixtureID("automation-session/ada-chat")
)

// DemoCustomAttributeID returns the fixture id of a conversation custom attribute by key
// ("orderId", "carrier").
func DemoCustomAttributeID(key string) string { return fixtureID("custom-attribute/" + key) }

// fixtureID derives a stable Gladly-shaped id (22 base64url characters) from a name.
func fixtureID(name string) string {
	sum := sha256.Sum256([]byte("gladlytest/" + name))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// idFrom draws a Gladly-shaped id from rng.
func idFrom(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func slug(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, s), "-")
}

var demoAgents = []string{
	"Amy Agent", "Blaise Pascal", "Emmy Noether", "Alan Turing", "Katherine Johnson", "John von Neumann",
	"Hedy Lamarr", "Claude Shannon", "Margaret Hamilton", "Edsger Dijkstra", "Barbara Liskov",
	"Donald Knuth", "Frances Allen", "Ken Thompson", "Radia Perlman", "Dennis Ritchie",
	"Sophie Wilson", "Tim Berners-Lee", "Adele Goldberg", "Niklaus Wirth", "Karen Sparck Jones",
	"Leslie Lamport", "Shafi Goldwasser", "Tony Hoare",
}

var demoTeams = []struct{ name, description string }{
	{"Tier 1 Support", "First line for every channel"},
	{"Billing", "Refunds, invoices and payment questions"},
	{"Returns & Exchanges", "Returns, exchanges and damaged deliveries"},
	{"VIP Concierge", "Dedicated agents for gold members"},
	{"Escalations", "Hard cases handed up from the other teams"},
}

var demoInboxes = []string{"Email", "Chat", "Phone", "SMS", "VIP"}

var demoTopics = []struct {
	name     string
	children []string
}{
	{"Orders", []string{"Order Status", "Returns", "Damaged Item"}},
	{"Billing", []string{"Refund", "Invoice"}},
	{"Product", []string{"How-to", "Bug Report"}},
	{"Account", []string{"Password Reset", "Close Account"}},
}

var demoAudiences = []string{"Retail - USA", "Retail - UK", "Wholesale"}

// DemoTopicID returns the fixture id of a demo topic by name (e.g. "Returns").
func DemoTopicID(name string) string { return fixtureID("topic/" + slug(name)) }

// DemoAgentID returns the fixture id of a demo agent by name (e.g. "Amy Agent").
func DemoAgentID(name string) string { return fixtureID("agent/" + slug(name)) }

// DemoTeamID returns the fixture id of a demo team by name (e.g. "Billing").
func DemoTeamID(name string) string { return fixtureID("team/" + slug(name)) }

// DemoInboxID returns the fixture id of a demo inbox by name (e.g. "Chat").
func DemoInboxID(name string) string { return fixtureID("inbox/" + slug(name)) }

// DemoAudienceID returns the fixture id of a demo audience by name.
func DemoAudienceID(name string) string { return fixtureID("audience/" + slug(name)) }

// seed fills the store: the demo fixture, then generated data from the seed.
func (s *Server) seed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seedDirectory()
	s.seedCustomers()
	for _, f := range []func() error{s.seedWork, s.seedKnowledge, s.seedAdmin} {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// seedEpoch is "now" for seeded data: history is placed before it.
func (s *Server) seedEpoch() time.Time { return s.nowMillis() }

func (s *Server) seedDirectory() {
	db := s.db
	db.org = s.spec.org
	db.apiAgent = s.fid("agent/api-integration") // APIAgentID in the demo
	db.agents.put(db.apiAgent, &gladly.Agent{ID: db.apiAgent, Name: "API Integration", EmailAddress: s.spec.username})
	for _, name := range demoAgents {
		id := s.agentID(name)
		email := strings.ReplaceAll(strings.ToLower(name), " ", ".") + "@" + s.spec.org.LoginDomain
		db.agents.put(id, &gladly.Agent{ID: id, Name: name, EmailAddress: email})
	}
	agents := db.agents.order[1:] // people, not the API user
	for i, t := range demoTeams {
		id := s.teamID(t.name)
		var members []string
		for j := i; j < len(agents); j += len(demoTeams) {
			members = append(members, agents[j])
		}
		db.teams.put(id, &gladly.Team{ID: id, Name: t.name, Description: t.description, AgentIDs: members})
	}
	for _, name := range demoInboxes {
		id := s.inboxID(name)
		db.inboxes.put(id, &gladly.Inbox{ID: id, Name: name})
	}
	for _, t := range demoTopics {
		pid := s.topicID(t.name)
		db.topics.put(pid, &gladly.Topic{ID: pid, Name: t.name})
		for _, c := range t.children {
			id := s.topicID(c)
			db.topics.put(id, &gladly.Topic{ID: id, Name: c, ParentID: pid})
		}
	}
	old := s.topicID("Holiday 2019")
	db.topics.put(old, &gladly.Topic{ID: old, Name: "Holiday 2019", Disabled: true, ParentID: s.topicID("Orders")})
	for _, name := range demoAudiences {
		id := s.audienceID(name)
		db.audiences.put(id, &gladly.Audience{ID: id, Name: name})
	}
}

var (
	firstNames = []string{"Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas",
		"Mia", "Mateo", "Amelia", "Levi", "Harper", "Ezra", "Evelyn", "Kai", "Aria", "Leo", "Nora", "Hugo", "Iris", "Omar"}
	lastNames = []string{"Smith", "Garcia", "Nguyen", "Okafor", "Kowalski", "Haddad", "Rossi", "Tanaka", "Müller", "Silva",
		"Johansson", "Dubois", "Patel", "Kim", "O'Brien", "Novak", "Costa", "Larsen", "Moreau", "Ivanova"}
	tiers = []string{"bronze", "silver", "gold"}
)

func (s *Server) seedCustomers() {
	base := s.seedEpoch().Add(-400 * 24 * time.Hour)
	add := func(c *gladly.Customer) {
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		s.db.customers.put(c.ID, c)
		s.indexCustomer(c)
	}
	if s.cfg.org == HopperOrg {
		add(s.seedHopperCustomer(base))
	} else {
		s.seedDemoCustomers(base, add)
	}
	for i := range s.cfg.size.Customers {
		add(s.newCustomer(i, base))
	}
}

// seedDemoCustomers adds Ada Lovelace and the other demo customers.
func (s *Server) seedDemoCustomers(base time.Time, add func(*gladly.Customer)) {
	add(&gladly.Customer{
		ID: DemoCustomerID, Name: "Ada Lovelace", Address: "12 St James's Square, London SW1Y 4JH",
		Image:  "https://images.example.com/avatars/ada-lovelace.png",
		Emails: []gladly.Email{{Original: DemoCustomerEmail, Normalized: DemoCustomerEmail, Primary: true}, {Original: "countess@lovelace.example", Normalized: "countess@lovelace.example"}},
		Phones: []gladly.Phone{
			{Original: "+442079460018", Normalized: "+442079460018", RegionCode: "GB", Primary: true, SMSPreference: "ON", Type: gladly.PhoneMobile},
			{Original: "+442079460019", Normalized: "+442079460019", RegionCode: "GB", Type: gladly.PhoneHome},
		},
		ExternalCustomerIDs: map[string]string{"shop": "AL-1815"},
		CustomAttributes:    map[string]any{"membershipTier": "gold", "membershipNumber": "AL-1815"},
		CreatedAt:           base, UpdatedAt: base.Add(300 * 24 * time.Hour),
	})
	for _, p := range []struct{ name, email, phone string }{
		{"Charles Babbage", "charles@example.com", "+442079460020"},
		{"Mary Somerville", "mary@example.com", "+442079460021"},
		{"Grace Hopper", "grace@example.com", "+12025550143"},
	} {
		add(&gladly.Customer{
			ID: fixtureID("customer/" + slug(p.name)), Name: p.name,
			Emails:    []gladly.Email{{Original: p.email, Normalized: p.email, Primary: true}},
			Phones:    []gladly.Phone{{Original: p.phone, Normalized: p.phone, Type: gladly.PhoneMobile, Primary: true, RegionCode: "US"}},
			CreatedAt: base.Add(time.Hour),
		})
	}
}

// newCustomer generates the i-th customer (i keeps emails and phones unique), created after base.
func (s *Server) newCustomer(i int, base time.Time) *gladly.Customer {
	first := firstNames[s.rng.IntN(len(firstNames))]
	last := lastNames[s.rng.IntN(len(lastNames))]
	email := fmt.Sprintf("%s.%s.%d@example.org", strings.ToLower(first), slug(last), i)
	phone := fmt.Sprintf("+1415555%04d", i%10000)
	created := base.Add(time.Duration(s.rng.Int64N(int64(300 * 24 * time.Hour))))
	c := &gladly.Customer{
		ID: s.newID(), Name: first + " " + last,
		Emails:           []gladly.Email{{Original: email, Normalized: email, Primary: true}},
		Phones:           []gladly.Phone{{Original: phone, Normalized: phone, RegionCode: "US", Type: gladly.PhoneMobile}},
		CustomAttributes: map[string]any{"membershipTier": tiers[s.rng.IntN(len(tiers))]},
		CreatedAt:        created, UpdatedAt: created.Add(time.Duration(s.rng.Int64N(int64(48 * time.Hour)))),
	}
	if i >= 10000 { // phone numbers would repeat: keep them unique identifiers only when they are
		c.Phones[0].Type = ""
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	return c
}
