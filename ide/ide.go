// Package ide serves gladgraph's in-browser GraphQL IDE: an editor with highlighting, completion
// of fields from the introspected schema, problems marked as you type (syntax, unknown fields,
// missing or needless selections), a prettifier that reprints the document, a schema explorer and
// a history. Every script and style is ours and embedded, so the page works with no network.
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

//go:embed assets
var files embed.FS

// Options configure the IDE page.
type Options struct {
	// Endpoint is where queries are POSTed, relative to the page ("graphql" works for a page
	// served at / and at /graphql, also behind a path prefix).
	Endpoint string
	// Title is the page title.
	Title string
	// DefaultQuery is shown when the browser has no saved query (default: the demo's Ada).
	DefaultQuery string
}

// DefaultQuery works against the demo fixture.
const DefaultQuery = `# Welcome to gladgraph: the Gladly helpdesk as one GraphQL graph.
# Run with the ▶ button or Ctrl-Enter (⌘-Enter on a Mac). Fields complete as you type
# (Ctrl-Space asks); problems show under the editor. The explorer (Docs) lists every type.

query Ada {
  contacts(email: "ada@example.com") {
    nodes {
      id
      name
      email
    }
  }
}
`

type page struct {
	Title   string
	Version string
	Config  config
}

type config struct {
	Endpoint     string `json:"endpoint"`
	DefaultQuery string `json:"defaultQuery"`
}

type handler struct {
	page    []byte
	assets  map[string][]byte // by base name
	version string
}

// Handler serves the IDE page on any path but /ide/<asset>, where it serves the page's scripts
// and styles. Mount it at GET / and GET /ide/.
func Handler(opts Options) http.Handler {
	if opts.Endpoint == "" {
		opts.Endpoint = "graphql"
	}
	if opts.Title == "" {
		opts.Title = "gladgraph"
	}
	if opts.DefaultQuery == "" {
		opts.DefaultQuery = DefaultQuery
	}
	h := &handler{assets: map[string][]byte{}}
	sum := sha256.New()
	entries, err := fs.ReadDir(files, "assets")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	for _, e := range entries {
		b, err := files.ReadFile("assets/" + e.Name())
		if err != nil {
			panic(err)
		}
		if e.Name() != "index.html" {
			h.assets[e.Name()] = b
		}
		sum.Write(b)
	}
	h.version = hex.EncodeToString(sum.Sum(nil))[:12]
	tpl := template.Must(template.ParseFS(files, "assets/index.html"))
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, page{
		Title: opts.Title, Version: h.version,
		Config: config{Endpoint: opts.Endpoint, DefaultQuery: opts.DefaultQuery},
	}); err != nil {
		panic(err)
	}
	h.page = buf.Bytes()
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	if dir, name := path.Split(r.URL.Path); strings.HasSuffix(dir, "/ide/") {
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
