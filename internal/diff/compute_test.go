package diff

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/tenant"
	"github.com/syncd-dev/syncd/internal/ttl"
)

const shop = `apiVersion: syncd.io/v1alpha1
kind: Tenant
metadata: {name: shop}
spec:
  secrets:
    - {name: stripe, path: payments/stripe, keys: [api_key]}
  databases:
    - {name: catalog, connection: catalog, privilege: readonly}
`

const blog = `apiVersion: syncd.io/v1alpha1
kind: Tenant
metadata: {name: blog}
spec:
  secrets:
    - {name: smtp, path: mail/smtp, keys: [password]}
`

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// fixture builds the desired state of the named tenant files.
func fixture(t *testing.T, files ...string) (*config.Config, *desired.State) {
	t.Helper()
	cfg := config.Default()
	var fs []tenant.File
	for _, f := range files {
		name := strings.TrimPrefix(strings.SplitN(f, "name: ", 2)[1], "")
		name = name[:strings.IndexAny(name, "}\n")]
		fs = append(fs, tenant.File{Path: name + ".yaml", Data: []byte(f)})
	}
	set := tenant.Parse(fs, cfg)
	if err := set.Err(); err != nil {
		t.Fatal(err)
	}
	st, err := desired.Build(cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, st
}

// converged returns a live state that matches st exactly and is owned by syncd.
func converged(cfg *config.Config, st *desired.State) *live.State {
	l := live.New()
	l.Inventory = &inventory.Inventory{Tenants: map[string]*inventory.Tenant{}, Version: 3}
	objects := st.ByTenant()
	for _, tn := range st.Tenants {
		l.Inventory.Tenants[tn.Name] = &inventory.Tenant{Objects: desired.ObjectIDs(objects[tn.Name]), Namespace: tn.Namespace, KVPrefix: tn.KVPrefix}
	}
	for _, o := range st.Objects {
		l.Objects[o.ID] = live.Object{ID: o.ID, Spec: o.Spec, Raw: []byte(o.ID.String())}
	}
	ids := desired.NewIDs(cfg)
	present(l, st)
	l.Connections[ids.DatabaseConnection("catalog")] = live.Connection{Plugin: "postgresql-database-plugin", AllowedRoles: []string{"*"}}
	return l
}

// present marks every external object st needs as found, each tenant's
// namespace labelled as the tenant's.
func present(l *live.State, st *desired.State) {
	for _, e := range st.External {
		l.Looked.Add(e.ID)
		l.Present.Add(e.ID)
		if e.ID.Kind == object.Namespace {
			l.NamespaceTenants[e.ID.Name] = e.Tenant
		}
	}
}

// lines renders a plan canonically: one "wave action id" line per change,
// then errors, warnings, held and waiting tenants.
func lines(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Action == NoOp {
			continue
		}
		out = append(out, fmt.Sprintf("%d %s %s", c.Wave, c.Action, c.ID.Short()))
	}
	for _, e := range p.Errors {
		out = append(out, fmt.Sprintf("error %s: %s", e.ID.Short(), e.Message))
	}
	for _, c := range p.Changes {
		for _, w := range c.Warnings {
			out = append(out, fmt.Sprintf("warning %s: %s", c.ID.Short(), w))
		}
	}
	for _, h := range p.Held {
		out = append(out, "held "+h)
	}
	for _, w := range p.Waiting {
		out = append(out, fmt.Sprintf("waiting %s until %s", w.Tenant, w.DeleteAfter.Format(time.RFC3339)))
	}
	return out
}

