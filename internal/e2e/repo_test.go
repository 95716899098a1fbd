package e2e_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/syncd-dev/syncd/internal/daemon"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/source"
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

// TestApplyRefusesACommitThatDoesNotDescendFromTheLastApplied: apply from
// Git records the revision it applied in a ConfigMap (the real API
// server); a later apply of an older commit — the server or a force-push
// serving it again — is refused with both hashes and changes nothing, and
// --git-accept-revision lets exactly that commit through.
func TestApplyRefusesACommitThatDoesNotDescendFromTheLastApplied(t *testing.T) {
	testbed.Require(t, bed)
	ctx := t.Context()
	r := newRepo(t, "e2e-hist", map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-hist-solo", "eso", "solo")
	repo, err := git.PlainInit(r.dir, false)
	must(t, err)
	wt, err := repo.Worktree()
	must(t, err)
	commit := func(msg string) plumbing.Hash {
		must(t, wt.AddGlob("."))
		h, err := wt.Commit(msg, &git.CommitOptions{All: true, Author: &object.Signature{Name: "t", Email: "t@example.test", When: time.Now()}})
		must(t, err)
		return h
	}
	older := commit("one secret")
	tenant := filepath.Join(r.dir, "tenants", "solo.yaml")
	body, err := os.ReadFile(tenant)
	must(t, err)
	must(t, os.WriteFile(tenant, append(body, "    - {name: t, path: c/d, keys: [k]}\n"...), 0o644))
	newer := commit("two secrets")

	history := "default/e2e-hist-" + strings.ToLower(t.Name()[len(t.Name())-8:])
	cache := t.TempDir()
	apply := func(extra ...string) (int, string) {
		args := append([]string{"apply", "--auto-approve", "--repo", "file://" + r.dir, "--ref", "master", "--git-cache-dir", cache, "--git-history", history}, extra...)
		code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), args...)
		return code, out + errOut
	}
	if code, out := apply(); code != 0 {
		t.Fatalf("first apply: exit %d\n%s", code, out)
	}
	ns, name, _ := strings.Cut(history, "/")
	cm, err := bed.Kube.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
	must(t, err)
	t.Cleanup(func() {
		_ = bed.Kube.CoreV1().ConfigMaps(ns).Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	if cm.Data["revision"] != newer.String() {
		t.Fatalf("recorded %q, want %s", cm.Data["revision"], newer)
	}

	must(t, repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/master", older))) // the old commit served again
	code, out := apply()
	if code == 0 || !strings.Contains(out, "does not descend from the last revision applied") ||
		!strings.Contains(out, older.String()) || !strings.Contains(out, newer.String()) {
		t.Fatalf("rolled back: exit %d\n%s", code, out)
	}
	if strings.Contains(out, "to delete") {
		t.Errorf("a refused commit was planned:\n%s", out)
	}
	if code, out := apply("--git-accept-revision", older.String(), "--allow-deletes"); code != 0 || !strings.Contains(out, "applied") {
		t.Fatalf("accepted by name: exit %d\n%s", code, out)
	}
	cm, err = bed.Kube.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
	must(t, err)
	if cm.Data["revision"] != older.String() {
		t.Errorf("after the accepted rollback the record is %q, want %s", cm.Data["revision"], older)
	}
}

// TestDaemonRecordsAndHoldsTheRevision: the daemon records each revision it
// reconciles in the ConfigMap history (the real API server); when the
// server then serves an older commit, the fetch is refused naming both,
// the last-known-good state stays in force, and the record is unchanged.
func TestDaemonRecordsAndHoldsTheRevision(t *testing.T) {
	testbed.Require(t, bed)
	ctx := t.Context()
	r := newRepo(t, "e2e-dhist", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-dhist-shop", "eso", "shop")
	g := newGitRepo(t, r) // the first commit
	head, err := g.repo.Head()
	must(t, err)
	older := head.Hash()
	r.writeTenant(t, "shop", "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n    - {name: t, path: c/d, keys: [k]}\n")
	newer := g.commit()
	hist := source.ConfigMapHistory{Client: bed.Kube, Namespace: "default", Name: "e2e-dhist-revision", Repository: "file://" + g.r.dir, Ref: "master"}
	t.Cleanup(func() {
		_ = bed.Kube.CoreV1().ConfigMaps("default").Delete(context.Background(), hist.Name, metav1.DeleteOptions{})
	})
	c := bedClients(t)
	d := daemon.New(daemon.Config{
		Source:  source.Git{URL: "file://" + g.r.dir, Ref: "master", CacheDir: t.TempDir(), History: hist},
		History: hist, Poll: time.Hour, Scan: time.Hour, Mode: daemon.Heal,
		Clients: func(context.Context) (reconcile.Clients, error) { return c, nil },
		Plan:    reconcile.PlanOptions{AllowDeletes: true},
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if out := d.Once(ctx, true); !out.OK() || out.Revision != newer {
		t.Fatalf("first reconcile: %+v", out)
	}
	if last, err := hist.Last(ctx); err != nil || last != newer {
		t.Fatalf("recorded %q (%v), want %s", last, err, newer)
	}
	must(t, g.repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/master", older)))
	out := d.Once(ctx, true)
	if !errors.Is(out.Err, source.ErrNotDescendant) || !strings.Contains(out.Err.Error(), older.String()) || out.Revision != newer {
		t.Fatalf("an older commit served: %+v", out)
	}
	if !strings.Contains(policyOf("e2e-dhist-app-shop"), "e2e-dhist/shop/c/d") {
		t.Error("the older commit's state was applied")
	}
	if last, _ := hist.Last(ctx); last != newer {
		t.Errorf("the record moved to %q", last)
	}
}
