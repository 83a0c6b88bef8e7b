package main

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/gladgraph/gladgraph/accounts"
	"github.com/gladgraph/gladgraph/accounts/pgtest"
	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/mcp/stdio"
)

// stdioRun is `gladgraph mcp` with env, its stdin and stdout two pipes (newline-delimited
// JSON-RPC, as a desktop client drives it) and its stderr collected.
type stdioRun struct {
	stderr *syncBuffer
	done   chan error
	client *sdk.ClientSession
}

// startStdio runs the command; connect says whether to open a client session on it.
func startStdio(t *testing.T, env map[string]string, connect bool) *stdioRun {
	t.Helper()
	inR, inW := io.Pipe()   // client → server (stdin)
	outR, outW := io.Pipe() // server → client (stdout)
	r := &stdioRun{stderr: &syncBuffer{}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		err := stdio.Serve(ctx, &sdk.IOTransport{Reader: inR, Writer: outW}, nil, envOf(env), r.stderr, stdioLayers)
		_ = outW.Close()
		_ = inR.Close()
		r.done <- err
	}()
	t.Cleanup(func() {
		cancel()
		_ = inW.Close()
		_ = outR.Close()
	})
	if connect {
		c := sdk.NewClient(&sdk.Implementation{Name: "gladgraph-test", Version: "1"}, nil)
		cs, err := c.Connect(t.Context(), &sdk.IOTransport{Reader: outR, Writer: inW}, nil)
		if err != nil {
			t.Fatalf("connect: %v\n%s", err, r.stderr)
		}
		r.client = cs
	}
	return r
}

// wait is the command's result once it ended.
func (r *stdioRun) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		return err
	case <-time.After(time.Minute): // a hang, not a bound on speed
		t.Fatalf("gladgraph mcp did not end\n%s", r.stderr)
		return nil
	}
}

func (r *stdioRun) tools(t *testing.T) map[string]bool {
	t.Helper()
	res, err := r.client.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tl := range res.Tools {
		names[tl.Name] = true
	}
	return names
}

func (r *stdioRun) call(t *testing.T, name string, args map[string]any) (*sdk.CallToolResult, string) {
	t.Helper()
	res, err := r.client.CallTool(t.Context(), &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	return res, text.String()
}

// The demo over stdio: no key, the anonymous caller on demo with every tool; a read tool answers
// from the fixture through the server's own layers; stdout carried the protocol only (the
// client decoded every line of it) and the logs went to stderr; closing stdin ends the command.
func TestMCPStdioDemo(t *testing.T) {
	t.Parallel()
	r := startStdio(t, map[string]string{"LOG_FORMAT": "json"}, true)
	names := r.tools(t)
	for _, want := range []string{"get_contact_360", "create_ticket", "delete_contact", "search_schema"} {
		if !names[want] {
			t.Errorf("tools/list lacks %s: %v", want, names)
		}
	}
	res, text := r.call(t, "get_contact_360", map[string]any{"id": gladlytest.DemoCustomerID})
	if res.IsError {
		t.Fatalf("get_contact_360: %s", text)
	}
	got, _ := json.Marshal(res.StructuredContent)
	if !strings.Contains(string(got), `"name":"Ada Lovelace"`) {
		t.Fatalf("get_contact_360: %s", got)
	}
	// A write reaches Gladly, and a later call reads it back.
	name := "stdio topic"
	if res, text := r.call(t, "create_topic", map[string]any{"input": map[string]any{"name": name}}); res.IsError {
		t.Fatalf("create_topic: %s", text)
	}
	if _, text := r.call(t, "list_topics", map[string]any{"first": 100}); !strings.Contains(text, name) {
		t.Fatalf("list_topics after create_topic: %s", text)
	}
	if err := r.client.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.wait(t); err != nil {
		t.Fatalf("gladgraph mcp ended with %v\n%s", err, r.stderr)
	}
	logs := r.stderr.String()
	for _, want := range []string{`"account":"demo","caller":"anonymous"`, `"operation":"GetContact360"`, "mcp: session ended"} {
		if !strings.Contains(logs, want) {
			t.Errorf("stderr lacks %s:\n%s", want, logs)
		}
	}
}

// A deployment with DATABASE_URL: the key names the account and its scopes; tools/list is
// narrowed to them; a call outside them is a tool error; a key revoked during the session fails
// the next call with UNAUTHENTICATED, as the next HTTP request would.
func TestMCPStdioAPIKey(t *testing.T) {
	t.Parallel()
	fake := gladlytest.NewServer(t, gladlytest.WithoutRateLimit())
	keys, err := accounts.NewKeyString("k1")
	if err != nil {
		t.Fatal(err)
	}
	kr, err := accounts.ParseKeyring(keys)
	if err != nil {
		t.Fatal(err)
	}
	db := pgtest.NewDatabase(t)
	store, err := accounts.OpenPostgres(t.Context(), db, kr)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Create(t.Context(), accounts.NewAccount{ID: "acme", GladlyBaseURL: fake.URL,
		Username: fake.Username, APIToken: fake.Token, RateLimit: 100}); err != nil {
		t.Fatal(err)
	}
	key, err := store.IssueAPIKey(t.Context(), "acme", []string{caller.ContactsRead, caller.DirectoryRead}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABASE_URL": db, "ACCOUNTS_ENCRYPTION_KEYS": keys, "LOG_FORMAT": "json"}

	env[stdio.EnvAPIKey] = key.Key
	r := startStdio(t, env, true)
	names := r.tools(t)
	if !names["get_contact"] || !names["find_contacts"] || names["get_contact_360"] || names["delete_contact"] || names["create_ticket"] {
		t.Fatalf("tools/list for contacts:read + directory:read: %v", names)
	}
	res, text := r.call(t, "get_contact", map[string]any{"id": gladlytest.DemoCustomerID})
	if res.IsError || !strings.Contains(text, "Ada Lovelace") {
		t.Fatalf("get_contact: %s", text)
	}
	if res, text := r.call(t, "delete_contact", map[string]any{"id": gladlytest.DemoCustomerID}); !res.IsError || !strings.Contains(text, "contacts:delete") {
		t.Fatalf("delete_contact without contacts:delete: %v %s", res.IsError, text)
	}
	if err := store.RevokeAPIKey(t.Context(), "acme", key.ID); err != nil {
		t.Fatal(err)
	}
	if res, text := r.call(t, "get_contact", map[string]any{"id": gladlytest.DemoCustomerID}); !res.IsError || !strings.Contains(text, "UNAUTHENTICATED") || strings.Contains(text, "Ada") {
		t.Fatalf("get_contact with the key revoked: %v %s", res.IsError, text)
	}
	_ = r.client.Close()
	if err := r.wait(t); err != nil {
		t.Fatal(err)
	}
	if logs := r.stderr.String(); strings.Contains(logs, key.Key) || strings.Contains(logs, fake.Token) {
		t.Fatalf("stderr holds a secret:\n%s", logs)
	}

	// Refused at start, before any protocol: a revoked key, and no key where one is required.
	for _, k := range []string{key.Key, ""} {
		env[stdio.EnvAPIKey] = k
		r := startStdio(t, env, false)
		err := r.wait(t)
		want := "UNAUTHENTICATED: the API key has been revoked"
		if k == "" {
			want = "GLADGRAPH_API_KEY is not set: AUTH_MODE=required"
		}
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), key.Key) {
			t.Errorf("key given %v: %v, want %q", k != "", err, want)
		}
	}
}
