package demo

import (
	"fmt"
	"io"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// Start starts the in-process fake Gladly with the demo fixture, the faults of
// GLADLY_DEMO_FAULTS and the organization's rate limit (GLADLY_RATE_LIMIT, Gladly's 10 per second
// by default), so the demo meets the same 429s a real organization would — and one with a raised
// limit can be simulated. The caller closes it.
func Start(f config.DemoFaults, perSecond int, opts ...gladlytest.Option) (*gladlytest.Server, error) {
	srv, err := gladlytest.Start(append(append(f.Options(), gladlytest.WithRateLimit(perSecond)), opts...)...)
	if err != nil {
		return nil, fmt.Errorf("start the demo's fake Gladly: %w", err)
	}
	return srv, nil
}

// LogStarted tells a newcomer, in the first lines of the log, that the demo runs and against what.
func LogStarted(logger zerolog.Logger, cfg *config.Config, fake *gladlytest.Server) {
	logger.Info().Msg("demo mode: GLADLY_BASE_URL is not set, so gladgraph serves an in-memory Gladly")
	ev := logger.Info().Str("fake", "gladly/gladlytest").Str("fake_url", fake.URL).
		Str("fixture", "Ada Lovelace <"+gladlytest.DemoCustomerEmail+">").Int("rate_limit_per_second", cfg.GladlyRateLimit)
	if cfg.DemoFaults.Any() {
		ev = ev.Str("faults", cfg.DemoFaults.String())
	}
	ev.Msg(fmt.Sprintf("demo: the fake Gladly (seeded demo organization, limited to %d requests per second like a real one) answers every upstream call", cfg.GladlyRateLimit))
}

// LogOpen says where to point a browser.
func LogOpen(logger zerolog.Logger, publicURL string) {
	logger.Info().Str("url", publicURL+"/").Msg("demo: open this URL in a browser (GraphiQL); GraphQL is at " + publicURL + "/graphql")
}

// The demo's linked accounts (DESIGN.md §8): two organizations over two fakes with different
// data, so switching accounts shows.
const (
	Account       = "demo"
	SecondAccount = "demo-2"
)

// Fakes are the demo's two in-process Gladly organizations.
type Fakes struct {
	First, Second *gladlytest.Server
}

// Close stops both.
func (f *Fakes) Close() {
	f.First.Close()
	f.Second.Close()
}

// StartAccounts starts both organizations: the first with the demo fixture (Ada Lovelace) and
// GLADLY_DEMO_FAULTS, the second another organization's data.
func StartAccounts(f config.DemoFaults, perSecond int, opts ...gladlytest.Option) (*Fakes, []accounts.NewAccount, error) {
	first, err := Start(f, perSecond, opts...)
	if err != nil {
		return nil, nil, err
	}
	second, err := gladlytest.Start(append(append(secondOrganization(), gladlytest.WithRateLimit(perSecond)), opts...)...)
	if err != nil {
		first.Close()
		return nil, nil, fmt.Errorf("start the demo's second fake Gladly: %w", err)
	}
	rate := float64(perSecond)
	return &Fakes{First: first, Second: second}, []accounts.NewAccount{
		{ID: Account, GladlyBaseURL: first.URL, Username: first.Username, APIToken: first.Token, RateLimit: rate},
		{ID: SecondAccount, GladlyBaseURL: second.URL, Username: second.Username, APIToken: second.Token, RateLimit: rate},
	}, nil
}

// LogAPIKeys prints the demo's API keys: one per account, every Gladly scope, so the README
// can show switching accounts (anonymous callers act on the first).
func LogAPIKeys(logger zerolog.Logger, keys map[string]string) {
	for _, id := range []string{Account, SecondAccount} {
		logger.Info().Str("account", id).Str("api_key", keys[id]).
			Msg("demo: API key of account " + id + " (send as Authorization: Bearer <key>)")
	}
}

// Banner tells whoever started the process, on stderr where no log shipper hides it, that
// it serves fake data: a production deployment that lost its GLADLY_* variables must not pass
// for a healthy one.
func Banner(w io.Writer) {
	fmt.Fprint(w, `
################################################################################
#  gladgraph is running the DEMO: every answer comes from an in-memory FAKE    #
#  Gladly (gladly/gladlytest), not from a real helpdesk.                       #
#  To serve a real Gladly set GLADLY_BASE_URL, GLADLY_USERNAME and             #
#  GLADLY_API_TOKEN (one account) or DATABASE_URL (linked accounts).           #
################################################################################

`)
}

// Boot starts the demo's two organizations with their webhooks delivered in process (through
// loopback, which the server points at its handler once built) and logs where to look.
func Boot(cfg *config.Config, logger zerolog.Logger, loopback *Loopback) (*Fakes, []accounts.NewAccount, error) {
	fakes, demoAccounts, err := StartAccounts(cfg.DemoFaults, cfg.GladlyRateLimit, gladlytest.WithWebhookClient(loopback.Client()))
	if err != nil {
		return nil, nil, err
	}
	LogStarted(logger, cfg, fakes.First)
	LogOpen(logger, cfg.PublicURL)
	return fakes, demoAccounts, nil
}
