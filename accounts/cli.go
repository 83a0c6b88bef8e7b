package accounts

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// CLI runs `gladgraph accounts …` and `gladgraph api-keys …` directly on the database named by
// DATABASE_URL, with ACCOUNTS_ENCRYPTION_KEYS. Secrets come from stdin or an environment
// variable, never from a flag (flags show in ps and shell history), and are never printed,
// except a new API key, once.
type CLI struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Check tries credentials against Gladly (default CheckGladly(nil)).
	Check Checker
	// OnUnlink runs after `accounts unlink` (the server's cache purge and webhook removal);
	// nil skips it.
	OnUnlink func(ctx context.Context, a Account)
}

// RunCLI runs one subcommand; args start with "accounts" or "api-keys".
func RunCLI(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := &CLI{Getenv: getenv, Stdin: os.Stdin, Stdout: stdout, Stderr: stderr}
	return c.Run(ctx, args)
}

const cliUsage = `usage:
  gladgraph accounts link --id ID --base-url URL --username EMAIL [--rate-limit N] [--api-token-stdin | --api-token-env NAME]
      (the token is read from GLADLY_API_TOKEN unless one of the two is given; it is checked against Gladly first)
  gladgraph accounts list
  gladgraph accounts show ID
  gladgraph accounts update ID [--rate-limit N] [--disable | --enable] [--api-token-stdin | --api-token-env NAME]
  gladgraph accounts unlink ID
  gladgraph accounts reencrypt
  gladgraph api-keys create --account ID --scopes SCOPE,… [--expires RFC3339 | --expires-in DURATION]
  gladgraph api-keys list --account ID
  gladgraph api-keys revoke --account ID KEY_ID
environment: DATABASE_URL, ACCOUNTS_ENCRYPTION_KEYS
`

// ErrUsage is a command line that does not parse; the usage has been printed.
var ErrUsage = errors.New("accounts: usage")

// Run runs one subcommand.
func (c *CLI) Run(ctx context.Context, args []string) error {
	if c.Check == nil {
		c.Check = CheckGladly(nil)
	}
	if len(args) < 2 {
		return c.usage("a command is needed")
	}
	type cmd func(context.Context, Store, []string) error
	cmds := map[string]cmd{
		"accounts link": c.link, "accounts list": c.list, "accounts show": c.show,
		"accounts update": c.update, "accounts unlink": c.unlink, "accounts reencrypt": c.reencrypt,
		"api-keys create": c.createKey, "api-keys list": c.listKeys, "api-keys revoke": c.revokeKey,
	}
	run, ok := cmds[args[0]+" "+args[1]]
	if !ok {
		return c.usage(fmt.Sprintf("unknown command %q", strings.Join(args[:2], " ")))
	}
	store, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	return run(ctx, store, args[2:])
}

func (c *CLI) usage(why string) error {
	fmt.Fprintf(c.Stderr, "%s\n%s", why, cliUsage)
	return ErrUsage
}

func (c *CLI) open(ctx context.Context) (*PGStore, error) {
	url := c.Getenv("DATABASE_URL")
	if url == "" {
		return nil, errors.New("DATABASE_URL is not set: linked accounts live in PostgreSQL")
	}
	kr, err := ParseKeyring(c.Getenv("ACCOUNTS_ENCRYPTION_KEYS"))
	if err != nil {
		return nil, err
	}
	// The CLI exits in a moment: a re-check would never run.
	return OpenPostgres(ctx, url, kr, WithRecheckInterval(time.Hour))
}

func (c *CLI) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	return fs
}

// parse parses flags and returns exactly want positional arguments.
func (c *CLI) parse(fs *flag.FlagSet, args []string, want int) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, c.usage(err.Error())
	}
	// Flags may follow the positional arguments too ("show ID --json" style).
	var pos []string
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		pos = append(pos, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return nil, c.usage(err.Error())
		}
	}
	if len(pos) != want {
		return nil, c.usage(fmt.Sprintf("%s takes %d argument(s), got %d", fs.Name(), want, len(pos)))
	}
	return pos, nil
}

// tokenFlags are the two ways a token may be given.
type tokenFlags struct {
	stdin bool
	env   string
}

func (t *tokenFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&t.stdin, "api-token-stdin", false, "read the Gladly API token from the first line of stdin")
	fs.StringVar(&t.env, "api-token-env", "", "read the Gladly API token from this environment variable")
}

