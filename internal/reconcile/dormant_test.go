package reconcile

import (
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/tenant"
)

func loadRepo(t *testing.T) *Repo {
	t.Helper()
	repo, err := Load(filepath.Join("..", ".."), "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || repo.Isolation != nil || len(repo.State.Objects) == 0 {
		t.Fatalf("loading the repository's tenants: %v, isolation %v", err, repo.Isolation)
	}
	return repo
}

func rendered(t *testing.T, r *Repo) string {
	t.Helper()
	b, err := json.Marshal(r.State)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A dormant repository holds no desired state and wakes with the one it
// loaded with, leaving itself and the loaded repository as they were.
func TestDormantRepoWakesAsLoaded(t *testing.T) {
	repo := loadRepo(t)
	want := rendered(t, repo)
	d := repo.Dormant()
	if d.State != nil || repo.State == nil {
		t.Fatalf("dormant state %v, loaded state nil: %v", d.State != nil, repo.State == nil)
	}
	awake, err := d.Awake()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, rendered(t, awake)); diff != "" {
		t.Errorf("woken state (-loaded +woken):\n%s", diff)
	}
	if d.State != nil || awake.Revision != repo.Revision || awake.Digest != repo.Digest || awake.Tenants != repo.Tenants {
		t.Errorf("woken repository is not the loaded one, or the dormant one changed")
	}
	if again, err := awake.Awake(); err != nil || again != awake {
		t.Errorf("an awake repository woke anew: %v", err)
	}
}

// A dormant repository whose tenants no longer derive as they did (two
// of one name: a conflict the first load would have held) does not wake,
// and its tenants are left as they were.
func TestDormantRepoThatDerivesOtherwiseDoesNotWake(t *testing.T) {
	repo := loadRepo(t)
	d := repo.Dormant()
	set := *repo.Tenants
	set.Tenants = append([]*tenant.Tenant{set.Tenants[0]}, set.Tenants...)
	d.Tenants = &set
	if _, err := d.Awake(); err == nil {
		t.Fatal("woke")
	}
	if len(set.Tenants) != len(repo.Tenants.Tenants)+1 || len(set.Invalid) != len(repo.Tenants.Invalid) {
		t.Errorf("waking changed the dormant repository's tenants")
	}
}

// A repository without its tenant files keeps its state, digest and tenant
// errors, leaves the loaded one as it was, and, made dormant, refuses to
// wake: deriving from no files would plan every tenant away.
func TestRepoWithoutFilesKeepsItsStateAndNeverWakesEmpty(t *testing.T) {
	repo := loadRepo(t)
	want := rendered(t, repo)
	n := len(repo.Tenants.Tenants)
	lean := repo.WithoutFiles()
	if lean.Tenants.Tenants != nil || lean.Tenants.Failed != nil {
		t.Errorf("the tenant files are still held: %d, %d", len(lean.Tenants.Tenants), len(lean.Tenants.Failed))
	}
	if len(repo.Tenants.Tenants) != n || n == 0 {
		t.Errorf("the loaded repository lost its files: %d of %d", len(repo.Tenants.Tenants), n)
	}
	if diff := cmp.Diff(want, rendered(t, lean)); diff != "" {
		t.Errorf("state (-loaded +without files):\n%s", diff)
	}
	if lean.Digest != repo.Digest || lean.Tenants.Digest != repo.Tenants.Digest || lean.Cfg != repo.Cfg {
		t.Errorf("digests or config changed")
	}
	if awake, err := lean.Awake(); err != nil || awake != lean {
		t.Errorf("a repository with its state woke anew: %v", err)
	}
	if awake, err := lean.Dormant().Awake(); err == nil {
		t.Errorf("woke without files, deriving %d tenants", len(awake.State.Tenants))
	}
}
