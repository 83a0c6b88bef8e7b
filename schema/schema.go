// Package schema holds gladgraph's GraphQL contract as SDL, one file per domain (federation,
// ticketing, directory, conversations, knowledge, admin). gqlgen generates the server from these
// files; tools and tests read them through [Files].
package schema

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sync"
)

// Files holds every *.graphqls file of the schema, at the root of the file system. The files form
// one Apollo Federation v2 subgraph schema; load them together, with the federation definitions
// gqlgen injects (see schema_test.go).
//
//go:embed *.graphqls
var Files embed.FS

// Version identifies this schema: a short hash of its files. Caches key on it, so a deployment
// with a changed schema never reads entries written for another.
var Version = sync.OnceValue(func() string {
	h := sha256.New()
	entries, _ := fs.ReadDir(Files, ".")
	for _, e := range entries {
		b, _ := fs.ReadFile(Files, e.Name())
		h.Write([]byte(e.Name()))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
})
