package diff

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/object"
)

// everythingWanted is Wanted as one set of every identity: what Want must
// hold, however it holds it.
func everythingWanted(cfg *config.Config, s *desired.State, inv *inventory.Inventory, tenants ...string) object.Set {
	want := object.Set{}
	in := func(t string) bool { return len(tenants) == 0 || slices.Contains(tenants, t) }
	for _, o := range s.Objects {
		if in(o.Tenant) {
			want.Add(o.ID)
			for _, r := range o.Refs {
				want.Add(r)
			}
		}
	}
	for _, e := range s.External {
		if in(e.Tenant) || e.Tenant == "" {
			want.Add(e.ID)
		}
	}
	ids := desired.NewIDs(cfg)
	for _, rec := range inv.Tenants {
		if id, ok := kvPrefixID(cfg, rec); ok && rec.DeprecatedAt != nil {
			want.Add(id)
		}
	}
	present := map[string]bool{}
	for _, t := range s.Tenants {
		present[t.Name] = true
	}
	for name, rec := range inv.Tenants {
		for id := range (&inventory.Inventory{Tenants: map[string]*inventory.Tenant{name: rec}}).Owned() {
			want.Add(id)
			if id.Kind == object.Policy && !present[name] && id.Name != rec.DeprecatedPolicy {
				want.Add(ids.Policy(id.Name + config.DeprecatedSuffix)) // a removed tenant's policy is renamed
			}
		}
	}
	return want
}

// Want finds the desired objects and externals in the desired state and
// holds only the rest, yet wants exactly what one set of everything would:
// each identity once, no other; and Without drops a kind from both.
func TestWantHoldsWhatTheStateDoesNot(t *testing.T) {
	cfg, st := fixture(t, blog, shop)
	ids := desired.NewIDs(cfg)
	inv := &inventory.Inventory{Tenants: map[string]*inventory.Tenant{}}
	for name, objs := range st.ByTenant() {
		inv.Tenants[name] = &inventory.Tenant{Objects: desired.ObjectIDs(objs)}
	}
	inv.Tenants["blog"].Objects = append(inv.Tenants["blog"].Objects, ids.DatabaseRole("dropped")) // owned, no longer desired
	inv.Tenants["blog"].Pending = []object.ID{ids.AuthRole("pending")}
	inv.Tenants["gone"] = deprecated(time.Now(), "gone")
	inv.Tenants["removed"] = &inventory.Tenant{Objects: []object.ID{ids.Policy("bookstore-platform-app-removed"), ids.AuthRole("removed")}}
	for name, tenants := range map[string][]string{"every tenant": nil, "one tenant": {"blog"}} {
		t.Run(name, func(t *testing.T) {
			w := Wanted(cfg, st, inv, tenants...)
			ref := everythingWanted(cfg, st, inv, tenants...)
			if !ref.Has(ids.Policy("bookstore-platform-app-removed-deprecated")) || ref.Has(ids.Policy("bookstore-platform-app-blog-deprecated")) {
				t.Fatal("the reference wants no rename for a removed tenant's policy, or one for a present tenant's")
			}
			if len(tenants) == 0 && len(w.others) >= len(ref)/2 {
				t.Errorf("holds %d of %d identities itself: the desired state's should not be copied", len(w.others), len(ref))
			}
			for _, drop := range []object.Kind{"", object.KVSecret} {
				if drop != "" {
					w.Without(drop)
					for id := range ref {
						if id.Kind == drop {
							delete(ref, id)
						}
					}
				}
				var got []object.ID
				w.Each(func(id object.ID) { got = append(got, id) })
				slices.SortFunc(got, object.Compare)
				if diff := cmp.Diff(ref.Sorted(), got); diff != "" {
					t.Errorf("without %q, Each (-want +got):\n%s", drop, diff)
				}
				for _, id := range slices.Concat(ref.Sorted(), []object.ID{ids.Policy("not-wanted"), ids.KVSecret("bookstore-platform/blog/nope")}) {
					if w.Has(id) != ref.Has(id) {
						t.Errorf("without %q, Has(%s) = %v", drop, id, w.Has(id))
					}
				}
			}
		})
	}
}
