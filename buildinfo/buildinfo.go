// Package buildinfo reports what binary is running — module version, VCS revision and time,
// whether the tree was modified, Go version — from the build information the Go toolchain embeds,
// for `gladgraph -version`, the gladgraph_build_info metric and the traces' service.version.
package buildinfo

import (
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Info describes the running binary. Fields the toolchain did not record are empty.
type Info struct {
	// Version is the main module's version: a tag such as v1.2.3 for `go install …@v1.2.3`, a
	// pseudo-version for a build from a VCS checkout (Go 1.24+), "(devel)" otherwise.
	Version string
	// Revision is the VCS commit; Time its commit time; Modified whether the tree had changes.
	Revision string
	Time     time.Time
	Modified bool
	// GoVersion is the toolchain that built the binary, e.g. go1.26.0.
	GoVersion string
}

// stampedVersion and stampedRevision are set with -ldflags -X by builds that have no VCS
// checkout to read (the Dockerfile's: its context leaves .git out); they win over the toolchain's.
var stampedVersion, stampedRevision string

// Read returns the running binary's Info.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = &debug.BuildInfo{}
	}
	return FromBuildInfo(bi).stamped(stampedVersion, stampedRevision)
}

// stamped overrides the version and revision with the linker-stamped ones, when set.
func (i Info) stamped(version, revision string) Info {
	if version != "" {
		i.Version = version
	}
	if revision != "" {
		i.Revision, i.Modified = revision, false
	}
	return i
}

// FromBuildInfo extracts Info from bi (separate from Read so that it can be tested).
func FromBuildInfo(bi *debug.BuildInfo) Info {
	info := Info{Version: bi.Main.Version, GoVersion: bi.GoVersion}
	if info.Version == "" {
		info.Version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time, _ = time.Parse(time.RFC3339, s.Value)
		case "vcs.modified":
			info.Modified, _ = strconv.ParseBool(s.Value)
		}
	}
	return info
}

// ShortRevision is the first 12 characters of the revision, with "+dirty" for a modified tree.
func (i Info) ShortRevision() string {
	r := i.Revision
	if len(r) > 12 {
		r = r[:12]
	}
	if i.Modified && r != "" {
		r += "+dirty"
	}
	return r
}

// String is the `gladgraph -version` line, e.g.
// "gladgraph v1.2.3 (revision 0123456789ab, 2026-12-01T10:00:00Z) go1.26.0".
func (i Info) String() string {
	s := "gladgraph " + i.Version
	switch {
	case i.Revision != "" && !i.Time.IsZero():
		s += fmt.Sprintf(" (revision %s, %s)", i.ShortRevision(), i.Time.UTC().Format(time.RFC3339))
	case i.Revision != "":
		s += fmt.Sprintf(" (revision %s)", i.ShortRevision())
	}
	if i.GoVersion != "" {
		s += " " + i.GoVersion
	}
	return s
}

// Collector returns the gladgraph_build_info gauge: always 1, the build in its labels, so that a
// dashboard can join any series on the version running.
func (i Info) Collector() prometheus.Collector {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "gladgraph_build_info",
		Help: "The running gladgraph build: version, VCS revision and Go version; always 1.",
		ConstLabels: prometheus.Labels{
			"version":   i.Version,
			"revision":  i.ShortRevision(),
			"goversion": i.GoVersion,
		},
	})
	g.Set(1)
	return g
}
