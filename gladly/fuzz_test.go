package gladly_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gladgraph/gladgraph/gladly"
)

// Fuzzers of the decoding of Gladly's answers (issue 8). Whatever Gladly — or something in
// front of it — sends back, the client returns a value or an error, never panics, and keeps the
// promises of its decoders: a decoded object encodes back to what Gladly sent, and errors never
// carry the API token. `make fuzz` runs each for longer; found inputs are kept in
// testdata/fuzz/<FuzzName>/ as regression seeds.

const fuzzToken = "fuzz-secret-token-4f1c"

// cannedTransport answers every request with one status and body, without a network.
type cannedTransport struct {
	status int
	body   []byte
	header http.Header
	calls  int
}

func (c *cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.calls++
	h := c.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	return &http.Response{StatusCode: c.status, Header: h, Body: io.NopCloser(bytes.NewReader(c.body)), Request: r}, nil
}

func cannedClient(t *testing.T, tr *cannedTransport) *gladly.Client {
	t.Helper()
	cl, err := gladly.NewClient("https://fuzz.gladly.com", gladly.WithBasicAuth("api@fuzz.example", fuzzToken),
		gladly.WithHTTPClient(&http.Client{Transport: tr}), gladly.WithRateLimit(gladly.Unlimited{}),
		gladly.WithRetry(gladly.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// checkRawRoundTrip checks the promise of raw.go: a decoded object encodes as the JSON it came
// from (compacted), and decoding that again gives the same object.
func checkRawRoundTrip[T any](t *testing.T, in []byte, got *T, ignore ...cmp.Option) {
	t.Helper()
	var enc bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetEscapeHTML(false) // json.Marshal escapes <, > and & even in raw JSON: equivalent, not equal
	if err := e.Encode(got); err != nil {
		t.Fatalf("a decoded object does not encode: %v", err)
	}
	out := bytes.TrimSuffix(enc.Bytes(), []byte("\n"))
	var want bytes.Buffer
	if err := json.Compact(&want, in); err != nil {
		t.Fatalf("decoded from invalid JSON %q: %v", in, err)
	}
	if !bytes.Equal(out, want.Bytes()) {
		t.Fatalf("encode(decode(x)) = %s, want %s", out, want.Bytes())
	}
	var again T
	if err := json.Unmarshal(out, &again); err != nil {
		t.Fatalf("re-decoding the encoded object: %v", err)
	}
	opts := append([]cmp.Option{cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported()}, ignore...)
	if diff := cmp.Diff(*got, again, opts...); diff != "" {
		t.Fatalf("decode(encode(decode(x))) differs:\n%s", diff)
	}
}

func FuzzDecodeCustomer(f *testing.F) {
	for _, s := range []string{
		`{"id":"c1","name":"Ada","emails":[{"original":"ada@example.com","primary":true}],"phones":[{"original":"+14155550100","type":"MOBILE"}],"customAttributes":{"tier":"gold","n":1.5},"externalCustomerIds":{"shop":"42"},"createdAt":"2024-01-01T00:00:00Z","unknown":{"x":[1,2]}}`,
		`{"id":"c2"}`, `{}`, `null`, `[]`, `{"createdAt":"yesterday"}`, `{"emails":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Through the client, as a GET answer.
		tr := &cannedTransport{status: http.StatusOK, body: b}
		c, _, err := cannedClient(t, tr).Customers.Get(t.Context(), "c1")
		if err != nil {
			if strings.Contains(err.Error(), fuzzToken) {
				t.Fatalf("error shows the token: %v", err)
			}
			return
		}
		if c == nil || len(bytes.TrimSpace(b)) == 0 || bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
			return // nothing decoded
		}
		checkRawRoundTrip(t, b, c, cmpopts.IgnoreFields(gladly.Customer{}, "Raw"))
	})
}

func FuzzDecodeConversationItem(f *testing.F) {
	for _, s := range []string{
		`{"id":"i1","customerId":"c1","conversationId":"v1","timestamp":"2024-01-01T00:00:00Z","initiator":{"id":"a1","type":"AGENT"},"content":{"type":"CHAT_MESSAGE","content":"hi","sessionId":"s1"}}`,
		`{"id":"i2","content":{"type":"EMAIL","from":"a@b.c","to":["d@e.f"],"subject":"s","content":"<p>x</p>","attachments":[{"id":"x"}]}}`,
		`{"id":"i3","content":{"type":"PHONE_CALL","startedAt":"2024-01-01T00:00:00Z","duration":12.5,"recordingStatus":"AVAILABLE"}}`,
		`{"id":"i4","content":{"type":"SOMETHING_NEW","whatever":[1,{"a":null}]}}`,
		`{"id":"i5","content":{"type":"EMAIL","to":"not a list"}}`,
		`{"id":"i6","content":null}`, `{"id":"i7","content":"text"}`, `{"id":"i8","content":{"type":7}}`,
		`{"id":"i9","content":{"type":"CONVERSATION_NOTE","body":"n"}}`, `{"id":"i10","content":{"type":"TOPIC_CHANGE","addedTopicIds":["t1"]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tr := &cannedTransport{status: http.StatusOK, body: b}
		it, _, err := cannedClient(t, tr).Items.Get(t.Context(), "i1")
		if err != nil {
			if strings.Contains(err.Error(), fuzzToken) {
				t.Fatalf("error shows the token: %v", err)
			}
			return
		}
		if it == nil || len(it.Raw) == 0 {
			return
		}
		checkRawRoundTrip(t, b, it, cmpopts.IgnoreFields(gladly.Item{}, "Raw"))

		// The content decodes by its type: a known type as its struct, anything else (or a
		// known type in an unexpected shape) as UnknownContent keeping the JSON.
		var head struct {
			Content json.RawMessage `json:"content"`
		}
		_ = json.Unmarshal(b, &head)
		raw := bytes.TrimSpace(head.Content)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			if it.Content != nil {
				t.Fatalf("null content decoded as %T", it.Content)
			}
			return
		}
		if it.Content == nil {
			t.Fatalf("content %s decoded as nil", raw)
		}
		var typ struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(raw, &typ)
		if u, ok := it.Content.(*gladly.UnknownContent); ok {
			if !json.Valid(u.Raw) {
				t.Fatalf("unknown content lost its JSON: %q", u.Raw)
			}
		} else if it.Content.ContentType() != typ.Type {
			t.Fatalf("content of type %q decoded as %T (%q)", typ.Type, it.Content, it.Content.ContentType())
		}

		// An item built in Go from the decoded fields encodes with its content's type, and
		// decodes to the same content type.
		built := *it
		built.Raw = nil
		enc, err := json.Marshal(built)
		if err != nil {
			t.Fatalf("encode an item built in Go: %v", err)
		}
		var back gladly.Item
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("decode %s: %v", enc, err)
		}
		if back.Content == nil || back.Content.ContentType() != it.Content.ContentType() {
			t.Fatalf("content type %q became %v after encode/decode of %s", it.Content.ContentType(), back.Content, enc)
		}
	})
}

func FuzzDecodeErrorBody(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{400, `{"errors":[{"attr":"name","code":"blank","detail":"name cannot be blank"}]}`},
		{404, `{"errors":{"code":"not_found","detail":"no such customer"}}`},
		{409, `[{"attr":"id","code":"taken"}]`},
		{301, `{"errors":[{"code":"moved","meta":{"old":"a","new":"b"}}]}`},
		{429, ``}, {401, `unauthorized`}, {403, `{"errors":"nope"}`}, {500, `<html>oops</html>`}, {503, `{"errors":null}`},
	} {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, b []byte) {
		if status < 300 || status > 599 || status == 304 {
			return
		}
		tr := &cannedTransport{status: status, body: b, header: http.Header{"Retry-After": {"1"}, "Location": {"/api/v1/customer-profiles/b"}}}
		_, resp, err := cannedClient(t, tr).Customers.Get(t.Context(), "c1")
		if err == nil {
			t.Fatalf("status %d answered without an error", status)
		}
		if msg := err.Error(); strings.Contains(msg, fuzzToken) {
			t.Fatalf("error shows the token: %s", msg)
		}
		if got := gladly.StatusCode(err); got != status {
			t.Fatalf("StatusCode(err) = %d, want %d (%v)", got, status, err)
		}
		if resp == nil || resp.StatusCode != status {
			t.Fatalf("response missing or of another status: %+v", resp)
		}
		var ge *gladly.Error
		if !errors.As(err, &ge) {
			t.Fatalf("%T is not a *gladly.Error", err)
		}
		var rl *gladly.RateLimitError
		if (status == http.StatusTooManyRequests) != errors.As(err, &rl) {
			t.Fatalf("status %d: RateLimitError %v", status, errors.As(err, &rl))
		}
		if status == http.StatusTooManyRequests && rl.RetryAfter != time.Second {
			t.Fatalf("Retry-After: 1 read as %v", rl.RetryAfter)
		}
		if gladly.IsNotFound(err) != (status == http.StatusNotFound) || gladly.IsUnauthorized(err) != (status == http.StatusUnauthorized) ||
			gladly.IsForbidden(err) != (status == http.StatusForbidden) {
			t.Fatalf("status %d: the Is helpers disagree (%v)", status, err)
		}
	})
}

