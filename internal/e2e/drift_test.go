package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/syncd-dev/syncd/internal/daemon"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/live/vaultread"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// converge writes every desired object of r by hand, as apply would, plus
// the tenants' namespaces, service accounts and KV values, and records them
// in the inventory.
func converge(t *testing.T, r *repo) {
	t.Helper()
	ctx := context.Background()
	st := r.state(t)
	inv := &inventory.Inventory{Tenants: map[string]*inventory.Tenant{}}
	objects := st.ByTenant()
	for _, tn := range st.Tenants {
		namespace(t, tn.Namespace, tn.ServiceAccount, tn.Name)
		inv.Tenants[tn.Name] = &inventory.Tenant{Objects: desired.ObjectIDs(objects[tn.Name]), Namespace: tn.Namespace, KVMount: r.cfg.Vault.Mounts.KV, KVPrefix: tn.KVPrefix}
	}
	for _, o := range st.Objects {
		if o.ID.System == object.Vault {
			writeVault(t, r.cfg, o.Spec)
		} else {
			createKube(t, r.cfg, o)
		}
	}
	for _, e := range st.External {
		if e.ID.Kind == object.KVSecret {
			_, err := bed.Vault.Logical().Write(e.ID.Scope+"/data/"+e.ID.Name, map[string]any{"data": map[string]any{"k": "v"}})
			must(t, err)
		}
	}
	must(t, inventory.Store{KV: bed.Vault.Logical(), Mount: r.cfg.Inventory.Mount, Path: r.cfg.Inventory.Path}.Save(ctx, inv))
}

// planJSON runs syncd plan and decodes its JSON plan.
func planJSON(t *testing.T, r *repo, flags ...string) (int, *diff.Plan) {
	t.Helper()
	code, out, logs := syncd(t, bed.VaultToken, kubeconfig(t, ""), append([]string{"plan", "--dir", r.dir, "--detailed-exitcode", "-o", "json"}, flags...)...)
	var p diff.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan output: %v\n%s\n%s", err, out, logs)
	}
	return code, &p
}

