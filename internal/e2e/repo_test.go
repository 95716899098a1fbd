package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestPlanFromGit plans from a Git repository (--repo, --ref) instead of a
// directory; the plan names the commit it came from.
func TestPlanFromGit(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-git", map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-git-solo", "eso", "solo")
	repo, err := git.PlainInit(r.dir, false)
	must(t, err)
	wt, err := repo.Worktree()
	must(t, err)
	must(t, wt.AddGlob("."))
	head, err := wt.Commit("tenants", &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.test", When: time.Now()}})
	must(t, err)
	must(t, os.WriteFile(filepath.Join(r.dir, "tenants", "uncommitted.yaml"), []byte("not: committed\n"), 0o644))

	code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--repo", "file://"+r.dir, "--ref", "master",
		"--git-cache-dir", t.TempDir())
	if code != 0 || !strings.Contains(out, "revision "+head.String()) || !strings.Contains(out, "4 to create") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "uncommitted") {
		t.Errorf("the plan read a file that is not in the commit:\n%s\n%s", out, errOut)
	}
}
