package gladly_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/gladly"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// newClient returns a client of srv with its default credentials and no client-side limit
// (tests that exercise the limiter pass their own).
func newClient(t *testing.T, srv *gladlytest.Server, opts ...gladly.Option) *gladly.Client {
	t.Helper()
	opts = append([]gladly.Option{
		gladly.WithBasicAuth(srv.Username, srv.Token),
		gladly.WithRateLimit(gladly.Unlimited{}),
		gladly.WithRetry(fastRetry()),
	}, opts...)
	cl, err := gladly.NewClient(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func fastRetry() gladly.RetryPolicy {
	return gladly.RetryPolicy{MaxAttempts: 6, InitialInterval: 5 * time.Millisecond, MaxInterval: 50 * time.Millisecond, Multiplier: 2, Jitter: 0.5}
}

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, err string }{
		{in: "acme", want: "https://acme.gladly.com"},
		{in: "acme.us-1.gladly.com", want: "https://acme.us-1.gladly.com"},
		{in: "acme.gladly.qa", want: "https://acme.gladly.qa"},
		{in: "https://acme.gladly.com/api/v1/", want: "https://acme.gladly.com"},
		{in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{in: "", err: "empty"},
		{in: "ftp://acme.gladly.com", err: "scheme"},
		{in: "https://user:pw@acme.gladly.com", err: "credentials"},
		{in: "https://acme.gladly.com/other", err: "path"},
	} {
		u, err := gladly.ParseBaseURL(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseBaseURL(%q) = %v, %v; want error about %s", tc.in, u, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "pw") {
				t.Errorf("ParseBaseURL(%q) error echoes the password: %v", tc.in, err)
			}
			continue
		}
		if err != nil || u.String() != tc.want {
			t.Errorf("ParseBaseURL(%q) = %v, %v; want %s", tc.in, u, err, tc.want)
		}
	}
}

func TestRateLimitBurstIsRiddenOut(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	srv.FailNext("getAgents", gladlytest.Fault{Kind: gladlytest.FaultRateLimit}, gladlytest.Fault{Kind: gladlytest.FaultRateLimit},
		gladlytest.Fault{Kind: gladlytest.FaultRateLimit}, gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503})
	agents, resp, err := cl.Agents.List(t.Context())
	if err != nil {
		t.Fatalf("list agents through a 429 burst: %v", err)
	}
	if len(agents) < 20 || resp.Attempts != 5 || srv.Calls("getAgents") != 5 {
		t.Errorf("%d agents after %d attempts (%d calls); want ≥ 20 after 5", len(agents), resp.Attempts, srv.Calls("getAgents"))
	}
}

// TestInternalErrorRetriedOnReadsOnly: a 500 on a GET passes like a 503 and is retried; a 500
// on a create (even one carrying an id) is not repeated, and 501 never is.
func TestInternalErrorRetriedOnReadsOnly(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	srv.FailNext("getAgents", gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 500}, gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 500})
	if _, resp, err := cl.Agents.List(ctx); err != nil || resp.Attempts != 3 {
		t.Errorf("list agents through two 500s: attempts %v, err %v; want 3 attempts and success", resp.Attempts, err)
	}
	srv.FailNext("getTeams", gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 501})
	if _, _, err := cl.Teams.List(ctx); gladly.StatusCode(err) != 501 || srv.Calls("getTeams") != 1 {
		t.Errorf("501 on a GET: err %v after %d calls; want the 501 after 1", err, srv.Calls("getTeams"))
	}
	srv.FailNext("createCustomer", gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 500})
	if _, _, err := cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Emails: []gladly.Email{{Original: "five-hundred@example.com"}}}); gladly.StatusCode(err) != 500 {
		t.Errorf("500 on a create: %v, want the 500", err)
	}
	if n := srv.Calls("createCustomer"); n != 1 {
		t.Errorf("create sent %d times through a 500, want once", n)
	}
}

