package diff

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// renamed builds the desired state of files under a config whose database
// role template differs, as after a config change.
func renamed(t *testing.T, in *Input, files ...string) {
	t.Helper()
	cfg := *in.Config
	cfg.Names.DatabaseRole = "renamed-{tenant}-{db}"
	var fs []tenant.File
	for _, f := range files {
		_, st := fixture(t, f)
		fs = append(fs, tenant.File{Path: st.Tenants[0].Name + ".yaml", Data: []byte(f)})
	}
	set := tenant.Parse(fs, &cfg)
	st, err := desired.Build(&cfg, set)
	if err != nil || set.Err() != nil {
		t.Fatal(err, set.Err())
	}
	in.Config, in.Desired = &cfg, st
}

func deprecated(at time.Time, name string) *inventory.Tenant {
	return &inventory.Tenant{DeprecatedAt: &at, DeprecatedPolicy: "bookstore-platform-app-" + name + "-deprecated",
		KVMount: "secret", KVPrefix: "bookstore-platform/" + name}
}

func livePolicy(l *live.State, cfg *config.Config, name string) {
	id := desired.NewIDs(cfg).Policy(name)
	l.Objects[id] = live.Object{ID: id, Spec: &desired.PolicySpec{Name: name}}
}

const shop2 = `apiVersion: syncd.io/v1alpha1
kind: Tenant
metadata: {name: shop2}
spec:
  databases:
    - {name: catalog, connection: catalog, privilege: readonly}
`

// pendingAs records blog's object of kind as pending only, its live
// counterpart changed by edit.
func pendingAs(t *testing.T, st *desired.State, l *live.State, kind object.Kind, edit func(*live.Object)) {
	t.Helper()
	for _, o := range st.Objects {
		if o.ID.Kind != kind || o.Tenant != "blog" {
			continue
		}
		rec := l.Inventory.Tenants["blog"]
		rec.Objects, rec.Pending = without(rec.Objects, o.ID), []object.ID{o.ID}
		lo := live.Object{ID: o.ID, Spec: o.Spec}
		edit(&lo)
		l.Objects[o.ID] = lo
		return
	}
	t.Fatalf("blog has no %s", kind)
}