func mustID(t *testing.T, st *desired.State, kind object.Kind, name string) object.ID {
	t.Helper()
	for _, o := range st.Objects {
		if o.ID.Kind == kind && o.ID.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no %s %s", kind, name)
	return object.ID{}
}

func TestCompute(t *testing.T) {
	runPlanCases(t, map[string]planCase{
		"nothing live: everything is created, policy before role before store": {
			files: []string{shop}, live: nil,
			want: []string{
				"0 create DatabaseRole bookstore-platform-shop-catalog",
				"1 create Policy bookstore-platform-app-shop", // it grants the role's credentials
				"2 create KubernetesAuthRole bookstore-platform-shop",
				"3 create SecretStore bookstore-platform-shop/vault-shop",
				"3 create VaultDynamicSecret bookstore-platform-shop/catalog-db",
				"4 create ExternalSecret bookstore-platform-shop/catalog-db",
				"4 create ExternalSecret bookstore-platform-shop/stripe",
			},
		},
		"live matches desired: no changes": {
			files: []string{shop}, live: []string{shop}, want: nil,
		},
		"normalised differences do not count (HCL layout, TTL unit, set order, CRD defaults)": {
			files: []string{shop}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				pid := mustID(t, st, object.Policy, "bookstore-platform-app-shop")
				p := l.Objects[pid].Spec.(*desired.PolicySpec)
				reordered := policy.Policy{Rules: append([]policy.Rule(nil), p.Policy.Rules...)}
				for i, j := 0, len(reordered.Rules)-1; i < j; i, j = i+1, j-1 {
					reordered.Rules[i], reordered.Rules[j] = reordered.Rules[j], reordered.Rules[i]
				}
				l.Objects[pid] = live.Object{ID: pid, Spec: &desired.PolicySpec{Name: p.Name, Policy: reordered, HCL: "# edited by hand\n"}}
				rid := mustID(t, st, object.AuthRole, "bookstore-platform-shop")
				r := *l.Objects[rid].Spec.(*desired.AuthRoleSpec)
				r.TokenTTL = ttl.FromSeconds(900) // 15m as Vault reports it
				l.Objects[rid] = live.Object{ID: rid, Spec: &r}
				eid := mustID(t, st, object.ExternalSecret, "stripe")
				m := l.Objects[eid].Spec.(*desired.ManifestSpec).Object()
				spec := m["spec"].(map[string]any)
				spec["refreshInterval"] = "60m"
				spec["target"].(map[string]any)["deletionPolicy"] = "Retain" // CRD default
				m["status"] = map[string]any{"refreshTime": "2026-11-30T11:00:00Z"}
				l.Objects[eid] = live.Object{ID: eid, Spec: desired.MustManifest(m)}
			},
			want: nil,
		},
		"drift is an update, field by field": {
			files: []string{shop}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				rid := mustID(t, st, object.AuthRole, "bookstore-platform-shop")
				r := *l.Objects[rid].Spec.(*desired.AuthRoleSpec)
				r.TokenMaxTTL = ttl.FromSeconds(86400)
				r.BoundServiceAccountNamespaces = []string{"bookstore-platform-shop", "default"}
				l.Objects[rid] = live.Object{ID: rid, Spec: &r}
			},
			want: []string{"0 update KubernetesAuthRole bookstore-platform-shop"},
		},
		"an unowned object with a desired name is a conflict; its dependents are skipped": {
			files: []string{shop}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				rid := mustID(t, st, object.AuthRole, "bookstore-platform-shop")
				tn := l.Inventory.Tenants["shop"]
				tn.Objects = without(tn.Objects, rid)
				r := *l.Objects[rid].Spec.(*desired.AuthRoleSpec)
				r.TokenPolicies = []string{"default"}
				l.Objects[rid] = live.Object{ID: rid, Spec: &r}
			},
			want: []string{
				"error ExternalSecret bookstore-platform-shop/catalog-db: skipped: depends on VaultDynamicSecret bookstore-platform-shop/catalog-db, which cannot be applied (upstream failure: KubernetesAuthRole bookstore-platform-shop)",
				"error ExternalSecret bookstore-platform-shop/stripe: skipped: depends on SecretStore bookstore-platform-shop/vault-shop, which cannot be applied (upstream failure: KubernetesAuthRole bookstore-platform-shop)",
				"error SecretStore bookstore-platform-shop/vault-shop: skipped: depends on KubernetesAuthRole bookstore-platform-shop, which cannot be applied",
				"error VaultDynamicSecret bookstore-platform-shop/catalog-db: skipped: depends on KubernetesAuthRole bookstore-platform-shop, which cannot be applied",
				"error KubernetesAuthRole bookstore-platform-shop: already exists and syncd does not own it; plan with --adopt to take it over",
			},
		},
		"with adopt the unowned object is taken over": {
			files: []string{shop}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				rid := mustID(t, st, object.AuthRole, "bookstore-platform-shop")
				tn := l.Inventory.Tenants["shop"]
				tn.Objects = without(tn.Objects, rid)
				in.Options.Adopt = true
			},
			want: []string{"0 adopt KubernetesAuthRole bookstore-platform-shop"},
		},
		"a removed tenant is off-boarded in order": {
			files: []string{shop, blog}, live: []string{shop, blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				_, in.Desired = fixture(t, blog)
				in.Config.Guard.MaxDeletePercent = 50
			},
			want: shopOffboarding,
		},
		"a removed tenant whose writes were all recorded as pending is off-boarded in full": {
			files: []string{shop, blog}, live: []string{shop, blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				_, in.Desired = fixture(t, blog)
				in.Config.Guard.MaxDeletePercent = 50
				rec := l.Inventory.Tenants["shop"]
				rec.Objects, rec.Pending = nil, rec.Objects // every write landed, none confirmed
			},
			want: shopOffboarding,
		},
		"a removed tenant whose database role is pending has the role deleted and its leases revoked": {
			files: []string{shop, blog}, live: []string{shop, blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				_, in.Desired = fixture(t, blog)
				in.Config.Guard.MaxDeletePercent = 50
				pendingRole(cfg, l)
			},
			want: shopOffboarding,
		},
		"a present tenant's pending object no longer derived is deleted": {
			files: []string{shop}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				_, in.Desired = fixture(t, strings.Split(shop, "  databases:")[0])
				in.Config.Guard.MaxDeletePercent = 100
				pendingRole(cfg, l)
			},
			want: []string{
				"0 delete ExternalSecret bookstore-platform-shop/catalog-db",
				"0 update Policy bookstore-platform-app-shop",
				"1 delete VaultDynamicSecret bookstore-platform-shop/catalog-db",
				"2 delete DatabaseRole bookstore-platform-shop-catalog",
				"3 revoke-leases Leases bookstore-platform-shop-catalog",
			},
		},
		"the deletion guard refuses more removals than allowed": {
			files: []string{shop, blog}, live: []string{shop, blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				_, in.Desired = fixture(t, blog) // 1 of 2 = 50% > 34%
			},
			want:    []string{"error  : deletion guard: 8 destructive steps would touch 1 of 2 actively managed tenants (shop), more than guard.maxDeletePercent=34%; no destructive step is planned (re-run with --allow-deletes if this is intended)"},
			refused: true,
		},
		"the deletion guard also caps the count": {
			files: []string{shop, blog}, live: []string{shop, blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				in.Desired = &desired.State{Tenants: []desired.Tenant{{Name: "other"}}} // both removed
				in.Config.Guard = config.Guard{MaxDeletes: 1, MaxDeletePercent: 100}
			},
			want:    []string{"error  : deletion guard: 12 destructive steps would touch 2 tenants (blog, shop), more than guard.maxDeletes=1; no destructive step is planned (re-run with --allow-deletes if this is intended)"},
			refused: true,
		},
		"allow-deletes lifts the guard": {
			files: []string{blog}, live: []string{blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				in.Desired = &desired.State{}
				in.Options.AllowDeletes = true
			},
			want: []string{
				"0 delete ExternalSecret bookstore-platform-blog/smtp",
				"1 delete SecretStore bookstore-platform-blog/vault-blog",
				"2 delete KubernetesAuthRole bookstore-platform-blog",
				"3 deprecate-policy Policy bookstore-platform-app-blog",
			},
		},
		"an empty tenants directory never off-boards everyone": {
			files: []string{shop}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				in.Desired = &desired.State{}
				in.Config.Guard = config.Guard{MaxDeletes: 100, MaxDeletePercent: 100}
			},
			want:    []string{"error  : deletion guard: no valid tenant file was found, yet 8 destructive steps would touch 1 tenants (shop); no destructive step is planned (re-run with --allow-deletes if this is intended)"},
			refused: true,
		},
		"a tenant whose file fails is held, never deleted": {
			files: []string{shop, blog}, live: []string{shop, blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				_, in.Desired = fixture(t, blog)
				in.Unknown = map[string]error{"shop": fmt.Errorf("shop.yaml:3:1: broken")}
			},
			want: []string{"held shop"},
		},
		"inside the grace period the deprecated policy waits": {
			files: []string{blog}, live: []string{blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				at := now.Add(-23 * time.Hour)
				l.Inventory.Tenants["gone"] = &inventory.Tenant{DeprecatedAt: &at, DeprecatedPolicy: "bookstore-platform-app-gone-deprecated", KVPrefix: "bookstore-platform/gone"}
			},
			want: []string{"waiting gone until 2026-11-30T13:00:00Z"}, // deprecated 23h ago + 24h grace
		},
		"after the grace period the deprecated policy and KV metadata go": {
			files: []string{blog}, live: []string{blog},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				at := now.Add(-25 * time.Hour)
				l.Inventory.Tenants["gone"] = &inventory.Tenant{DeprecatedAt: &at, DeprecatedPolicy: "bookstore-platform-app-gone-deprecated",
					KVMount: "kv-prod", KVPrefix: "bookstore-platform/gone"}
				dep := desired.NewIDs(cfg).Policy("bookstore-platform-app-gone-deprecated")
				l.Objects[dep] = live.Object{ID: dep, Spec: &desired.PolicySpec{Name: dep.Name}}
				in.Config.Guard.MaxDeletePercent = 50 // 1 of 2 tenants touched
			},
			want: []string{
				// the mount recorded with the prefix, not the inventory's
				"0 delete-kv-metadata KVPrefix kv-prod/bookstore-platform/gone",
				"0 delete-deprecated Policy bookstore-platform-app-gone-deprecated",
			},
		},
		"a missing connection fails the database role and its dependents only": {
			files: []string{shop}, live: nil,
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				l.Connections = map[object.ID]live.Connection{}
			},
			want: []string{
				"0 create Policy bookstore-platform-app-shop",
				"1 create KubernetesAuthRole bookstore-platform-shop",
				"2 create SecretStore bookstore-platform-shop/vault-shop",
				"3 create ExternalSecret bookstore-platform-shop/stripe",
				"error ExternalSecret bookstore-platform-shop/catalog-db: skipped: depends on VaultDynamicSecret bookstore-platform-shop/catalog-db, which cannot be applied (upstream failure: DatabaseRole bookstore-platform-shop-catalog)",
				"error VaultDynamicSecret bookstore-platform-shop/catalog-db: skipped: depends on DatabaseRole bookstore-platform-shop-catalog, which cannot be applied",
				"error DatabaseRole bookstore-platform-shop-catalog: database connection catalog does not exist in Vault (database/config/catalog)",
				"warning Policy bookstore-platform-app-shop: grant of database/creds/bookstore-platform-shop-catalog dropped: DatabaseRole bookstore-platform-shop-catalog cannot be applied for this tenant",
			},
		},
		"allowed_roles that exclude the role are an error": {
			files: []string{shop}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				ids := desired.NewIDs(cfg)
				l.Connections[ids.DatabaseConnection("catalog")] = live.Connection{AllowedRoles: []string{"other-*", "legacy"}}
			},
			want: []string{
				// the live policy loses the grant of a role the tenant cannot have
				"0 update Policy bookstore-platform-app-shop",
				"error ExternalSecret bookstore-platform-shop/catalog-db: skipped: depends on VaultDynamicSecret bookstore-platform-shop/catalog-db, which cannot be applied (upstream failure: DatabaseRole bookstore-platform-shop-catalog)",
				"error VaultDynamicSecret bookstore-platform-shop/catalog-db: skipped: depends on DatabaseRole bookstore-platform-shop-catalog, which cannot be applied",
				"error DatabaseRole bookstore-platform-shop-catalog: database connection catalog does not allow role bookstore-platform-shop-catalog (allowed_roles: other-*, legacy)",
				"warning Policy bookstore-platform-app-shop: grant of database/creds/bookstore-platform-shop-catalog dropped: DatabaseRole bookstore-platform-shop-catalog cannot be applied for this tenant",
			},
		},
		"a missing KV value or service account is a warning on the tenant's objects": {
			files: []string{blog}, live: nil,
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				ids := desired.NewIDs(cfg)
				delete(l.Present, ids.Kube(object.ServiceAccount, "bookstore-platform-blog", "bookstore-platform-eso"))
				delete(l.Present, ids.KVSecret("bookstore-platform/blog/mail/smtp"))
			},
			want: []string{
				"0 create Policy bookstore-platform-app-blog",
				"1 create KubernetesAuthRole bookstore-platform-blog",
				"2 create SecretStore bookstore-platform-blog/vault-blog",
				"3 create ExternalSecret bookstore-platform-blog/smtp",
				"warning SecretStore bookstore-platform-blog/vault-blog: ServiceAccount bookstore-platform-blog/bookstore-platform-eso does not exist yet (another system creates it); ESO cannot use this object until it does",
				"warning ExternalSecret bookstore-platform-blog/smtp: KV secret secret/bookstore-platform/blog/mail/smtp has no value yet; ESO cannot sync it until one is written",
			},
		},
		"an object dropped from a tenant file is deleted; a dropped database's leases are revoked after its role is gone": {
			files: []string{shop}, live: []string{shop},
			mutate: func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input) {
				_, in.Desired = fixture(t, strings.Split(shop, "  databases:")[0])
				in.Config.Guard.MaxDeletePercent = 100 // the only tenant is touched
			},
			want: []string{
				"0 delete ExternalSecret bookstore-platform-shop/catalog-db",
				"0 update Policy bookstore-platform-app-shop",
				"1 delete VaultDynamicSecret bookstore-platform-shop/catalog-db",
				"2 delete DatabaseRole bookstore-platform-shop-catalog",
				"3 revoke-leases Leases bookstore-platform-shop-catalog",
			},
		},
	})
}

