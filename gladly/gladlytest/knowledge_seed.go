package gladlytest

import (
	"fmt"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// DemoAnswerID returns the fixture id of a demo answer by name (e.g. "How to reset your password").
func DemoAnswerID(name string) string { return fixtureID("answer/" + slug(name)) }

// demoContent is one seeded content of a demo answer.
type demoContent struct {
	language, typ  string
	title, subject string // public title, email subject
	bodyHTML       string
	internal       bool
}

var demoAnswers = []struct {
	name, description string
	audiences         []string
	contents          []demoContent
}{
	{"How to reset your password", "Steps for a customer locked out of their account", []string{"Retail - USA", "Retail - UK"}, []demoContent{
		{language: "en-us", typ: gladly.AnswerPublic, title: "How to reset your password", bodyHTML: `<div><a href="/reset-password">Click here</a> to reset your password.</div>`},
		{language: "es-419", typ: gladly.AnswerPublic, title: "Cómo restablecer tu contraseña", bodyHTML: `<div><a href="/reset-password">Haz clic aquí</a> para restablecer tu contraseña.</div>`},
		{language: "en-us", typ: gladly.AnswerEmail, subject: "Resetting your password", bodyHTML: "<p>Navigate to Settings and click Reset Password.</p>"},
		{language: "en-us", typ: gladly.AnswerMessaging, bodyHTML: "<p>Go to Settings, then Reset Password.</p>"},
	}},
	{"Return policy", "What can be returned, and until when", []string{"Retail - USA"}, []demoContent{
		{language: "en-us", typ: gladly.AnswerPublic, title: "Return policy", bodyHTML: "<p>Unworn items can be returned within 30 days for a full refund.</p>"},
		{language: "fr-ca", typ: gladly.AnswerPublic, title: "Politique de retour", bodyHTML: "<p>Les articles non portés peuvent être retournés dans les 30 jours.</p>"},
		{language: "en-us", typ: gladly.AnswerReference, bodyHTML: "<p>Override the 30-day window only for gold members.</p>", internal: true},
	}},
	{"Track your order", "Where to find tracking numbers", []string{"Retail - USA", "Retail - UK"}, []demoContent{
		{language: "en-us", typ: gladly.AnswerPublic, title: "Track your order", bodyHTML: "<p>Your tracking number is in the shipping confirmation email.</p>"},
		{language: "es-419", typ: gladly.AnswerPublic, title: "Rastrea tu pedido", bodyHTML: "<p>Tu número de rastreo está en el correo de confirmación de envío.</p>"},
		{language: "en-us", typ: gladly.AnswerMessaging, bodyHTML: "<p>You'll find the tracking number in your shipping email.</p>"},
	}},
	{"Damaged item claims", "Collecting photos before a replacement", []string{"Retail - USA", "Wholesale"}, []demoContent{
		{language: "en-us", typ: gladly.AnswerPublic, title: "Report a damaged item", bodyHTML: "<p>Send us a photo of the damaged item and its packaging; we will ship a replacement.</p>"},
		{language: "en-us", typ: gladly.AnswerEmail, subject: "About your damaged item", bodyHTML: "<p>Please reply with a photo of the item and its packaging.</p>"},
	}},
	{"Refund timelines", "Internal guidance on refund processing times", []string{"Retail - UK"}, []demoContent{
		{language: "en-us", typ: gladly.AnswerEmail, subject: "Your refund", bodyHTML: "<p>Refunds reach your card within 5–10 business days.</p>"},
		{language: "en-us", typ: gladly.AnswerReference, bodyHTML: "<p>Card refunds settle in 5–10 business days; store credit is instant.</p>"},
	}},
	{"Wholesale pricing tiers", "Volume discounts for wholesale accounts", []string{"Wholesale"}, []demoContent{
		{language: "en-us", typ: gladly.AnswerPublic, title: "Wholesale pricing", bodyHTML: "<p>Orders of 100 units or more get 15% off list price.</p>"},
	}},
	{"Close your account", "", nil, []demoContent{
		{language: "en-us", typ: gladly.AnswerPublic, title: "Close your account", bodyHTML: "<p>Ask us over chat and we will close your account and erase your data.</p>"},
		{language: "fr-ca", typ: gladly.AnswerPublic, title: "Fermer votre compte", bodyHTML: "<p>Écrivez-nous par clavardage et nous fermerons votre compte.</p>"},
	}},
}

// demoCustomAttributes are the conversation custom attribute definitions (freeform topics).
var demoCustomAttributes = []struct {
	key, label  string
	deactivated bool
}{
	{"orderId", "Order ID", false},
	{"carrier", "Carrier", false},
	{"giftMessage", "Gift Message", true},
}

// seedKnowledge adds the demo answers with their content (one of them shown by the help center),
// the custom attribute definitions, and, in the demo, Amy Agent on a recorded call with Ada. It
// is the same for every seed and size.
func (s *Server) seedKnowledge() error {
	k := &s.db.knowledge
	base := s.seedEpoch().Add(-120 * 24 * time.Hour)
	for i, d := range demoAnswers {
		id := s.fid("answer/" + slug(d.name)) // DemoAnswerID in the demo
		created := base.Add(time.Duration(i) * 24 * time.Hour)
		a := &gladly.Answer{ID: id, Name: d.name, Description: d.description, AudienceIDs: []string{},
			CreatedAt: created, UpdatedAt: created.Add(time.Duration(i+1) * 36 * time.Hour)}
		for _, name := range d.audiences {
			aid := s.audienceID(name)
			if !s.db.audiences.has(aid) {
				return fmt.Errorf("answer %q: no audience %q", d.name, name)
			}
			a.AudienceIDs = append(a.AudienceIDs, aid)
		}
		k.answers.put(id, a)
		k.answerNames[foldName(d.name)] = id
		for _, c := range d.contents {
			key := contentKey{answerID: id, language: c.language, typ: c.typ}
			content, errs := buildContent(key, &contentInput{BodyHTML: &c.bodyHTML, Title: &c.title, Subject: &c.subject, Internal: &c.internal})
			if errs != nil {
				return fmt.Errorf("answer %q content %s/%s: %v", d.name, c.language, c.typ, errs)
			}
			k.contents[key] = content
		}
	}
	k.helpCenter[s.fid("answer/"+slug("How to reset your password"))] = helpCenterUse{
		helpCenterID: s.fid("help-center/" + s.spec.key), helpCenterName: s.spec.helpCenter,
		sectionID: s.fid("help-center-section/account"), sectionName: "Account",
	}
	for i, d := range demoCustomAttributes {
		id := s.fid("custom-attribute/" + d.key) // DemoCustomAttributeID in the demo
		k.customAttributes.put(id, &gladly.CustomAttribute{ID: id, Key: d.key, Label: d.label, Deactivated: d.deactivated,
			CreatedAt: base.Add(-time.Duration(30-i) * 24 * time.Hour), CreatedBy: s.agentID("Amy Agent")})
	}
	if s.cfg.org == DemoOrg {
		k.calls[DemoAgentID("Amy Agent")] = &agentCall{customerID: DemoCustomerID, itemID: DemoPhoneCallItemID, recording: true}
	}
	return nil
}
