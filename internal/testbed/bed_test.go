package testbed_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/tenant"
	"github.com/syncd-dev/syncd/internal/testbed"
)

var bed *testbed.Bed

func TestMain(m *testing.M) { os.Exit(testbed.Run(m, &bed)) }

func TestServiceAccountTokenLogsInToVault(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	ns := bed.Namespace(t, "auth")
	for _, sa := range []string{"eso", "intruder"} {
		if err := testbed.EnsureServiceAccount(ctx, bed.Kube, ns, sa); err != nil {
			t.Fatal(err)
		}
	}
	policy := "read-" + ns
	if err := bed.Vault.Sys().PutPolicy(policy, `path "secret/data/`+ns+`/*" { capabilities = ["read"] }`); err != nil {
		t.Fatal(err)
	}
	if _, err := bed.Vault.Logical().Write("secret/data/"+ns+"/app", map[string]any{"data": map[string]any{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := bed.Vault.Logical().Write("auth/kubernetes/role/"+ns, map[string]any{
		"bound_service_account_names": []string{"eso"}, "bound_service_account_namespaces": []string{ns},
		"token_policies": []string{policy}, "token_ttl": "15m", "token_max_ttl": "1h",
	}); err != nil {
		t.Fatal(err)
	}
	login := func(sa string) (string, error) {
		jwt, err := testbed.ServiceAccountToken(ctx, bed.Kube, ns, sa, 10*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		s, err := bed.VaultClient(t, "").Logical().Write("auth/kubernetes/login", map[string]any{"role": ns, "jwt": jwt})
		if err != nil {
			return "", err
		}
		return s.Auth.ClientToken, nil
	}
	t.Run("the bound service account logs in and reads its path", func(t *testing.T) {
		token, err := login("eso")
		if err != nil {
			t.Fatalf("login: %v", err)
		}
		s, err := bed.VaultClient(t, token).Logical().Read("secret/data/" + ns + "/app")
		if err != nil || s == nil {
			t.Fatalf("read with the role's token: %v", err)
		}
		if got := s.Data["data"].(map[string]any)["k"]; got != "v" {
			t.Errorf("read %v", got)
		}
	})
	t.Run("another service account is refused", func(t *testing.T) {
		_, err := login("intruder")
		if err == nil || !strings.Contains(err.Error(), "permission denied") && !strings.Contains(err.Error(), "not authorized") {
			t.Fatalf("login as intruder: err = %v, want a refusal", err)
		}
	})
}

func TestDynamicPostgresCredentials(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	role := "bed-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	if _, err := bed.Vault.Logical().Write(testbed.DatabaseMount+"/roles/"+role, map[string]any{
		"db_name": "catalog",
		"creation_statements": []string{
			`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
			`GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`,
		},
		"revocation_statements": []string{
			`REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "{{name}}";`,
			`DROP ROLE IF EXISTS "{{name}}";`,
		},
		"default_ttl": "10m", "max_ttl": "1h",
	}); err != nil {
		t.Fatal(err)
	}
	creds, err := bed.Vault.Logical().Read(testbed.DatabaseMount + "/creds/" + role)
	if err != nil {
		t.Fatal(err)
	}
	user, pass := creds.Data["username"].(string), creds.Data["password"].(string)
	cfg, err := pgx.ParseConfig(bed.PostgresURL("catalog"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.User, cfg.Password = user, pass
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect with dynamic credentials: %v", err)
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM books").Scan(&n); err != nil || n != 2 {
		t.Errorf("SELECT count(*) FROM books = %d, %v; want 2", n, err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO books (title) VALUES ('x')"); err == nil {
		t.Error("a read-only credential could write")
	}
	conn.Close(ctx)

	if _, err := bed.Vault.Logical().Write("sys/leases/revoke-prefix/"+testbed.DatabaseMount+"/creds/"+role, nil); err != nil {
		t.Fatal(err)
	}
	// Revocation is queued: poll until the Postgres role is gone.
	admin := bed.Postgres(t, "postgres")
	exists := true
	for deadline := time.Now().Add(time.Minute); exists && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", user).Scan(&exists); err != nil {
			t.Fatal(err)
		}
	}
	if exists {
		t.Errorf("Postgres role %s still exists after revoke-prefix", user)
	}
}

var (
	esGVR    = schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1", Resource: "externalsecrets"}
	storeGVR = schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1", Resource: "secretstores"}
	vdsGVR   = schema.GroupVersionResource{Group: "generators.external-secrets.io", Version: "v1alpha1", Resource: "vaultdynamicsecrets"}
)

func TestESOObjectsValidateAgainstRealCRDs(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	root, err := testbed.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(root, "syncd.yaml"), false)
	if err != nil {
		t.Fatal(err)
	}
	set, err := tenant.LoadDir(filepath.Join(root, "tenants"), cfg)
	if err != nil || set.Err() != nil {
		t.Fatalf("shipped tenants: %v %v", err, set.Err())
	}
	state, err := desired.Build(cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	ns := bed.Namespace(t, "eso")
	gvr := map[string]schema.GroupVersionResource{"ExternalSecret": esGVR, "SecretStore": storeGVR, "VaultDynamicSecret": vdsGVR}
	created := 0
	t.Run("every ESO object syncd renders is accepted", func(t *testing.T) {
		for _, o := range state.Objects {
			m, ok := o.Spec.(*desired.ManifestSpec)
			if !ok {
				continue
			}
			u := &unstructured.Unstructured{Object: m.Object()}
			u = u.DeepCopy()
			u.SetNamespace(ns) // one throwaway namespace for all tenants
			u.SetName(o.Tenant + "-" + u.GetName())
			_, err := bed.Dynamic.Resource(gvr[u.GetKind()]).Namespace(ns).Create(ctx, u, metav1.CreateOptions{FieldValidation: "Strict"})
			if err != nil {
				t.Errorf("%s rejected: %v", o.ID, err)
			}
			created++
		}
		if created < 10 {
			t.Errorf("created only %d ESO objects from the shipped tenants", created)
		}
	})
	valid := func() *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret",
			"metadata": map[string]any{"name": "probe", "namespace": ns},
			"spec": map[string]any{
				"refreshInterval": "1h",
				"secretStoreRef":  map[string]any{"kind": "SecretStore", "name": "vault"},
				"target":          map[string]any{"name": "probe", "creationPolicy": "Owner"},
				"data":            []any{map[string]any{"secretKey": "k", "remoteRef": map[string]any{"key": "a/b", "property": "k"}}},
			},
		}}
	}
	malformed := map[string]func(u *unstructured.Unstructured){
		"creationPolicy outside its enum": func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(u.Object, "Sometimes", "spec", "target", "creationPolicy")
		},
		"data item without remoteRef": func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"secretKey": "k"}}, "spec", "data")
		},
		"unknown field": func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(u.Object, "x", "spec", "bogus")
		},
	}
	for name, mutate := range malformed {
		t.Run("rejects "+name, func(t *testing.T) {
			u := valid()
			mutate(u)
			_, err := bed.Dynamic.Resource(esGVR).Namespace(ns).Create(ctx, u, metav1.CreateOptions{FieldValidation: "Strict", DryRun: []string{"All"}})
			if err == nil || !(apierrors.IsInvalid(err) || apierrors.IsBadRequest(err)) {
				t.Errorf("err = %v, want Invalid/BadRequest", err)
			}
		})
	}
	t.Run("the unmodified probe is accepted (so the rejections above are real)", func(t *testing.T) {
		if _, err := bed.Dynamic.Resource(esGVR).Namespace(ns).Create(ctx, valid(), metav1.CreateOptions{FieldValidation: "Strict", DryRun: []string{"All"}}); err != nil {
			t.Errorf("valid ExternalSecret rejected: %v", err)
		}
	})
}
