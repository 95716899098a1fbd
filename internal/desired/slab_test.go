package desired

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// buildInto builds files as Build does, each tenant's window sized by count.
func buildInto(t *testing.T, cfg *config.Config, files []tenant.File, count func(*builder, *tenant.Tenant) int) (*State, *slab) {
	t.Helper()
	prev := objectCount
	objectCount = count
	defer func() { objectCount = prev }()
	set := tenant.Parse(files, cfg)
	sl := newSlab(&builder{cfg: cfg}, set.Tenants)
	built, err := derive(cfg, set, sl, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := assemble(set, built, sl)
	if err != nil {
		t.Fatal(err)
	}
	return st, sl
}

// Each valid tenant builds into its window of one array and the state's
// list is that array compacted in place; whatever the windows' sizes —
// as counted, too small (the objects move out), too large (gaps) — the
// state is the same, tenants dropped by a conflict leave nothing behind,
// and the count is what the builder derives.
func TestSlabHoldsWhatTheTenantsBuild(t *testing.T) {
	files := []tenant.File{
		TenantFile("a", "spec:\n  databases:\n    - {name: b-c, connection: catalog, privilege: readonly}\n"),
		TenantFile("a-b", "spec:\n  databases:\n    - {name: c, connection: catalog, privilege: readwrite}\n"), // conflicts with a
		TenantFile("m", ""),
	}
	for i := range 20 {
		files = append(files, TenantFile(fmt.Sprintf("t%02d", i), fmt.Sprintf("spec:\n  secrets:\n%s  databases:\n    - {name: db, connection: catalog, privilege: readonly}\n",
			func() (s string) {
				for j := range i % 3 {
					s += fmt.Sprintf("    - {name: s%d, path: a/b%d, keys: [k]}\n", j, j)
				}
				return s
			}())))
	}
	managed := config.Default()
	managed.Kubernetes.ManageNamespaces = true
	for cfgName, cfg := range map[string]*config.Config{"default": config.Default(), "namespaces managed": managed} {
		t.Run(cfgName, func(t *testing.T) {
			want, sl := buildInto(t, cfg, files, objectCount)
			if len(want.Objects) == 0 || &want.Objects[0] != &sl.objects[0] {
				t.Fatal("the state's objects are not the slab's")
			}
			wantJSON, _ := json.Marshal(want)
			for name, count := range map[string]func(*builder, *tenant.Tenant) int{
				"windows of one": func(*builder, *tenant.Tenant) int { return 1 },
				"windows of 40":  func(*builder, *tenant.Tenant) int { return 40 },
			} {
				got, sl := buildInto(t, cfg, files, count)
				if gotJSON, _ := json.Marshal(got); string(gotJSON) != string(wantJSON) {
					t.Errorf("%s: state differs from windows as counted:\n%s\n%s", name, wantJSON, gotJSON)
				}
				if &got.Objects[0] != &sl.objects[0] {
					continue // moved out: the slab is garbage
				}
				for i, o := range sl.objects[len(got.Objects):] {
					if o.Spec != nil || o.ID.Name != "" {
						t.Errorf("%s: slab keeps %s after the state's objects (at %d)", name, o.ID, i)
					}
				}
			}
			set := tenant.Parse(files, cfg)
			b := &builder{cfg: cfg, ids: NewIDs(cfg)}
			for _, tn := range set.Tenants {
				tb, err := b.tenant(tn, nil)
				if err != nil {
					t.Fatal(err)
				}
				if n := objectCount(b, tn); n != len(tb.objects) {
					t.Errorf("tenant %s: counted %d objects, built %d", tn.Metadata.Name, n, len(tb.objects))
				}
			}
		})
	}
}
