package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestFromBuildInfo(t *testing.T) {
	t.Parallel()
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.0",
		Main:      debug.Module{Path: "github.com/gladgraph/gladgraph", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
			{Key: "CGO_ENABLED", Value: "0"},
		},
	}
	got := FromBuildInfo(bi)
	want := Info{
		Version: "v1.2.3", GoVersion: "go1.26.0", Modified: true,
		Revision: "0123456789abcdef0123456789abcdef01234567",
		Time:     time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("FromBuildInfo (-want +got):\n%s", diff)
	}
	if s, want := got.String(), "gladgraph v1.2.3 (revision 0123456789ab+dirty, 2026-12-01T10:00:00Z) go1.26.0"; s != want {
		t.Errorf("String() = %q, want %q", s, want)
	}
}

func TestFromBuildInfoWithoutVCS(t *testing.T) {
	t.Parallel()
	got := FromBuildInfo(&debug.BuildInfo{GoVersion: "go1.26.0"})
	if got.Version != "(devel)" || got.Revision != "" || got.String() != "gladgraph (devel) go1.26.0" {
		t.Errorf("got %+v (%q)", got, got.String())
	}
}

// The test binary has build information too: Read must find the Go version it was built with.
func TestReadRunningBinary(t *testing.T) {
	t.Parallel()
	got := Read()
	if !strings.HasPrefix(got.GoVersion, "go1.") {
		t.Errorf("Read().GoVersion = %q", got.GoVersion)
	}
}

func TestCollector(t *testing.T) {
	t.Parallel()
	info := Info{Version: "v1.2.3", Revision: "0123456789abcdef", GoVersion: "go1.26.0"}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(info.Collector())
	want := `
# HELP gladgraph_build_info The running gladgraph build: version, VCS revision and Go version; always 1.
# TYPE gladgraph_build_info gauge
gladgraph_build_info{goversion="go1.26.0",revision="0123456789ab",version="v1.2.3"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "gladgraph_build_info"); err != nil {
		t.Error(err)
	}
}

func TestStampedWins(t *testing.T) {
	t.Parallel()
	got := Info{Version: "(devel)", GoVersion: "go1.26.0", Modified: true}.stamped("v1.4.0", "abcdef0123456789")
	if got.Version != "v1.4.0" || got.ShortRevision() != "abcdef012345" {
		t.Errorf("stamped: %+v", got)
	}
	if same := (Info{Version: "v1.0.0"}).stamped("", ""); same.Version != "v1.0.0" {
		t.Errorf("an empty stamp changed the version: %+v", same)
	}
}
