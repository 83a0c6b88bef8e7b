package ide

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/gladgraph/gladgraph/graph/generated"
)

func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestPage(t *testing.T) {
	t.Parallel()
	h := Handler(Options{Endpoint: "graphql", Title: "gladgraph"})
	res, body := get(t, h, "/")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP = %q: the page must load only its own scripts", csp)
	}
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Error("the page refers to another site; it must work offline")
	}
	m := regexp.MustCompile(`(?s)<script type="application/json" id="gg-config">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no configuration block in the page")
	}
	var cfg struct{ Endpoint, DefaultQuery string }
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("configuration block is not JSON: %v\n%s", err, m[1])
	}
	if cfg.Endpoint != "graphql" || !strings.Contains(cfg.DefaultQuery, `contacts(email: "ada@example.com")`) {
		t.Errorf("configuration = %+v", cfg)
	}

	// Every asset the page names is served, from any mount point of the page.
	srcs := regexp.MustCompile(`(?:src|href)="(ide/[^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(srcs) < 6 {
		t.Fatalf("page names %d assets, want the stylesheet and the scripts", len(srcs))
	}
	for _, s := range srcs {
		res, asset := get(t, h, "/"+s[1])
		if res.StatusCode != http.StatusOK || len(asset) == 0 {
			t.Errorf("GET /%s = %d (%d bytes)", s[1], res.StatusCode, len(asset))
		}
		if !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET /%s: versioned asset not cacheable: %q", s[1], res.Header.Get("Cache-Control"))
		}
		if strings.Contains(asset, "http://") || strings.Contains(asset, "https://") {
			t.Errorf("%s refers to another site; the IDE must work offline", s[1])
		}
	}
	if res, _ := get(t, h, "/ide/nope.js"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown asset: %d, want 404", res.StatusCode)
	}
}

func TestEscapesConfiguration(t *testing.T) {
	t.Parallel()
	h := Handler(Options{DefaultQuery: "</script><script>alert(1)</script>"})
	_, body := get(t, h, "/")
	if strings.Contains(body, "<script>alert(1)") {
		t.Error("default query breaks out of the configuration block")
	}
}

// The IDE's GraphQL analysis (completion, problems, prettifier) is plain JavaScript without the
// DOM; Node's test runner checks it (ide/testdata/gql.test.cjs).
func TestScripts(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node (Node.js 20+) is needed to test the IDE's scripts and is not on PATH")
	}
	cmd := exec.CommandContext(t.Context(), node, "--test", "testdata/gql.test.cjs")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test testdata/gql.test.cjs: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "# pass 3") {
		t.Fatalf("expected 3 passing tests:\n%s", out)
	}
}

// The page wires the new pieces: the analysis script, the problems list, and the prettifier.
func TestPageUsesTheAnalysis(t *testing.T) {
	t.Parallel()
	h := Handler(Options{})
	_, body := get(t, h, "/")
	for _, want := range []string{`src="ide/gql.js?v=`, `id="problems"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	_, app := get(t, h, "/ide/app.js")
	for _, want := range []string{"GG.prettify(", "GG.complete(", "GG.validate(", "GG.indexSchema("} {
		if !strings.Contains(app, want) {
			t.Errorf("app.js does not call %s", want)
		}
	}
}

// The page's first query must run: it is validated against the schema the server serves.
func TestDefaultQueryIsValid(t *testing.T) {
	t.Parallel()
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	if _, errs := gqlparser.LoadQuery(schema, DefaultQuery); errs != nil {
		t.Fatalf("DefaultQuery does not validate: %v", errs)
	}
}
