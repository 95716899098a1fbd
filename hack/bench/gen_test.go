package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/syncd-dev/syncd/internal/cli"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// The bench measures valid tenants: every shape it generates passes
// syncd validate under the config it generates (a validation rule that
// rejects a shape would have the bench time the error path).
func TestGeneratedTenantsValidate(t *testing.T) {
	root, err := testbed.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := benchConfig(root, "http://127.0.0.1:8200")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "gen")
	if err := generate(dir, 6, cfg); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := cli.Main([]string{"validate", "--dir", dir}, &out, &errb); code != 0 {
		t.Fatalf("validate of the generated tenants: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
}
