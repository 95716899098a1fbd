// Package version says which syncd this is: the release it was built as
// (-ldflags "-X ...version.Version=v1.2.3", as make build and make dist
// set it), else what the Go toolchain recorded in the binary (the module
// version for go install …@v1.2.3, the VCS commit for a build in a clone).
package version

import (
	"runtime"
	"runtime/debug"
)

// Version, Commit and CommitTime are set by the linker (make build, make
// dist); empty in a plain go build, where the build info speaks.
var Version, Commit, CommitTime string

// Info is what `syncd version` prints.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	CommitAt  string `json:"commitTime,omitempty"`
	Modified  bool   `json:"modified,omitempty"` // built from a tree with uncommitted changes
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Get returns this binary's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	in := fromBuild(Version, bi)
	if Commit != "" {
		in.Commit, in.CommitAt, in.Modified = Commit, CommitTime, false
	}
	return in
}

// String is the version alone, for --version and the plan JSON.
func String() string { return Get().Version }

func fromBuild(linked string, bi *debug.BuildInfo) Info {
	in := Info{Version: linked, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		if in.Version == "" {
			in.Version = "unknown"
		}
		return in
	}
	if in.Version == "" {
		in.Version = bi.Main.Version // v1.2.3 from go install; a pseudo-version or "(devel)" in a clone
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Commit = s.Value
		case "vcs.time":
			in.CommitAt = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	if in.Version == "" || in.Version == "(devel)" {
		in.Version = "devel"
	}
	return in
}
