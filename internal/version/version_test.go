package version

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFromBuild(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-12-08T00:00:00Z"}, {Key: "vcs.modified", Value: "true"}}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	tests := map[string]struct {
		linked string
		bi     *debug.BuildInfo
		want   Info
	}{
		"make dist: the linked version wins": {linked: "v1.2.3", bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			want: Info{Version: "v1.2.3", Commit: "abc123", CommitAt: "2026-12-08T00:00:00Z", Modified: true}},
		"go install @v1.2.3": {bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}},
			want: Info{Version: "v1.2.3"}},
		"go build in a clone": {bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			want: Info{Version: "devel", Commit: "abc123", CommitAt: "2026-12-08T00:00:00Z", Modified: true}},
		"no build info": {want: Info{Version: "unknown"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.want.GoVersion, tc.want.Platform = runtime.Version(), platform
			if diff := cmp.Diff(tc.want, fromBuild(tc.linked, tc.bi)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
