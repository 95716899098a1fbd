package testbed_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestBuildReusesUserBinaries: a vault on PATH of the pinned minor, and
// kube-apiserver and etcd from setup-envtest's KUBEBUILDER_ASSETS, are used
// instead of building, and build.sh says so.
func TestBuildReusesUserBinaries(t *testing.T) {
	root, err := testbed.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	d := t.TempDir()
	fake := func(dir, name, version string) {
		must(t, os.MkdirAll(dir, 0o755))
		must(t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\necho \""+version+"\"\n"), 0o755))
	}
	fake(filepath.Join(d, "path"), "vault", "Vault v1.21.7 ('abc'), built 2026-01-01")
	fake(filepath.Join(d, "assets"), "kube-apiserver", "Kubernetes v1.37.9")
	fake(filepath.Join(d, "assets"), "etcd", "etcd Version: 3.6.1")
	cmd := exec.Command(filepath.Join(root, "hack", "testbed", "build.sh"), "vault", "kube-apiserver", "etcd")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(d, "path")+":"+os.Getenv("PATH"),
		"KUBEBUILDER_ASSETS="+filepath.Join(d, "assets"), "SYNCD_CACHE_DIR="+filepath.Join(d, "cache"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	for _, want := range []string{"using " + filepath.Join(d, "path", "vault") + " (vault v1.21.7, the pinned minor)",
		"(kube-apiserver v1.37.9, the pinned minor)", "(etcd v3.6.1, the pinned minor)"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("build.sh output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "testbed: building") {
		t.Errorf("build.sh built something:\n%s", out)
	}
	for _, name := range []string{"vault-v1.21.0", "kube-apiserver-v1.37.2", "etcd-v3.6.16"} {
		if target, err := os.Readlink(filepath.Join(d, "cache", "bin", name)); err != nil || !strings.HasPrefix(target, d) {
			t.Errorf("%s -> %q, %v; want a link to the user's binary", name, target, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
