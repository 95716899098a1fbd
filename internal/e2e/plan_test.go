package e2e_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/testbed"
	"github.com/syncd-dev/syncd/internal/ttl"
)

const (
	plantedKV   = "PLANTED-kv-value-4f1c9e"
	plantedKube = "PLANTED-kube-secret-8d2b71"
)

// seeded builds a repository with tenants shop and blog and seeds live state
// by hand: blog converged except one drifted ExternalSecret; shop with a
// drifted policy and auth role, an unowned database role and nothing in the
// cluster yet; a removed tenant "gone" still owning live objects. Secret
// values are planted in KV and in a Kubernetes Secret.
func seeded(t *testing.T, prefix string) *repo {
	t.Helper()
	ctx := context.Background()
	r := newRepo(t, prefix, map[string]string{
		"shop": "  secrets:\n    - {name: stripe, path: payments/stripe, keys: [api_key]}\n  databases:\n    - {name: catalog, connection: catalog, privilege: readonly}\n",
		"blog": "  secrets:\n    - {name: smtp, path: mail/smtp, keys: [password]}\n",
	})
	st := r.state(t)
	ids := desired.NewIDs(r.cfg)
	owned := map[string][]object.ID{}
	own := func(tenant string, id object.ID) { owned[tenant] = append(owned[tenant], id) }

	// blog: converged, but its ExternalSecret refreshes every 2h instead of 1h.
	namespace(t, prefix+"-blog", "eso", "blog")
	for _, o := range st.Objects {
		if o.Tenant != "blog" {
			continue
		}
		own("blog", o.ID)
		switch o.ID.System {
		case object.Vault:
			writeVault(t, r.cfg, o.Spec)
		case object.Kubernetes:
			if o.ID.Kind == object.ExternalSecret {
				m := o.Spec.(*desired.ManifestSpec).Object()
				must(t, unstructured.SetNestedField(m, "2h", "spec", "refreshInterval"))
				o = desired.Object{ID: o.ID, Spec: desired.MustManifest(m)}
			}
			createKube(t, r.cfg, o)
		}
	}
	// shop: policy grants one capability too many; auth role tokens live 1h.
	pol := *obj(t, st, object.Policy, prefix+"-app-shop").Spec.(*desired.PolicySpec)
	pol.HCL = strings.Replace(pol.Text(), `["read"]`, `["read", "update"]`, 1)
	writeVault(t, r.cfg, &pol)
	own("shop", ids.Policy(pol.Name))
	role := *obj(t, st, object.AuthRole, prefix+"-shop").Spec.(*desired.AuthRoleSpec)
	role.TokenTTL = ttl.FromSeconds(3600)
	writeVault(t, r.cfg, &role)
	own("shop", ids.AuthRole(role.Name))
	// shop's database role exists, created by someone else: not owned.
	writeVault(t, r.cfg, obj(t, st, object.DatabaseRole, prefix+"-shop-catalog").Spec)
	namespace(t, prefix+"-shop", "eso", "shop")

	// gone: removed from Git; still owns a policy, an auth role and a database role.
	gonePolicy := &desired.PolicySpec{Name: prefix + "-app-gone", HCL: `path "secret/data/` + prefix + `/gone/x" { capabilities = ["read"] }`}
	goneRole := &desired.AuthRoleSpec{Name: prefix + "-gone", BoundServiceAccountNames: []string{"eso"}, BoundServiceAccountNamespaces: []string{prefix + "-gone"},
		TokenPolicies: []string{gonePolicy.Name}, TokenTTL: ttl.FromSeconds(900), TokenMaxTTL: ttl.FromSeconds(3600)}
	goneDB := &desired.DatabaseRoleSpec{Name: prefix + "-gone-catalog", DBName: "catalog",
		CreationStatements: []string{`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`},
		DefaultTTL:         ttl.FromSeconds(600), MaxTTL: ttl.FromSeconds(3600)}
	for _, s := range []desired.Spec{gonePolicy, goneRole, goneDB} {
		writeVault(t, r.cfg, s)
	}
	own("gone", ids.Policy(gonePolicy.Name))
	own("gone", ids.AuthRole(goneRole.Name))
	own("gone", ids.DatabaseRole(goneDB.Name))

	// Planted secret values: a KV value blog reads, and a Kubernetes Secret.
	_, err := bed.Vault.Logical().Write(r.cfg.Vault.Mounts.KV+"/data/"+prefix+"/blog/mail/smtp",
		map[string]any{"data": map[string]any{"password": plantedKV}})
	must(t, err)
	plantSecret(t, prefix+"-blog", plantedKube)

	inv := &inventory.Inventory{Tenants: map[string]*inventory.Tenant{}}
	for name, objs := range owned {
		inv.Tenants[name] = &inventory.Tenant{Objects: objs}
	}
	must(t, inventory.Store{KV: bed.Vault.Logical(), Mount: r.cfg.Inventory.Mount, Path: r.cfg.Inventory.Path}.Save(ctx, inv))
	return r
}