// shopOffboarding is the plan that off-boards tenant shop up to deprecation:
// ESO objects first, then the database role, so nothing can lease under it
// any more, then its leases revoked, then the auth role, then the policy
// renamed.
var shopOffboarding = []string{
	"0 delete ExternalSecret bookstore-platform-shop/catalog-db",
	"0 delete ExternalSecret bookstore-platform-shop/stripe",
	"1 delete SecretStore bookstore-platform-shop/vault-shop",
	"1 delete VaultDynamicSecret bookstore-platform-shop/catalog-db",
	"2 delete DatabaseRole bookstore-platform-shop-catalog",
	"3 revoke-leases Leases bookstore-platform-shop-catalog",
	"4 delete KubernetesAuthRole bookstore-platform-shop",
	"5 deprecate-policy Policy bookstore-platform-app-shop",
}

// pendingRole records shop's database role as pending only: its write
// landed, its confirmation did not.
func pendingRole(cfg *config.Config, l *live.State) {
	rec := l.Inventory.Tenants["shop"]
	role := desired.NewIDs(cfg).DatabaseRole("bookstore-platform-shop-catalog")
	rec.Objects, rec.Pending = without(rec.Objects, role), []object.ID{role}
}

// planCase plans the tenant files against live state owned by syncd.
type planCase struct {
	files   []string // tenant files present
	live    []string // tenant files whose state is live and owned
	mutate  func(t *testing.T, cfg *config.Config, st *desired.State, l *live.State, in *Input)
	want    []string
	refused bool
}