// read returns the token, or ok false when neither way was chosen.
func (t *tokenFlags) read(c *CLI) (tok string, ok bool, err error) {
	switch {
	case t.stdin && t.env != "":
		return "", false, c.usage("--api-token-stdin and --api-token-env exclude each other")
	case t.stdin:
		line, err := bufio.NewReader(c.Stdin).ReadString('\n')
		if err != nil && (err != io.EOF || line == "") {
			return "", false, errors.New("no API token on stdin")
		}
		return strings.TrimRight(line, "\r\n"), true, nil
	case t.env != "":
		v := c.Getenv(t.env)
		if v == "" {
			return "", false, fmt.Errorf("environment variable %s is empty", t.env)
		}
		return v, true, nil
	}
	return "", false, nil
}

func (c *CLI) link(ctx context.Context, s Store, args []string) error {
	fs := c.flags("accounts link")
	var n NewAccount
	var tf tokenFlags
	fs.StringVar(&n.ID, "id", "", "account id (1-64 of A-Z a-z 0-9 _ -)")
	fs.StringVar(&n.GladlyBaseURL, "base-url", "", "Gladly base URL (https://org.gladly.com)")
	fs.StringVar(&n.Username, "username", "", "the Gladly API user's email")
	fs.Float64Var(&n.RateLimit, "rate-limit", DefaultRateLimit, "requests per second toward Gladly")
	tf.register(fs)
	if _, err := c.parse(fs, args, 0); err != nil {
		return err
	}
	tok, ok, err := tf.read(c)
	if err != nil {
		return err
	}
	if !ok {
		tok = c.Getenv("GLADLY_API_TOKEN")
	}
	n.APIToken = tok
	if n, err = n.Validate(); err != nil {
		return err
	}
	if st, err := s.AccountStatus(ctx, n.ID); err != nil {
		return err
	} else if st.Exists {
		return ErrExists
	}
	if err := c.Check(ctx, n.GladlyBaseURL, n.Username, n.APIToken); err != nil {
		return err
	}
	a, err := s.Create(ctx, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "linked %s\n", a.ID)
	return c.printAccount(a)
}

func (c *CLI) printAccount(a Account) error {
	tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "id\t%s\ngladlyBaseUrl\t%s\nusername\t%s\nwebhookUsername\t%s\nrateLimit\t%g\ndisabled\t%t\ncreatedAt\t%s\nupdatedAt\t%s\n",
		a.ID, a.GladlyBaseURL, a.Username, a.WebhookUsername, a.RateLimit, a.Disabled,
		a.CreatedAt.Format(time.RFC3339), a.UpdatedAt.Format(time.RFC3339))
	return tw.Flush()
}

func (c *CLI) list(ctx context.Context, s Store, args []string) error {
	if _, err := c.parse(c.flags("accounts list"), args, 0); err != nil {
		return err
	}
	as, err := s.List(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tGLADLY\tUSERNAME\tRATE\tDISABLED\tUPDATED")
	for _, a := range as {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%g\t%t\t%s\n", a.ID, a.GladlyBaseURL, a.Username, a.RateLimit, a.Disabled, a.UpdatedAt.Format(time.RFC3339))
	}
	return tw.Flush()
}

func (c *CLI) show(ctx context.Context, s Store, args []string) error {
	pos, err := c.parse(c.flags("accounts show"), args, 1)
	if err != nil {
		return err
	}
	a, err := c.describe(ctx, s, pos[0])
	if err != nil {
		return err
	}
	return c.printAccount(a)
}

// describe returns an account's public fields even when its secrets do not decrypt.
func (c *CLI) describe(ctx context.Context, s Store, id string) (Account, error) {
	a, err := s.Get(ctx, id)
	var uk *UnknownKeyError
	if err == nil || !(errors.As(err, &uk) || errors.Is(err, ErrCorruptSecret)) {
		return a, err
	}
	fmt.Fprintf(c.Stderr, "warning: %v\n", err)
	all, lerr := s.List(ctx)
	if lerr != nil {
		return Account{}, lerr
	}
	for _, a := range all {
		if a.ID == id {
			return a, nil
		}
	}
	return Account{}, ErrNotFound
}

func (c *CLI) update(ctx context.Context, s Store, args []string) error {
	fs := c.flags("accounts update")
	var tf tokenFlags
	rate := fs.Float64("rate-limit", 0, "requests per second toward Gladly")
	disable := fs.Bool("disable", false, "refuse every request for the account")
	enable := fs.Bool("enable", false, "serve the account again")
	tf.register(fs)
	pos, err := c.parse(fs, args, 1)
	if err != nil {
		return err
	}
	var u Update
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "rate-limit" {
			u.RateLimit = rate
		}
	})
	switch {
	case *disable && *enable:
		return c.usage("--disable and --enable exclude each other")
	case *disable:
		u.Disabled = disable
	case *enable:
		off := false
		u.Disabled = &off
	}
	tok, ok, err := tf.read(c)
	if err != nil {
		return err
	}
	if ok {
		u.APIToken = &tok
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if u.APIToken != nil {
		a, err := c.describe(ctx, s, pos[0])
		if err != nil {
			return err
		}
		if err := c.Check(ctx, a.GladlyBaseURL, a.Username, tok); err != nil {
			return err
		}
	}
	a, err := s.Update(ctx, pos[0], u)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "updated %s\n", a.ID)
	return c.printAccount(a)
}