// TestOutOfBandChangesAreDrift proves both directions against the real bed:
// a converged tenant (roles read back from Vault with all their server
// defaults, ESO objects read back with the CRDs' defaults) plans zero
// changes; every field set out of band that could widen access plans an
// update of exactly that field, and `syncd apply` heals it — then, set
// again, the daemon in heal mode does — each followed by a plan of zero
// changes.
func TestOutOfBandChangesAreDrift(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-drift", map[string]string{"shop": "  secrets:\n    - {name: stripe, path: payments/stripe, keys: [api_key]}\n  databases:\n    - {name: catalog, connection: catalog, privilege: readonly}\n"})
	converge(t, r)
	if code, p := planJSON(t, r); code != 0 || p.HasChanges() || p.Summary.NoOp != 7 {
		t.Fatalf("converged tenant: exit %d, summary %+v, changes %+v; want exit 0 and 7 unchanged", code, p.Summary, p.Changes)
	}
	st := r.state(t)
	role := obj(t, st, object.AuthRole, "e2e-drift-shop")
	dbRole := obj(t, st, object.DatabaseRole, "e2e-drift-shop-catalog")
	store := obj(t, st, object.SecretStore, "vault-shop")
	rolePath := "auth/" + r.cfg.Vault.Mounts.KubernetesAuth + "/role/" + role.ID.Name
	dbPath := r.cfg.Vault.Mounts.Database + "/roles/" + dbRole.ID.Name
	vaultWrite := func(path string, data map[string]any) func(t *testing.T) {
		return func(t *testing.T) {
			_, err := bed.Vault.Logical().Write(path, data)
			must(t, err)
		}
	}
	storeGVR := kuberead.GVRs(r.cfg)[object.SecretStore]
	tests := map[string]struct {
		change func(t *testing.T)
		id     object.ID
		field  string
	}{
		"auth role: a namespace selector lets other namespaces log in": {
			change: vaultWrite(rolePath, map[string]any{"bound_service_account_namespace_selector": `{"matchLabels":{"team":"any"}}`}),
			id:     role.ID, field: "bound_service_account_namespace_selector",
		},
		"auth role: token_period makes tokens renewable forever": {
			change: vaultWrite(rolePath, map[string]any{"token_period": 86400}), id: role.ID, field: "token_period",
		},
		"auth role: token_num_uses": {
			change: vaultWrite(rolePath, map[string]any{"token_num_uses": 5}), id: role.ID, field: "token_num_uses",
		},
		"auth role: token_explicit_max_ttl": {
			change: vaultWrite(rolePath, map[string]any{"token_explicit_max_ttl": 7200}), id: role.ID, field: "token_explicit_max_ttl",
		},
		"auth role: token_no_default_policy": {
			change: vaultWrite(rolePath, map[string]any{"token_no_default_policy": true}), id: role.ID, field: "token_no_default_policy",
		},
		"auth role: token_bound_cidrs": {
			change: vaultWrite(rolePath, map[string]any{"token_bound_cidrs": []string{"127.0.0.0/8"}}), id: role.ID, field: "token_bound_cidrs",
		},
		"auth role: token_type": {
			change: vaultWrite(rolePath, map[string]any{"token_type": "batch"}), id: role.ID, field: "token_type",
		},
		"auth role: alias_name_source": {
			change: vaultWrite(rolePath, map[string]any{"alias_name_source": "serviceaccount_name"}), id: role.ID, field: "alias_name_source",
		},
		"database role: rollback_statements": {
			change: vaultWrite(dbPath, map[string]any{"rollback_statements": []string{`ALTER ROLE "{{name}}" SUPERUSER;`}}), id: dbRole.ID, field: "rollback_statements",
		},
		"database role: credential_config": {
			change: vaultWrite(dbPath, map[string]any{"credential_config": map[string]any{"password_policy": "weak"}}), id: dbRole.ID, field: "credential_config",
		},
		"SecretStore: an extra auth method (tokenSecretRef)": {
			change: func(t *testing.T) {
				patch := `{"spec":{"provider":{"vault":{"auth":{"tokenSecretRef":{"name":"root-token","key":"token"}}}}}}`
				_, err := bed.Dynamic.Resource(storeGVR).Namespace(store.ID.Scope).Patch(ctx, store.ID.Name, types.MergePatchType, []byte(patch), metav1.PatchOptions{})
				must(t, err)
			},
			id: store.ID, field: "spec.provider.vault.auth.tokenSecretRef",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tc.change(t)
			code, p := planJSON(t, r)
			var got []string
			for _, c := range p.Changes {
				if c.Action == diff.NoOp {
					continue
				}
				for _, f := range c.Fields {
					got = append(got, string(c.Action)+" "+c.ID.String()+" "+f.Path)
				}
			}
			want := "update " + tc.id.String() + " " + tc.field
			if code != 2 || len(got) != 1 || got[0] != want {
				t.Errorf("exit %d, drift %q; want exit 2 and only %q", code, got, want)
			}
			if code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve"); code != 0 {
				t.Fatalf("syncd apply: exit %d\n%s\n%s", code, out, errOut)
			}
			if code, p := planJSON(t, r); code != 0 {
				t.Errorf("after syncd apply: exit %d, summary %+v", code, p.Summary)
			}
			tc.change(t)
			d := daemon.New(daemon.Config{Source: source.Dir{Path: r.dir}, Mode: daemon.Heal,
				Clients: func(context.Context) (reconcile.Clients, error) { return bedClients(t), nil },
				Log:     slog.New(slog.NewTextHandler(io.Discard, nil))})
			if out := d.Once(ctx, true); !out.OK() {
				t.Fatalf("daemon heal: %+v", out)
			}
			if code, p := planJSON(t, r); code != 0 {
				t.Errorf("after the daemon's heal: exit %d, summary %+v", code, p.Summary)
			}
		})
	}
}

// TestDeletedKVValueIsNotPresent proves against real Vault that a secret
// whose current version is soft-deleted or destroyed has no value: the
// "no value yet" warning fires.
func TestDeletedKVValueIsNotPresent(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-kvdel", map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-kvdel-solo", "eso", "solo")
	st := r.state(t)
	kv := st.External[0].ID
	for _, e := range st.External {
		if e.ID.Kind == object.KVSecret {
			kv = e.ID
		}
	}
	present := func() bool {
		t.Helper()
		s := live.New()
		must(t, vaultread.Reader{Logical: bed.Vault.Logical(), Config: r.cfg}.Read(ctx, object.NewSet(kv), s))
		return s.Present.Has(kv)
	}
	data := kv.Scope + "/data/" + kv.Name
	steps := []struct {
		name string
		do   func() error
		want bool
	}{
		{"never written", func() error { return nil }, false},
		{"written", func() error {
			_, err := bed.Vault.Logical().Write(data, map[string]any{"data": map[string]any{"k": "v"}})
			return err
		}, true},
		{"soft-deleted (vault kv delete)", func() error { _, err := bed.Vault.Logical().Delete(data); return err }, false},
		{"undeleted", func() error {
			_, err := bed.Vault.Logical().Write(kv.Scope+"/undelete/"+kv.Name, map[string]any{"versions": []int{1}})
			return err
		}, true},
		{"destroyed", func() error {
			_, err := bed.Vault.Logical().Write(kv.Scope+"/destroy/"+kv.Name, map[string]any{"versions": []int{1}})
			return err
		}, false},
	}
	for _, s := range steps {
		must(t, s.do())
		if got := present(); got != s.want {
			t.Errorf("%s: present = %v, want %v", s.name, got, s.want)
		}
	}
	code, text, _ := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir)
	if code != 0 || !strings.Contains(text, "KV secret "+kv.Scope+"/"+kv.Name+" has no value yet") {
		t.Errorf("exit %d; want the no-value warning for the destroyed secret:\n%s", code, text)
	}
}