func TestLifecycle(t *testing.T) {
	runPlanCases(t, map[string]planCase{
		"a pending object as desired and written by syncd is confirmed": {
			files: []string{blog}, live: []string{blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				pendingAs(t, st, l, object.SecretStore, func(*live.Object) {})
			},
			want: []string{"0 confirm SecretStore bookstore-platform-blog/vault-blog"},
		},
		"a pending Kubernetes object no field of which is syncd's is not taken without --adopt": {
			files: []string{blog}, live: []string{blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				pendingAs(t, st, l, object.SecretStore, func(o *live.Object) { o.Foreign = true })
			},
			want: []string{
				"error ExternalSecret bookstore-platform-blog/smtp: skipped: depends on SecretStore bookstore-platform-blog/vault-blog, which cannot be applied",
				"error SecretStore bookstore-platform-blog/vault-blog: recorded as pending (a write syncd began and never confirmed), but no field of the live object is syncd's: someone else created it; plan with --adopt to take it over",
			},
		},
		"a pending Vault object that differs from what syncd writes is not updated without --adopt": {
			files: []string{blog}, live: []string{blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				pendingAs(t, st, l, object.AuthRole, func(o *live.Object) {
					r := *o.Spec.(*desired.AuthRoleSpec)
					r.TokenPolicies = append(r.TokenPolicies, "someone-elses")
					o.Spec = &r
				})
			},
			want: []string{
				"error ExternalSecret bookstore-platform-blog/smtp: skipped: depends on SecretStore bookstore-platform-blog/vault-blog, which cannot be applied (upstream failure: KubernetesAuthRole bookstore-platform-blog)",
				"error SecretStore bookstore-platform-blog/vault-blog: skipped: depends on KubernetesAuthRole bookstore-platform-blog, which cannot be applied",
				"error KubernetesAuthRole bookstore-platform-blog: recorded as pending (a write syncd began and never confirmed), but the live object differs from what syncd writes: it may not be syncd's; plan with --adopt to take it over",
			},
		},
		"with --adopt a pending object that may not be syncd's is adopted": {
			files: []string{blog}, live: []string{blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				pendingAs(t, st, l, object.SecretStore, func(o *live.Object) { o.Foreign = true })
				in.Options.Adopt = true
			},
			want: []string{"0 adopt SecretStore bookstore-platform-blog/vault-blog"},
		},
		"an object the inventory records for another tenant is never planned for this one, live or not": {
			files: []string{shop}, live: nil,
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				role := mustID(t, st, object.DatabaseRole, "bookstore-platform-shop-catalog")
				l.Inventory.Tenants["other"] = &inventory.Tenant{Objects: []object.ID{role}}
			},
			want: []string{
				"0 create Policy bookstore-platform-app-shop",
				"1 create KubernetesAuthRole bookstore-platform-shop",
				"2 create SecretStore bookstore-platform-shop/vault-shop",
				"3 create ExternalSecret bookstore-platform-shop/stripe",
				"error ExternalSecret bookstore-platform-shop/catalog-db: skipped: depends on VaultDynamicSecret bookstore-platform-shop/catalog-db, which cannot be applied (upstream failure: DatabaseRole bookstore-platform-shop-catalog)",
				"error VaultDynamicSecret bookstore-platform-shop/catalog-db: skipped: depends on DatabaseRole bookstore-platform-shop-catalog, which cannot be applied",
				"error DatabaseRole bookstore-platform-shop-catalog: is owned by tenant other (recorded in the inventory); it is never planned for another tenant",
				"error DatabaseRole bookstore-platform-shop-catalog: forget for tenant other not planned: the object already has an error",
				// the policy does not grant credentials of a role that is not shop's
				"warning Policy bookstore-platform-app-shop: grant of database/creds/bookstore-platform-shop-catalog dropped: DatabaseRole bookstore-platform-shop-catalog cannot be applied for this tenant",
			},
		},
		"an owned object another tenant wants is neither planned for it nor deleted by off-boarding": {
			files: []string{blog}, live: []string{blog, shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				// shop is removed; blog now claims shop's auth role by name
				store := mustID(t, st, object.SecretStore, "vault-blog")
				in.Live.Inventory.Tenants["shop"].Objects = append(in.Live.Inventory.Tenants["shop"].Objects, store)
				in.Live.Inventory.Tenants["blog"].Objects = without(in.Live.Inventory.Tenants["blog"].Objects, store)
				in.Config.Guard.MaxDeletePercent = 100
			},
			want: append(slices.Clone(shopOffboarding),
				"error ExternalSecret bookstore-platform-blog/smtp: skipped: depends on SecretStore bookstore-platform-blog/vault-blog, which cannot be applied",
				"error SecretStore bookstore-platform-blog/vault-blog: is owned by tenant shop (recorded in the inventory); it is never planned for another tenant",
				"error SecretStore bookstore-platform-blog/vault-blog: delete for tenant shop not planned: the object already has an error",
			),
		},
		"the -deprecated name is taken by a policy that is not the tenant's: an error, no rename": {
			files: []string{blog}, live: []string{blog, shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				livePolicy(l, cfg, "bookstore-platform-app-shop-deprecated")
				in.Config.Guard.MaxDeletePercent = 100
			},
			want: append(slices.Clone(shopOffboarding[:len(shopOffboarding)-1]), // all but the deprecation
				"error Policy bookstore-platform-app-shop: cannot rename to bookstore-platform-app-shop-deprecated: that policy exists and is not this tenant's; delete or rename it first",
			),
		},
		"a config change renaming database roles revokes the old leases after the generator points away": {
			files: []string{shop}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				renamed(t, in, shop)
				in.Config.Guard.MaxDeletePercent = 100
			},
			want: []string{
				"0 create DatabaseRole renamed-shop-catalog",
				"1 update VaultDynamicSecret bookstore-platform-shop/catalog-db",
				"1 update Policy bookstore-platform-app-shop",
				"2 delete DatabaseRole bookstore-platform-shop-catalog",
				"3 revoke-leases Leases bookstore-platform-shop-catalog",
			},
		},
		"guard: a template change revoking every tenant's leases counts, though no tenant is removed": {
			files: []string{shop, shop2}, live: []string{shop, shop2},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				renamed(t, in, shop, shop2)
				in.Config.Guard = config.Guard{MaxDeletes: 1, MaxDeletePercent: 100}
			},
			want: []string{
				"0 create DatabaseRole renamed-shop-catalog",
				"0 create DatabaseRole renamed-shop2-catalog",
				"1 update VaultDynamicSecret bookstore-platform-shop/catalog-db",
				"1 update VaultDynamicSecret bookstore-platform-shop2/catalog-db",
				"1 update Policy bookstore-platform-app-shop",
				"1 update Policy bookstore-platform-app-shop2",
				"error  : deletion guard: 4 destructive steps would touch 2 tenants (shop, shop2), more than guard.maxDeletes=1; no destructive step is planned (re-run with --allow-deletes if this is intended)",
			},
			refused: true,
		},
		"guard: every tenant file invalid still counts as no tenant files": {
			files: []string{blog}, live: []string{blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				in.Desired = &desired.State{}
				in.Unknown = map[string]error{"broken": errors.New("broken.yaml: invalid YAML")}
				in.Config.Guard = config.Guard{MaxDeletes: 100, MaxDeletePercent: 100}
			},
			want: []string{
				"error  : deletion guard: no valid tenant file was found, yet 4 destructive steps would touch 1 tenants (blog); no destructive step is planned (re-run with --allow-deletes if this is intended)",
			},
			refused: true,
		},
		"guard: held and waiting tenants are not in the percentage base": {
			files: []string{blog}, live: []string{blog, shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				// 1 touched of 2 active = 50% > 34%; counting held and waiting
				// tenants it would be 1 of 4 = 25% and pass.
				l.Inventory.Tenants["held"] = &inventory.Tenant{}
				in.Unknown = map[string]error{"held": errors.New("held.yaml: broken")}
				l.Inventory.Tenants["gone"] = deprecated(now.Add(-time.Hour), "gone")
			},
			want: []string{
				"error  : deletion guard: 8 destructive steps would touch 1 of 2 actively managed tenants (shop), more than guard.maxDeletePercent=34%; no destructive step is planned (re-run with --allow-deletes if this is intended)",
				"held held",
				"waiting gone until 2026-12-01T11:00:00Z",
			},
			refused: true,
		},
		"a tenant re-added during its grace period: off-boarding cancelled, KV data kept": {
			files: []string{blog}, live: nil,
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				l.Inventory.Tenants["blog"] = deprecated(now.Add(-2*time.Hour), "blog")
				livePolicy(l, cfg, "bookstore-platform-app-blog-deprecated")
			},
			want: []string{
				"0 create Policy bookstore-platform-app-blog",
				"0 delete-deprecated Policy bookstore-platform-app-blog-deprecated",
				"1 create KubernetesAuthRole bookstore-platform-blog",
				"2 create SecretStore bookstore-platform-blog/vault-blog",
				"3 create ExternalSecret bookstore-platform-blog/smtp",
			},
		},
		"a tenant re-added after its grace period: its KV data is still never deleted": {
			files: []string{blog}, live: nil,
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				l.Inventory.Tenants["blog"] = deprecated(now.Add(-30*time.Hour), "blog")
			},
			want: []string{
				"0 create Policy bookstore-platform-app-blog",
				"1 create KubernetesAuthRole bookstore-platform-blog",
				"2 create SecretStore bookstore-platform-blog/vault-blog",
				"3 create ExternalSecret bookstore-platform-blog/smtp",
			},
		},
		"leftovers of a partly failed off-boarding are retried while the grace period runs": {
			files: []string{blog}, live: []string{blog, shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				_, shopState := fixture(t, shop)
				rec := deprecated(now.Add(-time.Hour), "shop")
				rec.Objects = desired.ObjectIDs(shopState.ByTenant()[shopState.Tenants[0].Name])
				l.Inventory.Tenants["shop"] = rec
				for _, id := range rec.Objects { // everything went but the auth role and the policy
					if id.Kind != object.AuthRole && id.Kind != object.Policy {
						delete(l.Objects, id)
					}
				}
				in.Config.Guard.MaxDeletePercent = 100
			},
			want: []string{
				"0 forget ExternalSecret bookstore-platform-shop/catalog-db",
				"0 forget ExternalSecret bookstore-platform-shop/stripe",
				"0 forget SecretStore bookstore-platform-shop/vault-shop",
				"0 forget VaultDynamicSecret bookstore-platform-shop/catalog-db",
				"0 forget DatabaseRole bookstore-platform-shop-catalog",
				"1 revoke-leases Leases bookstore-platform-shop-catalog", // the role is gone, its leases may not be
				"2 delete KubernetesAuthRole bookstore-platform-shop",
				"3 delete Policy bookstore-platform-app-shop", // the copy exists: the original goes
				"waiting shop until 2026-12-01T11:00:00Z",
			},
		},
		"an interrupted deprecation (copy named, time not recorded) is finished": {
			files: []string{blog}, live: []string{blog, shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				_, shopState := fixture(t, shop)
				rec := l.Inventory.Tenants["shop"]
				rec.DeprecatedPolicy = "bookstore-platform-app-shop-deprecated"
				for _, id := range desired.ObjectIDs(shopState.ByTenant()[shopState.Tenants[0].Name]) { // everything went, the original policy too
					delete(l.Objects, id)
				}
				livePolicy(l, cfg, "bookstore-platform-app-shop-deprecated")
				in.Config.Guard.MaxDeletePercent = 100
			},
			want: []string{
				"0 forget ExternalSecret bookstore-platform-shop/catalog-db",
				"0 forget ExternalSecret bookstore-platform-shop/stripe",
				"0 forget SecretStore bookstore-platform-shop/vault-shop",
				"0 forget VaultDynamicSecret bookstore-platform-shop/catalog-db",
				"0 forget DatabaseRole bookstore-platform-shop-catalog",
				"0 forget KubernetesAuthRole bookstore-platform-shop",
				"0 deprecate-policy Policy bookstore-platform-app-shop",
				"1 revoke-leases Leases bookstore-platform-shop-catalog",
			},
		},
		"a re-added tenant whose deprecation was already cleared still loses the copy": {
			files: []string{blog}, live: []string{blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				l.Inventory.Tenants["blog"].DeprecatedPolicy = "bookstore-platform-app-blog-deprecated"
				livePolicy(l, cfg, "bookstore-platform-app-blog-deprecated")
			},
			want: []string{"0 delete-deprecated Policy bookstore-platform-app-blog-deprecated"},
		},
		"after the grace period the final steps wait for leftovers": {
			files: []string{blog}, live: []string{blog, shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				_, shopState := fixture(t, shop)
				rec := deprecated(now.Add(-25*time.Hour), "shop")
				rec.Objects = desired.ObjectIDs(shopState.ByTenant()[shopState.Tenants[0].Name])
				l.Inventory.Tenants["shop"] = rec
				for _, id := range rec.Objects {
					if id.Kind != object.AuthRole {
						delete(l.Objects, id)
					}
				}
				livePolicy(l, cfg, "bookstore-platform-app-shop-deprecated")
				in.Config.Guard.MaxDeletePercent = 100
			},
			want: []string{
				"0 forget ExternalSecret bookstore-platform-shop/catalog-db",
				"0 forget ExternalSecret bookstore-platform-shop/stripe",
				"0 forget SecretStore bookstore-platform-shop/vault-shop",
				"0 forget VaultDynamicSecret bookstore-platform-shop/catalog-db",
				"0 forget DatabaseRole bookstore-platform-shop-catalog",
				"0 forget Policy bookstore-platform-app-shop",
				"1 revoke-leases Leases bookstore-platform-shop-catalog",
				"2 delete KubernetesAuthRole bookstore-platform-shop",
				"3 delete-kv-metadata KVPrefix secret/bookstore-platform/shop",
				"3 delete-deprecated Policy bookstore-platform-app-shop-deprecated",
			},
		},
	})
}