func (c *CLI) unlink(ctx context.Context, s Store, args []string) error {
	pos, err := c.parse(c.flags("accounts unlink"), args, 1)
	if err != nil {
		return err
	}
	a, err := c.describe(ctx, s, pos[0])
	if err != nil {
		return err
	}
	if err := s.Delete(ctx, a.ID); err != nil {
		return err
	}
	if c.OnUnlink != nil {
		c.OnUnlink(ctx, a)
	}
	fmt.Fprintf(c.Stdout, "unlinked %s (its API keys are gone)\n", a.ID)
	return nil
}

func (c *CLI) reencrypt(ctx context.Context, s Store, args []string) error {
	if _, err := c.parse(c.flags("accounts reencrypt"), args, 0); err != nil {
		return err
	}
	n, err := s.ReEncrypt(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "re-encrypted %d secret(s) under the first key of ACCOUNTS_ENCRYPTION_KEYS\n", n)
	return nil
}

func (c *CLI) createKey(ctx context.Context, s Store, args []string) error {
	fs := c.flags("api-keys create")
	account := fs.String("account", "", "account id")
	scopes := fs.String("scopes", "", "comma-separated scopes")
	expires := fs.String("expires", "", "expiry time (RFC 3339)")
	expiresIn := fs.Duration("expires-in", 0, "expiry from now (e.g. 720h)")
	if _, err := c.parse(fs, args, 0); err != nil {
		return err
	}
	var exp time.Time
	switch {
	case *expires != "" && *expiresIn != 0:
		return c.usage("--expires and --expires-in exclude each other")
	case *expires != "":
		t, err := time.Parse(time.RFC3339, *expires)
		if err != nil {
			return &ValidationError{Field: "expiresAt", Message: "must be RFC 3339 (2026-12-31T00:00:00Z)"}
		}
		exp = t
	case *expiresIn != 0:
		exp = time.Now().Add(*expiresIn)
	}
	var list []string
	for _, sc := range strings.Split(*scopes, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			list = append(list, sc)
		}
	}
	k, err := s.IssueAPIKey(ctx, *account, list, exp)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stderr, "API key %s for %s (%s); it is shown this once:\n", k.ID, k.AccountID, strings.Join(k.Scopes, " "))
	fmt.Fprintln(c.Stdout, k.Key)
	return nil
}

func (c *CLI) listKeys(ctx context.Context, s Store, args []string) error {
	fs := c.flags("api-keys list")
	account := fs.String("account", "", "account id")
	if _, err := c.parse(fs, args, 0); err != nil {
		return err
	}
	ks, err := s.ListAPIKeys(ctx, *account)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSCOPES\tEXPIRES\tLAST USED\tREVOKED")
	for _, k := range ks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%t\n", k.ID, strings.Join(k.Scopes, ","), orDash(k.ExpiresAt), orDash(k.LastUsedAt), k.Revoked)
	}
	return tw.Flush()
}

func orDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func (c *CLI) revokeKey(ctx context.Context, s Store, args []string) error {
	fs := c.flags("api-keys revoke")
	account := fs.String("account", "", "account id")
	pos, err := c.parse(fs, args, 1)
	if err != nil {
		return err
	}
	if err := s.RevokeAPIKey(ctx, *account, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "revoked %s\n", pos[0])
	return nil
}