// TestRetriesStopAtTheDeadline checks the two ways the deadline ends retries, by counting attempts
// and by the context's state rather than by timing the call: the machine may be slow, the logic
// must not depend on it.
func TestRetriesStopAtTheDeadline(t *testing.T) {
	t.Parallel()

	// The next wait would outlast the deadline: the client gives up at once with the upstream
	// error instead of sleeping into the deadline. Proof it did not wait: one attempt, and the
	// context is still alive when the call returns (its deadline is 30 s away, the backoff 1 h).
	t.Run("no wait past the deadline", func(t *testing.T) {
		t.Parallel()
		srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
		cl := newClient(t, srv, gladly.WithRetry(gladly.RetryPolicy{MaxAttempts: 100, InitialInterval: time.Hour, MaxInterval: time.Hour, Multiplier: 1}))
		for range 5 {
			srv.FailNext("getAgents", gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503})
		}
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		_, _, err := cl.Agents.List(ctx)
		if gladly.StatusCode(err) != 503 {
			t.Fatalf("err %v, want the upstream 503", err)
		}
		if ctx.Err() != nil {
			t.Errorf("returned only when the deadline passed (%v): it waited for a retry it had no time for", ctx.Err())
		}
		if n := srv.Calls("getAgents"); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
	})

	// Retries every 40 ms against a 600 ms deadline, with more failures queued than the deadline
	// allows attempts: the client retries (≥ 2 attempts), stops by the deadline (each wait lasts
	// at least 40 ms, so at most 1 + 600/40 = 16 attempts fit; ignoring the deadline would reach
	// the 101st answer, a success), and reports Gladly's failure, not the context's.
	t.Run("retries stop when time runs out", func(t *testing.T) {
		t.Parallel()
		srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
		cl := newClient(t, srv, gladly.WithRetry(gladly.RetryPolicy{MaxAttempts: 1000, InitialInterval: 40 * time.Millisecond, MaxInterval: 40 * time.Millisecond, Multiplier: 1}))
		for range 100 {
			srv.FailNext("getAgents", gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503})
		}
		ctx, cancel := context.WithTimeout(t.Context(), 600*time.Millisecond)
		defer cancel()
		_, _, err := cl.Agents.List(ctx)
		if !gladly.IsUnavailable(err) {
			t.Fatalf("err %v, want the upstream failure", err)
		}
		if n := srv.Calls("getAgents"); n < 2 || n > 16 {
			t.Errorf("%d attempts within a 600 ms deadline at 40 ms intervals, want 2–16", n)
		}
	})
}

func TestWritesWithoutIDAreNeverRepeated(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()

	// A PATCH (no id makes it safe to repeat) meets a 503: sent once, the error surfaces.
	srv.FailNext("updateCustomer", gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503})
	name := "Augusta Ada King"
	if _, err := cl.Customers.Update(ctx, gladlytest.DemoCustomerID, &gladly.UpdateCustomerRequest{Name: &name}); !gladly.IsUnavailable(err) {
		t.Errorf("update through a 503: %v, want the 503", err)
	}
	// A DELETE through a dropped connection: sent once, the caller learns it may have landed.
	srv.FailNext("deleteCustomer", gladlytest.Fault{Kind: gladlytest.FaultDropAfter})
	var te *gladly.TransportError
	if _, err := cl.Customers.Delete(ctx, "no-such-customer"); !errors.As(err, &te) {
		t.Errorf("delete through a dropped connection: %v, want a TransportError", err)
	}
	for op, want := range map[string]int{"updateCustomer": 1, "deleteCustomer": 1} {
		if n := srv.Calls(op); n != want {
			t.Errorf("%s sent %d times, want %d", op, n, want)
		}
	}
}

