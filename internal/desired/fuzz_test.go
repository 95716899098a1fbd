package desired_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// checkAccepted asserts the invariant for an accepted tenant: the desired
// state builds, every policy's HCL parses back to the policy it came from, and
// grants only read access inside the tenant's own areas.
func checkAccepted(t *testing.T, cfg *config.Config, tn *tenant.Tenant) {
	t.Helper()
	s, err := desired.Build(cfg, &tenant.Set{Tenants: []*tenant.Tenant{tn}, Invalid: map[string]error{}})
	if err != nil {
		t.Fatalf("accepted tenant does not build: %v", err)
	}
	if err := desired.CheckIsolation(cfg, s); err != nil {
		t.Fatalf("accepted tenant breaks isolation: %v", err)
	}
	for _, o := range s.Objects {
		p, ok := o.Spec.(*desired.PolicySpec)
		if !ok {
			continue
		}
		parsed, err := policy.Parse([]byte(p.Text()), "fuzz.hcl")
		if err != nil {
			t.Fatalf("rendered HCL does not parse: %v\n%s", err, p.Text())
		}
		if policy.Canonical(parsed) != policy.Canonical(p.Policy) {
			t.Fatalf("HCL round trip changed the policy:\n%s", p.Text())
		}
		prefix := cfg.KVPrefix(tn.Metadata.Name) + "/"
		for _, r := range parsed.Rules {
			if !strings.Contains(r.Path, prefix) && !strings.Contains(r.Path, "/creds/"+cfg.DatabaseRoleName(tn.Metadata.Name, "")) {
				t.Fatalf("rule %q is outside the tenant's prefixes", r.Path)
			}
		}
	}
}

// FuzzTenantFile feeds arbitrary bytes to the tenant decoder as tenants/fuzz.yaml.
func FuzzTenantFile(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "tenants", "*.yaml"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		f.Add(strings.ReplaceAll(string(data), "name: "+name, "name: fuzz"))
	}
	f.Add("apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata: {name: fuzz}\nspec:\n  secrets:\n  - {name: a, path: '../../x', keys: [k]}\n")
	f.Add("apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata: {name: fuzz}\nspec:\n  secrets:\n  - {name: a, path: 'x\" {}\\n path \"*', keys: [k]}\n")
	f.Add("a: &a [*a, *a, *a]\nb: &b [*a, *a]\n")
	cfg := config.Default()
	f.Fuzz(func(t *testing.T, data string) {
		tn, err := tenant.Decode("tenants/fuzz.yaml", []byte(data), cfg)
		if err != nil {
			return
		}
		checkAccepted(t, cfg, tn)
	})
}

// FuzzPolicyRender builds a tenant file from arbitrary names, paths and keys and
// runs it through the real decoder, so only what validation lets through
// reaches the policy renderer.
func FuzzPolicyRender(f *testing.F) {
	f.Add("acme-books", "payments/stripe", "api_key", "catalog")
	f.Add("a", "x/../../other", "k", "db")
	f.Add("b", "+/x", "k", "d*")
	f.Add("c", `x"}path"*`, "k", "d")
	f.Add("d", "a/${file}/b", "k.k", "e-f")
	cfg := config.Default()
	f.Fuzz(func(t *testing.T, name, path, key, db string) {
		doc := map[string]any{
			"apiVersion": tenant.APIVersion, "kind": tenant.Kind,
			"metadata": map[string]any{"name": name},
			"spec": map[string]any{
				"secrets":   []any{map[string]any{"name": "s", "path": path, "keys": []any{key}}},
				"databases": []any{map[string]any{"name": db, "connection": "catalog", "privilege": "readonly"}},
			},
		}
		data, err := yaml.Marshal(doc)
		if err != nil {
			return
		}
		tn, err := tenant.Decode("tenants/"+name+".yaml", data, cfg)
		if err != nil {
			return
		}
		checkAccepted(t, cfg, tn)
	})
}