func FuzzEventsStream(f *testing.F) {
	for _, s := range []string{
		`{"id":"e1","type":"CUSTOMER/PROFILE_UPDATED","timestamp":"2024-01-01T00:00:00Z","content":{"customerId":"c1"}}` + "\n" +
			`{"id":"e2","type":"TASK/CLOSED","timestamp":"2024-01-01T00:00:01Z","content":{"customerId":"c1","taskId":"t1"}}` + "\n",
		`{"id":"e3","type":"CONVERSATION/CLOSED","content":"not an object"}`,
		"\n\n  \n", `{"type":"PING"}`, `{"id":"e4"}`, `{"id":"e5","type":"X"} trailing`, `[`, "{\"id\":\"e6\",\"type\":\"X\"}\r\n{",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tr := &cannedTransport{status: http.StatusOK, body: b, header: http.Header{"Content-Type": {"application/x-jsonlines"}}}
		opts := gladly.ListEventsOptions{StartAt: time.Now().Add(-time.Hour), Entities: []string{gladly.EntityCustomer}}
		n := 0
		_, err := cannedClient(t, tr).Events.Stream(t.Context(), opts, func(e *gladly.Event) error {
			n++
			if e.Type == "" || (e.ID == "" && e.Type != "PING") {
				t.Fatalf("event without a type or id delivered: %+v", e)
			}
			_ = e.IDs() // content of any shape yields ids or none
			return nil
		})
		if err != nil && strings.Contains(err.Error(), fuzzToken) {
			t.Fatalf("error shows the token: %v", err)
		}
		// Every non-blank line is one event, or the stream stops with an error at it.
		lines := 0
		for l := range bytes.SplitSeq(b, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				lines++
			}
		}
		if err == nil && n != lines {
			t.Fatalf("%d non-blank lines, %d events, no error", lines, n)
		}
		if n > lines {
			t.Fatalf("%d events from %d lines", n, lines)
		}
	})
}
