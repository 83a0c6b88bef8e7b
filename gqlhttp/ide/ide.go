package ide

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// The in-browser IDE: a small page of our own whose assets are embedded, so it works with no
// internet (no CDN, no fonts from elsewhere).
//
//go:embed graphiql
var graphiqlFiles embed.FS

// GraphiQLOptions configure the IDE page.
type GraphiQLOptions struct {
	// Endpoint is where queries are POSTed, relative to the page ("graphql" works for a page
	// served at / and at /graphql, also behind a path prefix).
	Endpoint string
	// Title is the page title.
	Title string
	// DefaultQuery is shown when the browser has no saved query (default: the demo's Ada).
	DefaultQuery string
}

// DefaultGraphiQLQuery works against the demo fixture.
const DefaultGraphiQLQuery = `# Welcome to gladgraph: the Gladly helpdesk as one GraphQL graph.
# Run with the ▶ button or Ctrl-Enter (⌘-Enter on a Mac).
# The schema explorer (Docs) lists every type and field.

query Ada {
  contacts(email: "ada@example.com") {
    id
    name
    email
  }
}
`

type graphiqlPage struct {
	Title   string
	Version string
	Config  graphiqlConfig
}

type graphiqlConfig struct {
	Endpoint     string `json:"endpoint"`
	DefaultQuery string `json:"defaultQuery"`
}

type graphiqlHandler struct {
	page    []byte
	assets  map[string][]byte // by base name
	version string
}

// GraphiQL returns a handler serving the IDE page on any path but /graphiql/<asset>, where it
// serves the page's scripts and styles. Mount it at GET / and GET /graphiql/.
func GraphiQL(opts GraphiQLOptions) http.Handler {
	if opts.Endpoint == "" {
		opts.Endpoint = "graphql"
	}
	if opts.Title == "" {
		opts.Title = "GraphiQL"
	}
	if opts.DefaultQuery == "" {
		opts.DefaultQuery = DefaultGraphiQLQuery
	}
	h := &graphiqlHandler{assets: map[string][]byte{}}
	sum := sha256.New()
	entries, err := fs.ReadDir(graphiqlFiles, "graphiql")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	for _, e := range entries {
		b, err := graphiqlFiles.ReadFile("graphiql/" + e.Name())
		if err != nil {
			panic(err)
		}
		if e.Name() != "index.html" {
			h.assets[e.Name()] = b
		}
		sum.Write(b)
	}
	h.version = hex.EncodeToString(sum.Sum(nil))[:12]
	tpl := template.Must(template.ParseFS(graphiqlFiles, "graphiql/index.html"))
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, graphiqlPage{
		Title: opts.Title, Version: h.version,
		Config: graphiqlConfig{Endpoint: opts.Endpoint, DefaultQuery: opts.DefaultQuery},
	}); err != nil {
		panic(err)
	}
	h.page = buf.Bytes()
	return h
}

func (h *graphiqlHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	if dir, name := path.Split(r.URL.Path); strings.HasSuffix(dir, "/graphiql/") {
		b, ok := h.assets[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		hdr.Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
		if r.URL.Query().Get("v") == h.version {
			hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			hdr.Set("Cache-Control", "no-cache")
		}
		_, _ = w.Write(b)
		return
	}
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	hdr.Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write(h.page)
}