func runPlanCases(t *testing.T, tests map[string]planCase) {
	t.Helper()
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, st := fixture(t, tc.files...)
			var l *live.State
			if tc.live == nil {
				l = converged(cfg, &desired.State{})
				present(l, st)
			} else {
				_, ls := fixture(t, tc.live...)
				l = converged(cfg, ls)
			}
			in := Input{Config: cfg, Desired: st, Live: l, Now: now}
			if tc.mutate != nil {
				tc.mutate(t, cfg, st, l, &in)
			}
			b := compute(in)
			p := b.p
			if diff := cmp.Diff(tc.want, lines(p)); diff != "" {
				t.Errorf("plan (-want +got):\n%s\ngot:\n%q", diff, lines(p))
			}
			if p.Guard.Refused != tc.refused {
				t.Errorf("guard refused = %v, want %v", p.Guard.Refused, tc.refused)
			}
		})
	}
}

func without(ids []object.ID, drop object.ID) []object.ID {
	var out []object.ID
	for _, id := range ids {
		if id != drop {
			out = append(out, id)
		}
	}
	return out
}

func TestProblemsBeforePlanningAreReportedAndCounted(t *testing.T) {
	cfg, st := fixture(t, blog)
	p := Compute(Input{Config: cfg, Desired: st, Live: converged(cfg, st), Now: now,
		Problems: []Problem{{Message: "tenants/shop.yaml:3:9: metadata.name: bad"}}})
	if len(p.Errors) != 1 || p.Errors[0].Message != "tenants/shop.yaml:3:9: metadata.name: bad" || p.Summary.Errors != 1 {
		t.Errorf("errors = %+v, summary.errors = %d; want the one problem, counted", p.Errors, p.Summary.Errors)
	}
}