// Two changes for one object are refused, as an error on the object: never
// one silently replacing the other.
func TestTwoChangesForOneObjectAreRefused(t *testing.T) {
	cfg, st := fixture(t, blog)
	ids := desired.NewIDs(cfg)
	for name, tc := range map[string]struct {
		id         object.ID
		byPosition bool
		first      Action
	}{
		"a desired object, by position":              {st.Objects[0].ID, true, Update},
		"a desired object's untouched no-op":         {st.Objects[0].ID, true, NoOp},
		"another object, by position":                {ids.Policy("p"), true, Update},
		"a desired object, scoped plan":              {st.Objects[0].ID, false, Update},
		"a desired object's no-op, in a scoped plan": {st.Objects[0].ID, false, NoOp},
		"another object, scoped plan":                {ids.Policy("p"), false, Update},
	} {
		t.Run(name, func(t *testing.T) {
			b := &planner{in: Input{Config: cfg, Desired: st, Live: live.New()}, p: &Plan{},
				changes: newChangeSet(st, tc.byPosition), failed: map[object.ID]object.ID{}}
			id := tc.id
			first := Change{ID: id, Tenant: "a", Action: tc.first}
			if o, ok := st.Get(id); ok && tc.first == NoOp { // as pairDesired plans it: a mark by position
				first = Change{ID: id, Tenant: o.Tenant, Action: NoOp, After: o.Spec}
				b.add(first, o.Refs)
			} else {
				b.add(first, nil)
			}
			b.add(Change{ID: id, Tenant: "b", Action: DeprecatePolicy}, nil)
			b.add(Change{ID: id, Tenant: "c", Action: Delete}, nil)
			if b.changes.has(id) {
				t.Errorf("a change for %s is still planned", id)
			}
			if got, quiet := b.changes.take(true); len(got) != 0 || quiet != 0 {
				t.Errorf("changes left: %v, %d untouched no-ops", got, quiet)
			}
			want := []string{
				fmt.Sprintf("two changes planned for one object: %s for tenant %s and deprecate-policy for tenant b; neither is applied", tc.first, first.Tenant),
				"delete for tenant c not planned: the object already has an error",
			}
			if len(b.p.Errors) != len(want) {
				t.Fatalf("errors = %v", b.p.Errors)
			}
			for i, w := range want {
				if b.p.Errors[i].Message != w || b.p.Errors[i].ID != id {
					t.Errorf("error %d = %+v, want %q on %s", i, b.p.Errors[i], w, id)
				}
			}
		})
	}
}

