package gladlytest

import (
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// OrgFixture names an organization the fake can seed. Each is a separate Gladly organization:
// its own id, name, login domain, API user, fixture ids and default seed, so two fakes can stand
// for two linked accounts whose data never coincide.
type OrgFixture int

const (
	// DemoOrg is Babbage Analytical Co. with Ada Lovelace's fixture: the default.
	DemoOrg OrgFixture = iota
	// HopperOrg is Hopper Logistics Ltd.: none of Ada's fixture, Grace Brewster's instead, and
	// generated data from seed 2 unless WithSeed says otherwise.
	HopperOrg
)

// WithOrganization chooses the organization the fake seeds (default DemoOrg). Its API user
// becomes the organization's own (Server.Username and Server.Token).
func WithOrganization(o OrgFixture) Option { return func(c *config) { c.org = o } }

// Hopper Logistics Ltd. (HopperOrg): its API user and its fixture.
const (
	HopperOrganizationName = "Hopper Logistics Ltd."
	HopperUsername         = "api@hopper.example"
	HopperToken            = "gladlytest-hopper-token-9876543210"
	HopperCustomerName     = "Grace Brewster"
	HopperCustomerEmail    = "grace@hopper.example"
	HopperCustomerPhone    = "+13125550147"
)

var (
	HopperOrganizationID = hopperID("organization")
	HopperCustomerID     = hopperID("customer/grace-brewster")
	// HopperConversationID is Grace's OPEN email conversation about a late pallet.
	HopperConversationID = hopperID("conversation/grace-pallet")
	// HopperTaskID is Grace's OPEN task (a carrier follow-up) with one comment.
	HopperTaskID = hopperID("task/grace-carrier")
)

const hopperNS = "hopper/"

func hopperID(name string) string { return fixtureID(hopperNS + name) }

// orgSpec is what differs between organizations beside their fixture.
type orgSpec struct {
	ns         string // prefix of fixture ids ("" for the demo, so its ids never change)
	org        gladly.Organization
	short      string // the name agents say on the phone
	key        string // names the help center's fixture id
	helpCenter string
	username   string
	token      string
	seed       uint64 // default seed of generated data
}

func (o OrgFixture) spec() orgSpec {
	if o == HopperOrg {
		return orgSpec{ns: hopperNS, short: "Hopper Logistics", key: "hopper", helpCenter: "Hopper Help Center", username: HopperUsername, token: HopperToken, seed: 2,
			org: gladly.Organization{ID: HopperOrganizationID, Name: HopperOrganizationName, LoginDomain: "hopper.example", Timezone: "America/Chicago"}}
	}
	return orgSpec{short: "Babbage Analytical", key: "babbage", helpCenter: "Babbage Help Center", username: DefaultUsername, token: DefaultToken, seed: 1,
		org: gladly.Organization{ID: DemoOrganizationID, Name: "Babbage Analytical Co.", LoginDomain: "babbage.example.com", Timezone: "Europe/London"}}
}

// The organization's fixture ids of directory objects by name: the demo's are DemoAgentID and
// its siblings; another organization's differ.
func (s *Server) fid(name string) string        { return fixtureID(s.spec.ns + name) }
func (s *Server) agentID(name string) string    { return s.fid("agent/" + slug(name)) }
func (s *Server) teamID(name string) string     { return s.fid("team/" + slug(name)) }
func (s *Server) inboxID(name string) string    { return s.fid("inbox/" + slug(name)) }
func (s *Server) topicID(name string) string    { return s.fid("topic/" + slug(name)) }
func (s *Server) audienceID(name string) string { return s.fid("audience/" + slug(name)) }
func (s *Server) supportEmail() string          { return "support@" + s.spec.org.LoginDomain }

// fixtureCustomers are the ids of the organization's fixture customers, whose work is written by
// hand rather than generated.
func (s *Server) fixtureCustomers() map[string]bool {
	if s.cfg.org == HopperOrg {
		return map[string]bool{HopperCustomerID: true}
	}
	demo := map[string]bool{DemoCustomerID: true}
	for _, name := range otherDemoCustomers {
		demo[fixtureID("customer/"+slug(name))] = true
	}
	return demo
}

func (s *Server) seedHopperCustomer(base time.Time) *gladly.Customer {
	return &gladly.Customer{
		ID: HopperCustomerID, Name: HopperCustomerName, Address: "200 W Jackson Blvd, Chicago, IL 60606",
		Emails:              []gladly.Email{{Original: HopperCustomerEmail, Normalized: HopperCustomerEmail, Primary: true}},
		Phones:              []gladly.Phone{{Original: HopperCustomerPhone, Normalized: HopperCustomerPhone, RegionCode: "US", Type: gladly.PhoneMobile, Primary: true}},
		ExternalCustomerIDs: map[string]string{"tms": "HL-1906"},
		CustomAttributes:    map[string]any{"membershipTier": "silver"},
		CreatedAt:           base, UpdatedAt: base.Add(200 * 24 * time.Hour),
	}
}

// seedHopperWork gives Grace an open email conversation (her question, the agent's answer, a
// note, her reply awaiting a response) and an open task with a comment.
func (s *Server) seedHopperWork(epoch time.Time) {
	agent := s.agentID("Amy Agent")
	c := &gladly.Conversation{
		ID: HopperConversationID, CustomerID: HopperCustomerID, InboxID: s.inboxID("Email"), AgentID: agent,
		TopicIDs: []string{}, CreatedAt: epoch.Add(-3 * 24 * time.Hour).Truncate(time.Millisecond), Status: gladly.ConversationOpen,
	}
	s.db.work.addConversation(c)
	tl := &timeline{s: s, c: c, at: c.CreatedAt}
	grace := customerActor(HopperCustomerID)
	tl.add(hopperID("item/grace-email-1"), 0, grace, nil, &gladly.EmailContent{
		From: HopperCustomerEmail, To: []string{s.supportEmail()}, Subject: "Pallet HL-1906-12 is two days late",
		Content: "Hello, pallet HL-1906-12 was due at our Chicago dock on Monday. Where is it? Grace",
	})
	c.TopicIDs = []string{s.topicID("Order Status")}
	tl.add(hopperID("item/grace-topic"), 2*time.Hour, agentActor(agent), nil, &gladly.TopicChangeContent{AddedTopicIDs: c.TopicIDs})
	tl.add(hopperID("item/grace-email-2"), time.Minute, agentActor(agent), nil, &gladly.EmailContent{
		From: s.supportEmail(), To: []string{HopperCustomerEmail}, Subject: "Re: Pallet HL-1906-12 is two days late",
		Content: "Dear Grace, the pallet missed its connection in St. Louis; it is on tomorrow's truck. Amy",
	})
	tl.add(hopperID("item/grace-note"), time.Minute, agentActor(agent), nil, &gladly.NoteContent{Body: "<p>Carrier confirmed the re-booking.</p>"})
	tl.add(hopperID("item/grace-email-3"), 5*time.Hour, grace, nil, &gladly.EmailContent{
		From: HopperCustomerEmail, To: []string{s.supportEmail()}, Subject: "Re: Pallet HL-1906-12 is two days late",
		Content: "Thanks Amy. Can you make sure it arrives before 10am?",
	})
	s.seedDemoTask(HopperTaskID, HopperCustomerID, "Ask the carrier to deliver Grace's pallet HL-1906-12 before 10am.",
		gladly.TaskOpen, epoch.Add(-2*24*time.Hour), epoch.Add(24*time.Hour), agent)
}