// A create lists its fields when shown, not for the plan's life: it holds
// none, FieldList and its JSON list every field of After; an update holds
// what differs.
func TestCreateListsItsFieldsWhenShown(t *testing.T) {
	cfg, st := fixture(t, blog)
	l := converged(cfg, st)
	var created, drifted object.ID
	for _, o := range st.Objects {
		switch o.ID.Kind {
		case object.Policy:
			created = o.ID
			delete(l.Objects, o.ID)
		case object.AuthRole:
			drifted = o.ID
			r := *o.Spec.(*desired.AuthRoleSpec)
			r.TokenTTL = 99
			l.Objects[o.ID] = live.Object{ID: o.ID, Spec: &r}
		}
	}
	p := Compute(Input{Config: cfg, Desired: st, Live: l, Now: now})
	byID := map[object.ID]*Change{}
	for i := range p.Changes {
		byID[p.Changes[i].ID] = &p.Changes[i]
	}
	create, update := byID[created], byID[drifted]
	if create == nil || create.Action != Create || update == nil || update.Action != Update {
		t.Fatalf("changes: create %+v, update %+v", create, update)
	}
	if create.Fields != nil {
		t.Errorf("the create holds its fields: %v", create.Fields)
	}
	d, _ := st.Get(created)
	want := Compare(d.Spec, nil)
	if len(want) == 0 {
		t.Fatal("a policy with no fields")
	}
	if diff := cmp.Diff(want, create.FieldList()); diff != "" {
		t.Errorf("FieldList of the create (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(update.Fields, update.FieldList()); diff != "" || len(update.Fields) == 0 {
		t.Errorf("FieldList of the update is not its fields (-want +got):\n%s", diff)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	for _, c := range back.Changes {
		if c.ID == created {
			if diff := cmp.Diff(want, c.Fields); diff != "" {
				t.Errorf("the create's fields in JSON (-want +got):\n%s", diff)
			}
		}
	}
}