// --tenant limits a plan to the named tenants: the others are neither
// created, updated, deleted nor off-boarded, and the guard weighs the
// tenants touched against every tenant syncd manages, in scope or not (the
// daemon's incremental run off-boards one removed tenant among thousands).
func TestTenantScope(t *testing.T) {
	runPlanCases(t, map[string]planCase{
		"only the named tenant is created": {
			files: []string{shop, blog}, live: nil,
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				in.Options.Tenants = []string{"blog"}
			},
			want: []string{
				"0 create Policy bookstore-platform-app-blog",
				"1 create KubernetesAuthRole bookstore-platform-blog",
				"2 create SecretStore bookstore-platform-blog/vault-blog",
				"3 create ExternalSecret bookstore-platform-blog/smtp",
			},
		},
		"a removed tenant outside the scope is not off-boarded": {
			files: []string{blog}, live: []string{blog, shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				in.Options.Tenants = []string{"blog"}
			},
			want: nil,
		},
		"a removed tenant in scope is weighed against every tenant, read or not": {
			files: []string{blog}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				in.Options.Tenants = []string{"shop"}
				in.Config.Guard.MaxDeletes, in.Config.Guard.MaxDeletePercent = 1, 34
				l.Inventory.Unread = 9 // only shop's record was read: 1 of 10
			},
			want: shopOffboarding,
		},
		"a removed tenant that is every tenant there is stays guarded": {
			files: []string{blog}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				in.Options.Tenants = []string{"shop"}
				in.Config.Guard.MaxDeletes, in.Config.Guard.MaxDeletePercent = 1, 34
			},
			want: []string{
				"error  : deletion guard: 8 destructive steps would touch 1 of 1 actively managed tenants (shop), more than guard.maxDeletePercent=34%; no destructive step is planned (re-run with --allow-deletes if this is intended)",
			},
			refused: true,
		},
		"a removed tenant in scope is off-boarded": {
			files: []string{blog}, live: []string{blog, shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				in.Options.Tenants = []string{"shop"}
				in.Options.AllowDeletes = true // 1 of 1 tenants in scope
			},
			want: shopOffboarding,
		},
	})
}

