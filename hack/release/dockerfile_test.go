package release

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The Dockerfile builds a release image reproducibly for any platform:
// every base pinned by digest, the toolchain on the build platform
// cross-compiling for the target, build caches mounted, OCI labels set.
// (No Docker engine runs here: the file is checked, not built.)
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	pinned := regexp.MustCompile(`^FROM (--platform=\S+ )?\S+:\S+@sha256:[0-9a-f]{64}( AS \S+)?$`)
	froms := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "FROM ") {
			froms++
			if !pinned.MatchString(line) {
				t.Errorf("%q: a base image pinned by tag and digest", line)
			}
		}
	}
	if froms < 2 {
		t.Errorf("%d FROM lines: want a build stage and a runtime stage", froms)
	}
	for _, want := range []string{
		"FROM --platform=$BUILDPLATFORM ", "GOOS=$TARGETOS GOARCH=$TARGETARCH", "CGO_ENABLED=0", "-trimpath", "-buildid=",
		"--mount=type=cache,target=/go/pkg/mod", "--mount=type=cache,target=/root/.cache/go-build",
		"org.opencontainers.image.source=", "org.opencontainers.image.version=", "org.opencontainers.image.revision=", "org.opencontainers.image.licenses=\"Apache-2.0\"",
		"USER 65532:65532",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}
}