func TestPlanAgainstSeededLiveState(t *testing.T) {
	testbed.Require(t, bed)
	r := seeded(t, "e2e-plan")
	admin := kubeconfig(t, "")
	outFile := filepath.Join(t.TempDir(), "plan.json")

	code, text, logs := syncd(t, bed.VaultToken, admin, "plan", "--dir", r.dir, "--detailed-exitcode", "-out", outFile)
	if code != 1 {
		t.Errorf("exit %d, want 1 (the unowned database role is an error)\n%s\n%s", code, text, logs)
	}
	want := []string{
		"update ExternalSecret e2e-plan-blog/smtp (wave 0)",
		"delete DatabaseRole e2e-plan-gone-catalog (wave 0)",
		"revoke-leases Leases e2e-plan-gone-catalog (wave 1)",
		"delete KubernetesAuthRole e2e-plan-gone (wave 2)",
		"deprecate-policy Policy e2e-plan-app-gone (wave 3)",
		"update Policy e2e-plan-app-shop (wave 0)",
		"update KubernetesAuthRole e2e-plan-shop (wave 1)",
		"create SecretStore e2e-plan-shop/vault-shop (wave 2)",
		"create ExternalSecret e2e-plan-shop/stripe (wave 3)",
	}
	if diff := cmp.Diff(want, actions(text)); diff != "" {
		t.Errorf("plan actions (-want +got):\n%s\nfull plan:\n%s", diff, text)
	}
	for _, s := range []string{
		`token_ttl: "1h" -> "15m"`,
		`spec.refreshInterval: "2h" -> "1h"`,
		`-   capabilities = ["read", "update"]`,
		"DatabaseRole e2e-plan-shop-catalog (tenant shop): already exists and syncd does not own it; plan with --adopt to take it over",
		"VaultDynamicSecret e2e-plan-shop/catalog-db (tenant shop): skipped: depends on DatabaseRole e2e-plan-shop-catalog, which cannot be applied",
		"KV secret secret/e2e-plan/shop/payments/stripe has no value yet",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("plan lacks %q:\n%s", s, text)
		}
	}

	t.Run("with --adopt the unowned database role is adopted and its dependents planned", func(t *testing.T) {
		code, text, logs := syncd(t, bed.VaultToken, admin, "plan", "--dir", r.dir, "--adopt", "--detailed-exitcode")
		if code != 2 {
			t.Fatalf("exit %d, want 2\n%s\n%s", code, text, logs)
		}
		for _, s := range []string{"adopt DatabaseRole e2e-plan-shop-catalog (wave 0)", "create VaultDynamicSecret e2e-plan-shop/catalog-db (wave 3)"} { // policy (grants its creds) after the role, auth role after the policy
			if !strings.Contains(strings.Join(actions(text), "\n"), s) {
				t.Errorf("plan lacks %q:\n%s", s, text)
			}
		}
	})

	t.Run("the saved plan is the JSON plan with the live fingerprint", func(t *testing.T) {
		data, err := os.ReadFile(outFile)
		must(t, err)
		var p diff.Plan
		must(t, json.Unmarshal(data, &p))
		if p.Version != diff.SchemaVersion || len(p.Live.Hash) != 16 || p.Live.InventoryVersion != 6 ||
			!cmp.Equal(p.Live.TenantVersions, map[string]int{"blog": 1, "shop": 1, "gone": 1}) {
			t.Errorf("saved plan: version %q, fingerprint %q, inventory index v%d, records %v; want index v6 (three tenants added, each then marked recorded) and each record v1",
				p.Version, p.Live.Hash, p.Live.InventoryVersion, p.Live.TenantVersions)
		}
		if p.Requests.Vault == 0 || p.Requests.Kubernetes == 0 {
			t.Errorf("requests not counted: %+v", p.Requests)
		}
	})

	t.Run("no planted secret value appears in any output or log", func(t *testing.T) {
		outputs := map[string]string{"text": text, "logs": logs}
		for _, format := range []string{"json", "markdown"} {
			_, out, errs := syncd(t, bed.VaultToken, admin, "plan", "--dir", r.dir, "-o", format, "--log-level", "debug")
			outputs[format], outputs[format+" logs"] = out, errs
		}
		saved, err := os.ReadFile(outFile)
		must(t, err)
		outputs["saved plan"] = string(saved)
		for name, out := range outputs {
			for _, secret := range []string{plantedKV, plantedKube, bed.VaultToken, postgresPassword(t)} {
				if strings.Contains(out, secret) {
					t.Errorf("%s output contains a secret value", name)
				}
			}
		}
		if len(outputs["json"]) < 1000 {
			t.Errorf("json output suspiciously short: %q", outputs["json"])
		}
	})
}

