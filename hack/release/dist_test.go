// Package release tests make dist: what a release ships.
package release

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func dist(t *testing.T, dir, platforms string) {
	t.Helper()
	cmd := exec.Command("bash", "../dist.sh")
	cmd.Env = append(os.Environ(), "VERSION=v0.0.0-test", "DIST="+dir, "PLATFORMS="+platforms, "DIST_ALLOW_DIRTY=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("dist.sh: %v\n%s", err, out)
	}
}

// sums reads SHA256SUMS and checks each file against it.
func sums(t *testing.T, dir string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", sc.Text())
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(b); hex.EncodeToString(h[:]) != sum {
			t.Errorf("%s: the checksum does not match", name)
		}
		got[name] = sum
	}
	return got
}

// make dist builds a static binary and an SBOM per platform, lists them in
// SHA256SUMS, links the version, and builds the same bytes twice.
func TestDist(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-builds four binaries")
	}
	script, err := os.ReadFile("../dist.sh")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(script, []byte("platforms=${PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}")) {
		t.Error("dist.sh does not build linux and darwin on amd64 and arm64 by default")
	}
	// Two of the four (both systems, both architectures): each cross-build
	// compiles every dependency again, minutes on 2 cores.
	first := t.TempDir()
	dist(t, first, "linux/amd64 darwin/arm64")
	got := sums(t, first)
	var names []string
	for _, p := range []string{"linux-amd64", "darwin-arm64"} {
		names = append(names, "syncd-v0.0.0-test-"+p, "syncd-v0.0.0-test-"+p+".cdx.json")
	}
	var listed []string
	for name := range got {
		listed = append(listed, name)
	}
	if diff := cmp.Diff(names, listed, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("SHA256SUMS lists (-want +got):\n%s", diff)
	}
	var sbom struct {
		BOMFormat  string `json:"bomFormat"`
		Components []struct {
			Name, Version string
		} `json:"components"`
	}
	b, err := os.ReadFile(filepath.Join(first, "syncd-v0.0.0-test-linux-amd64.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sbom); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range sbom.Components {
		found = found || c.Name == "github.com/hashicorp/vault/api"
	}
	if sbom.BOMFormat != "CycloneDX" || !found {
		t.Errorf("SBOM: format %q, %d components, vault/api listed: %v", sbom.BOMFormat, len(sbom.Components), found)
	}
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		out, err := exec.Command(filepath.Join(first, "syncd-v0.0.0-test-linux-amd64"), "version", "-o", "json").Output()
		if err != nil {
			t.Fatal(err)
		}
		var v struct{ Version, Commit string }
		if err := json.Unmarshal(out, &v); err != nil || v.Version != "v0.0.0-test" || len(v.Commit) != 40 {
			t.Errorf("version -o json: %s (%v)", out, err)
		}
	}
	again := t.TempDir()
	dist(t, again, "linux/amd64")
	name := "syncd-v0.0.0-test-linux-amd64"
	if a := sums(t, again); a[name] != got[name] || a[name+".cdx.json"] != got[name+".cdx.json"] {
		t.Errorf("a second build differs: %s %s vs %s %s", a[name], a[name+".cdx.json"], got[name], got[name+".cdx.json"])
	}
	if bytes.Contains(b, []byte(`"timestamp"`)) || bytes.Contains(b, []byte(`"serialNumber"`)) {
		t.Error("the SBOM carries a timestamp or serial number: not reproducible")
	}
}
