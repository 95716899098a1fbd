package output

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/version"
)

func TestVersionText(t *testing.T) {
	base := version.Info{Version: "v1.2.3", GoVersion: "go1.26.8", Platform: "linux/amd64"}
	tests := map[string]struct {
		in   func(version.Info) version.Info
		want string
	}{
		"no commit": {in: func(i version.Info) version.Info { return i },
			want: "syncd v1.2.3\ngo:       go1.26.8\nplatform: linux/amd64\n"},
		"a commit alone": {in: func(i version.Info) version.Info { i.Commit = "abc"; return i },
			want: "syncd v1.2.3\ncommit:   abc\ngo:       go1.26.8\nplatform: linux/amd64\n"},
		"a commit, its time, modified": {in: func(i version.Info) version.Info {
			i.Commit, i.CommitAt, i.Modified = "abc", "2026-12-08T00:00:00Z", true
			return i
		}, want: "syncd v1.2.3\ncommit:   abc (2026-12-08T00:00:00Z, with uncommitted changes)\ngo:       go1.26.8\nplatform: linux/amd64\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Version(&b, tc.in(base), "text"); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
