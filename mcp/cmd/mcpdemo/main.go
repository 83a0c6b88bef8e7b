// Command mcpdemo serves /mcp over the fake Gladly's demo fixture on a loopback port, for the
// e2e suite (e2e/test/5-mcp.test.js) until gladgraph's own demo serves /mcp. It authenticates
// bearer API keys (ggk_…) it issues at start — one with every Gladly scope, one with a few — and
// prints one JSON line: the address, the keys, and arguments for every read tool.
//
//	go run ./mcp/cmd/mcpdemo [-addr 127.0.0.1:0]
//
// MCP_ALLOW_ARBITRARY_OPERATIONS=true registers execute_graphql, as in the server.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/auth"
	"github.com/gladgraph/gladgraph/caller"
	"github.com/gladgraph/gladgraph/gladly/gladlytest"
	"github.com/gladgraph/gladgraph/mcp"
	"github.com/gladgraph/gladgraph/mcp/mcptest"
)

// narrowScopes are the scopes of the narrower demo key.
var narrowScopes = []string{caller.ContactsRead, caller.TicketsRead, caller.DirectoryRead}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "mcpdemo:", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		return errors.New("mcpdemo listens on loopback only")
	}
	fake, err := gladlytest.Start(gladlytest.WithoutRateLimit())
	if err != nil {
		return err
	}
	defer fake.Close()
	log := zerolog.New(os.Stderr).Level(zerolog.WarnLevel)
	gql, err := mcptest.GraphQLHandler(fake, log)
	if err != nil {
		return err
	}
	h, err := mcp.NewHTTPHandler(mcp.Options{
		Executor:                 mcp.HandlerExecutor(gql),
		AllowArbitraryOperations: os.Getenv("MCP_ALLOW_ARBITRARY_OPERATIONS") == "true",
		AllowLoopbackOrigins:     true,
	})
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	keys := keyring{}
	full, err := keys.issue(caller.GladlyScopes)
	if err != nil {
		return err
	}
	narrow, err := keys.issue(narrowScopes)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", keys.require(base+mcp.ResourceMetadataPath, h))
	meta := mcp.ResourceMetadataHandler(mcp.NewResourceMetadata(base, os.Getenv("AUTH_ISSUER")))
	mux.Handle(mcp.ResourceMetadataPath, meta)
	mux.Handle(mcp.WellKnownResourcePath, meta)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	line, _ := json.Marshal(map[string]any{
		"message": "listening", "addr": ln.Addr().String(), "url": base + "/mcp",
		"keys":      map[string]any{"full": full, "narrow": narrow, "narrowScopes": narrowScopes},
		"arguments": mcptest.DemoArguments(time.Now()),
		"fixture":   map[string]string{"contactId": gladlytest.DemoCustomerID, "conversationId": gladlytest.DemoOpenConversationID},
	})
	fmt.Println(string(line))
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// keyring holds the demo's API keys as a KeyStore would: ids and hashes, never the secrets.
type keyring map[string]auth.StoredKey

func (k keyring) issue(scopes []string) (string, error) {
	key, id, hash, err := auth.NewAPIKey()
	if err != nil {
		return "", err
	}
	k[id] = auth.StoredKey{ID: id, AccountID: "demo", Hash: hash, Scopes: scopes}
	return key, nil
}

// require answers 401 with the resource metadata's address unless the request carries one of
// the keys, and otherwise puts the key's caller in the request's context (the edge's job in the
// server).
func (k keyring) require(metadataURL string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		id, secret, parsed := auth.ParseAPIKey(strings.TrimSpace(token))
		stored, known := k[id]
		if !ok || !parsed || !known || !auth.SecretMatches(secret, stored.Hash) {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer resource_metadata=%q`, metadataURL))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":{"code":"UNAUTHENTICATED","message":"send Authorization: Bearer <API key>"}}`))
			return
		}
		c := &caller.Caller{Kind: caller.KindAPIKey, Subject: stored.ID, AccountID: stored.AccountID, Scopes: caller.NewScopes(stored.Scopes...)}
		next.ServeHTTP(w, r.WithContext(caller.With(r.Context(), c)))
	})
}