func TestCreateRetriedAfterDroppedConnectionLandsOnce(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	ctx := t.Context()
	// The first attempt is processed, then its connection dies before the answer: the retry
	// meets 409 taken on the id, which proves the first landed.
	srv.FailNext("createCustomer", gladlytest.Fault{Kind: gladlytest.FaultDropAfter})
	id, resp, err := cl.Customers.Create(ctx, &gladly.CreateCustomerRequest{Emails: []gladly.Email{{Original: "once@example.com"}}})
	if err != nil {
		t.Fatalf("create through a dropped connection: %v", err)
	}
	if resp.Attempts != 2 || srv.Calls("createCustomer") != 2 {
		t.Errorf("attempts %d, calls %d; want 2 and 2", resp.Attempts, srv.Calls("createCustomer"))
	}
	found, _, err := cl.Customers.Find(ctx, gladly.FindCustomersOptions{Email: "once@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].ID != id {
		t.Errorf("customers with the email: %d (want exactly 1 with id %s)", len(found), id)
	}
	var ids []string
	for _, r := range srv.Requests() {
		if r.Op == "createCustomer" {
			ids = append(ids, string(r.Body))
		}
	}
	if len(ids) != 2 || ids[0] != ids[1] {
		t.Errorf("the retry must resend the same body (same id): %q", ids)
	}
}

func TestClientStaysUnderTheOrganizationLimit(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t) // Gladly's 10 requests per second, enforced with 429s
	cl, err := gladly.NewClient(srv.URL, gladly.WithBasicAuth(srv.Username, srv.Token), gladly.WithRetry(gladly.NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	const n = 35
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if _, _, err := cl.Inboxes.List(t.Context()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("request refused: %v", err)
	}
	if m := srv.MaxPerSecond(); m > gladly.DefaultRequestsPerSecond {
		t.Errorf("the fake saw %d requests in one second, limit %d", m, gladly.DefaultRequestsPerSecond)
	}
	if srv.Calls("getInboxes") != n {
		t.Errorf("%d calls, want %d", srv.Calls("getInboxes"), n)
	}
}

func TestCredentialsNeverInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	const secret = "s3cr3t-api-token-value"
	var logs bytes.Buffer
	cl := newClient(t, srv, gladly.WithBasicAuth(srv.Username, secret), gladly.WithLogger(zerolog.New(&logs).Level(zerolog.DebugLevel)))
	_, _, err := cl.Customers.Find(t.Context(), gladly.FindCustomersOptions{Email: "ada@example.com"})
	if !gladly.IsUnauthorized(err) {
		t.Fatalf("wrong token: %v, want 401", err)
	}
	srv.FailNext("getAgents", gladlytest.Fault{Kind: gladlytest.FaultStatus, Status: 503}, gladlytest.Fault{Kind: gladlytest.FaultDropAfter})
	good := newClient(t, srv, gladly.WithLogger(zerolog.New(&logs).Level(zerolog.DebugLevel)))
	if _, _, err := good.Agents.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	encoded := base64.StdEncoding.EncodeToString([]byte(srv.Username + ":" + secret))
	for _, s := range []string{err.Error(), logs.String()} {
		for _, leak := range []string{secret, encoded, srv.Token, "ada@example.com"} {
			if strings.Contains(s, leak) {
				t.Errorf("%q leaks %q", s, leak)
			}
		}
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("expected retry lines in the log, got %q", logs.String())
	}
}

// TestErrorBodyVariants: Gladly documents errors as an array, an object, a bare array and no
// body at all; each decodes to the same typed error.
func TestErrorBodyVariants(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		status int
		body   string
		want   []gladly.FieldError
	}{
		"array":  {404, `{"errors":[{"code":"not_exist","detail":"does not exist"}]}`, []gladly.FieldError{{Code: "not_exist", Detail: "does not exist"}}},
		"object": {404, `{"errors":{"code":"not_exist","detail":"customer profile [x] does not exist"}}`, []gladly.FieldError{{Code: "not_exist", Detail: "customer profile [x] does not exist"}}},
		"bare":   {400, `[{"attr":"status","code":"temporary_failure","detail":"try again"}]`, []gladly.FieldError{{Attr: "status", Code: "temporary_failure", Detail: "try again"}}},
		"empty":  {404, ``, nil},
		"meta":   {409, `{"errors":[{"attr":"name","code":"taken","detail":"another topic already has this name","meta":{"id":"x1"}}]}`, []gladly.FieldError{{Attr: "name", Code: "taken", Detail: "another topic already has this name", Meta: map[string]any{"id": "x1"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer hs.Close()
			cl, err := gladly.NewClient(hs.URL, gladly.WithRetry(gladly.NoRetry()), gladly.WithRateLimit(gladly.Unlimited{}))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = cl.Agents.Get(t.Context(), "x")
			var ge *gladly.Error
			if !errors.As(err, &ge) || ge.StatusCode != tc.status {
				t.Fatalf("err %v, want *gladly.Error %d", err, tc.status)
			}
			if len(ge.Errors) != len(tc.want) {
				t.Fatalf("errors %+v, want %+v", ge.Errors, tc.want)
			}
			for i := range tc.want {
				g, w := ge.Errors[i], tc.want[i]
				if g.Attr != w.Attr || g.Code != w.Code || g.Detail != w.Detail || len(g.Meta) != len(w.Meta) {
					t.Errorf("error %d: %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestEmptyIDIsRefusedLocally(t *testing.T) {
	t.Parallel()
	srv := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	cl := newClient(t, srv)
	_, _, err := cl.Customers.Get(t.Context(), "")
	var ae *gladly.ArgumentError
	if !errors.As(err, &ae) {
		t.Errorf("get with an empty id: %v, want an ArgumentError", err)
	}
	// An id cannot escape its path segment: ids a client, proxy or server could resolve as path
	// segments ("..", ".", slashes, even escaped) are refused before anything is sent.
	for _, id := range []string{"../agents", "..", ".", "a/b", `a\b`, strings.Repeat("x", 100_000)} {
		if _, _, err := cl.Customers.Get(t.Context(), id); !errors.As(err, &ae) {
			t.Errorf("get with the path-like id %q: %v, want an ArgumentError", id, err)
		}
	}
	if _, _, err := cl.Tasks.ListComments(t.Context(), ".."); !errors.As(err, &ae) {
		t.Errorf("list comments of task \"..\": %v, want an ArgumentError", err)
	}
	if n := srv.TotalCalls(); n != 0 {
		t.Errorf("path-like ids reached Gladly (%d calls): %v", n, srv.CallsByOp())
	}
	// Escaped dots are an ordinary (unknown) id.
	if _, _, err := cl.Customers.Get(t.Context(), "%2e%2e"); !gladly.IsNotFound(err) {
		t.Errorf("get with an escaped-dots id: %v, want 404", err)
	}
}

func TestWindowLimiter(t *testing.T) {
	t.Parallel()
	l := gladly.NewWindowLimiter(5, 200*time.Millisecond)
	start := time.Now()
	var grants []time.Duration
	for range 10 {
		if _, err := l.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		grants = append(grants, time.Since(start))
	}
	// Any 5 consecutive grants fit in a window; the 6th must come one window after the 1st.
	for i := 5; i < len(grants); i++ {
		if d := grants[i] - grants[i-5]; d < 200*time.Millisecond {
			t.Errorf("grants %d and %d are %v apart, want ≥ one window", i-5, i, d)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if _, err := l.Wait(ctx); !errors.Is(err, gladly.ErrLimiterDeadline) {
		t.Errorf("wait past the deadline: %v, want ErrLimiterDeadline", err)
	}
}

// TestDecodedObjectsEncodeAsReceived: an object decoded from Gladly re-encodes byte for byte,
// unknown fields included (the cache and remoteData rely on it).
func TestDecodedObjectsEncodeAsReceived(t *testing.T) {
	t.Parallel()
	raw := `{"id":"c1","name":"Ada","futureField":{"x":[1,2]},"createdAt":"2019-02-21T07:15:18.07272933Z"}`
	var list []*gladly.Customer
	if err := json.Unmarshal([]byte("["+raw+","+raw+"]"), &list); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[" + raw + "," + raw + "]"; string(b) != want {
		t.Errorf("re-encoded %s, want %s", b, want)
	}
	built, err := json.Marshal(gladly.Customer{ID: "c2", Name: "Built"})
	if err != nil || string(built) != `{"id":"c2","name":"Built"}` {
		t.Errorf("a customer built in Go encodes as %s, %v", built, err)
	}
}