// With kubernetes.manageNamespaces the namespace and service account are
// created first and, on off-boarding, deleted last, by the same references.
func TestManagedNamespaces(t *testing.T) {
	cfg := config.Default()
	cfg.Kubernetes.ManageNamespaces = true
	set := tenant.Parse([]tenant.File{{Path: "blog.yaml", Data: []byte(blog)}}, cfg)
	st, err := desired.Build(cfg, set)
	if err != nil || set.Err() != nil {
		t.Fatal(err, set.Err())
	}
	l := converged(cfg, &desired.State{})
	create := Compute(Input{Config: cfg, Desired: st, Live: l, Now: now})
	want := []string{
		"0 create Namespace bookstore-platform-blog",
		"0 create Policy bookstore-platform-app-blog",
		"1 create ServiceAccount bookstore-platform-blog/bookstore-platform-eso",
		"1 create KubernetesAuthRole bookstore-platform-blog",
		"2 create SecretStore bookstore-platform-blog/vault-blog",
		"3 create ExternalSecret bookstore-platform-blog/smtp",
	}
	if diff := cmp.Diff(want, lines(create)); diff != "" {
		t.Errorf("onboarding (-want +got):\n%s", diff)
	}
	l = converged(cfg, st)
	cfg.Guard.MaxDeletePercent = 100
	gone := Compute(Input{Config: cfg, Desired: &desired.State{Tenants: []desired.Tenant{{Name: "other"}}}, Live: l, Now: now})
	want = []string{
		"0 delete ExternalSecret bookstore-platform-blog/smtp",
		"1 delete SecretStore bookstore-platform-blog/vault-blog",
		"2 delete ServiceAccount bookstore-platform-blog/bookstore-platform-eso",
		"2 delete KubernetesAuthRole bookstore-platform-blog",
		"3 delete Namespace bookstore-platform-blog",
		"3 deprecate-policy Policy bookstore-platform-app-blog",
	}
	if diff := cmp.Diff(want, lines(gone)); diff != "" {
		t.Errorf("off-boarding (-want +got):\n%s", diff)
	}
}
