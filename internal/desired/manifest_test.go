package desired_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// Every manifest the builder writes is already canonical: the bytes
// encoding/json writes for the decoded object. A typed manifest with a
// field out of sorted order would fail here (and a converged live object
// would then never compare as equal bytes).
func TestManifestsAreCanonical(t *testing.T) {
	tenants := "spec:\n  secrets:\n    - {name: s, path: p, keys: [k, a]}\n    - {name: two, path: q, keys: [x], target: t2, refreshInterval: 5m}\n" +
		"  databases:\n    - {name: c, connection: catalog, privilege: readonly}\n"
	for name, cfgText := range map[string]string{
		"defaults":                "",
		"audience and namespaces": "auth:\n  audience: vault\nkubernetes:\n  manageNamespaces: true\n",
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := config.Parse("syncd.yaml", []byte("apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\n"+cfgText))
			if err != nil {
				t.Fatal(err)
			}
			set := tenant.Parse([]tenant.File{file("shop", tenants)}, cfg)
			st, err := desired.Build(cfg, set)
			if err != nil || set.Err() != nil {
				t.Fatal(err, set.Err())
			}
			kinds := map[object.Kind]int{}
			for _, o := range st.Objects {
				m, ok := o.Spec.(*desired.ManifestSpec)
				if !ok {
					continue
				}
				kinds[o.ID.Kind]++
				want, err := json.Marshal(m.Object())
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), string(m.JSON())); diff != "" {
					t.Errorf("%s is not canonical (-want +got):\n%s", o.ID, diff)
				}
			}
			if kinds[object.ExternalSecret] != 3 || kinds[object.SecretStore] != 1 || kinds[object.VaultDynamicSecret] != 1 {
				t.Errorf("manifests by kind %v, want 3 ExternalSecrets, 1 SecretStore, 1 VaultDynamicSecret", kinds)
			}
		})
	}
}