// postgresPassword is the bed's Postgres superuser password, which Vault's
// database connection holds: it must never surface either.
func postgresPassword(t *testing.T) string {
	t.Helper()
	u := bed.DatabaseURL
	i, j := strings.Index(u, "postgres:")+len("postgres:"), strings.Index(u, "@")
	return u[i:j]
}

func TestPlanOfAConvergedTenantHasNoChanges(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-noop", map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	st := r.state(t)
	var objs []object.ID
	namespace(t, "e2e-noop-solo", "eso", "solo")
	for _, o := range st.Objects {
		objs = append(objs, o.ID)
		if p, ok := o.Spec.(*desired.PolicySpec); ok {
			// Written in Vault's JSON form: the same policy, so no drift.
			paths := map[string]any{}
			for _, rule := range p.Policy.Rules {
				paths[rule.Path] = map[string]any{"capabilities": rule.Capabilities}
			}
			js, err := json.Marshal(map[string]any{"path": paths})
			must(t, err)
			must(t, bed.Vault.Sys().PutPolicy(p.Name, string(js)))
			continue
		}
		if o.ID.System == object.Vault {
			writeVault(t, r.cfg, o.Spec)
			continue
		}
		createKube(t, r.cfg, o)
	}
	_, err := bed.Vault.Logical().Write("secret/data/e2e-noop/solo/a/b", map[string]any{"data": map[string]any{"k": "v"}})
	must(t, err)
	must(t, inventory.Store{KV: bed.Vault.Logical(), Mount: "secret", Path: r.cfg.Inventory.Path}.Save(ctx,
		&inventory.Inventory{Tenants: map[string]*inventory.Tenant{"solo": {Objects: objs}}}))
	// The API server adds defaults (deletionPolicy, conversionStrategy, ...),
	// Vault reports TTLs in seconds, the policy is stored as JSON: none of it
	// may count as drift.
	es, err := bed.Dynamic.Resource(kuberead.GVRs(r.cfg)[object.ExternalSecret]).Namespace("e2e-noop-solo").Get(ctx, "s", metav1.GetOptions{})
	must(t, err)
	if _, found, _ := unstructured.NestedString(es.Object, "spec", "target", "deletionPolicy"); !found {
		t.Log("note: the API server did not default spec.target.deletionPolicy")
	}
	code, text, logs := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir, "--detailed-exitcode")
	if code != 0 || len(actions(text)) != 0 {
		t.Errorf("exit %d, actions %v; want 0 and none\n%s\n%s", code, actions(text), text, logs)
	}
	if !strings.Contains(text, "0 to create, 0 to update, 0 to adopt, 0 to delete, 0 off-boarding steps, 4 unchanged, 0 errors") {
		t.Errorf("summary wrong:\n%s", text)
	}
}