func TestManifestJSON(t *testing.T) {
	m := desired.MustManifest(map[string]any{"kind": "X", "spec": map[string]any{"n": int64(3), "f": 1.5, "on": true, "l": []any{"a"}}})
	if got, want := string(m.JSON()), `{"kind":"X","spec":{"f":1.5,"l":["a"],"n":3,"on":true}}`; got != want {
		t.Errorf("JSON() = %s, want %s", got, want)
	}
	// Object is a copy, numbers as Kubernetes holds them.
	obj := m.Object()
	if diff := cmp.Diff(map[string]any{"kind": "X", "spec": map[string]any{"n": int64(3), "f": 1.5, "on": true, "l": []any{"a"}}}, obj); diff != "" {
		t.Errorf("Object() (-want +got):\n%s", diff)
	}
	obj["spec"].(map[string]any)["n"] = int64(4)
	if m.Object()["spec"].(map[string]any)["n"] != int64(3) {
		t.Error("changing what Object returned changed the manifest")
	}
	// The plan's form round-trips, and reading it canonicalises.
	plan, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(plan), `{"object":`+string(m.JSON())+`}`; got != want {
		t.Errorf("plan form %s, want %s", got, want)
	}
	var back desired.ManifestSpec
	if err := json.Unmarshal([]byte(`{"object": {"spec": {"on": true, "n": 3, "l": ["a"], "f": 1.5}, "kind": "X"}}`), &back); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(m) {
		t.Errorf("read back %s, want %s", back.JSON(), m.JSON())
	}
	for _, bad := range []string{`{}`, `{"object": null}`, `{"object": [1]}`, `{"object": {"a": }}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("%s: read without error", bad)
		}
	}
}

// The offline proof reads each store's and generator's login from the bytes
// that will be applied: a role of another tenant's, or none, is refused.
func TestIsolationReadsTheLoginFromTheManifest(t *testing.T) {
	cfg := config.Default()
	spec := "spec:\n  secrets:\n    - {name: s, path: p, keys: [k]}\n  databases:\n    - {name: c, connection: catalog, privilege: readonly}\n"
	for name, tc := range map[string]struct {
		kind object.Kind
		edit func(obj map[string]any)
		want string
	}{
		"as built": {kind: object.SecretStore, edit: func(map[string]any) {}},
		"a store logging in as another tenant's role": {kind: object.SecretStore, want: fmt.Sprintf("logs in to Vault as role %q", cfg.AuthRoleName("other")),
			edit: func(obj map[string]any) {
				k := obj["spec"].(map[string]any)["provider"].(map[string]any)["vault"].(map[string]any)["auth"].(map[string]any)["kubernetes"].(map[string]any)
				k["role"] = cfg.AuthRoleName("other")
			}},
		"a generator without a Kubernetes auth block": {kind: object.VaultDynamicSecret, want: "has no Kubernetes auth role",
			edit: func(obj map[string]any) {
				delete(obj["spec"].(map[string]any)["provider"].(map[string]any), "auth")
			}},
	} {
		t.Run(name, func(t *testing.T) {
			set := tenant.Parse([]tenant.File{file("shop", spec), file("other", spec)}, cfg)
			st, err := desired.Build(cfg, set)
			if err != nil || set.Err() != nil {
				t.Fatal(err, set.Err())
			}
			edited := 0
			for i, o := range st.Objects {
				if o.Tenant == "shop" && o.ID.Kind == tc.kind {
					obj := o.Spec.(*desired.ManifestSpec).Object()
					tc.edit(obj)
					st.Objects[i].Spec = desired.MustManifest(obj)
					edited++
				}
			}
			if edited != 1 {
				t.Fatalf("edited %d objects, want 1", edited)
			}
			err = desired.CheckIsolation(cfg, st)
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// Every manifest syncd builds says how it logs in to Vault from its typed
// value (what the isolation proof reads); that is what its JSON — what is
// applied, and what ESO reads — says, for every kind of object, with and
// without an audience, with namespaces managed or not.
func TestTypedLoginIsTheEncodedOne(t *testing.T) {
	spec := "spec:\n  secrets:\n    - {name: s, path: p, keys: [k]}\n  databases:\n    - {name: c, connection: catalog, privilege: readonly}\n"
	withAudience := config.Default()
	withAudience.Auth.Audience = "vault"
	managed := config.Default()
	managed.Kubernetes.ManageNamespaces = true
	for name, cfg := range map[string]*config.Config{"default": config.Default(), "an audience": withAudience, "namespaces managed": managed} {
		t.Run(name, func(t *testing.T) {
			set := tenant.Parse([]tenant.File{file("shop", spec)}, cfg)
			st, err := desired.Build(cfg, set)
			if err != nil || set.Err() != nil {
				t.Fatal(err, set.Err())
			}
			kinds := map[object.Kind]bool{}
			for _, o := range st.Objects {
				m, ok := o.Spec.(*desired.ManifestSpec)
				if !ok {
					continue
				}
				kinds[o.ID.Kind] = true
				typed, typedOK, err := m.Login()
				if err != nil {
					t.Fatal(err)
				}
				encoded, encodedOK, err := desired.MustManifest(m.Object()).Login()
				if err != nil {
					t.Fatal(err)
				}
				if typedOK != encodedOK {
					t.Errorf("%s: logs in %v typed, %v encoded", o.ID, typedOK, encodedOK)
				}
				if diff := cmp.Diff(encoded, typed); diff != "" {
					t.Errorf("%s: login (-encoded +typed):\n%s", o.ID, diff)
				}
			}
			if !kinds[object.SecretStore] || !kinds[object.VaultDynamicSecret] || !kinds[object.ExternalSecret] {
				t.Errorf("kinds built: %v", kinds)
			}
		})
	}
}

// The desired state holds nothing of the tenant files it was built from
// but what its objects need: no recipe holds a tenant (whose Positions
// keep the file's text), so once the tenant set goes, its tenants do.
func TestStateHoldsNoTenantFile(t *testing.T) {
	tenants := "spec:\n  secrets:\n    - {name: s, path: p, keys: [k]}\n  databases:\n    - {name: c, connection: catalog, privilege: readonly}\n"
	set := tenant.Parse([]tenant.File{file("shop", tenants), file("blog", tenants)}, config.Default())
	st, err := desired.Build(config.Default(), set)
	if err != nil || set.Err() != nil || len(set.Tenants) != 2 {
		t.Fatal(err, set.Err())
	}
	var held []weak.Pointer[tenant.Tenant]
	for _, tn := range set.Tenants {
		held = append(held, weak.Make(tn))
	}
	set = nil
	runtime.GC()
	for i, w := range held {
		if w.Value() != nil {
			t.Errorf("tenant %d is still held by the desired state", i)
		}
	}
	var manifests int
	for _, o := range st.Objects {
		if m, ok := o.Spec.(*desired.ManifestSpec); ok && len(m.JSON()) > 0 {
			manifests++ // the recipes still build without their tenants
		}
	}
	if manifests == 0 {
		t.Errorf("no manifest built")
	}
}
