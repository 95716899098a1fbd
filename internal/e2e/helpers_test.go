package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/syncd-dev/syncd/internal/cli"
	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/tenant"
	"github.com/syncd-dev/syncd/internal/testbed"
)

var bed *testbed.Bed

func TestMain(m *testing.M) { os.Exit(testbed.Run(m, &bed)) }

// repo writes a repository whose names all carry prefix, so tests sharing
// the bed cannot see each other's objects.
type repo struct {
	dir, prefix string
	cfg         *config.Config
}

func newRepo(t *testing.T, prefix string, tenants map[string]string) *repo {
	t.Helper()
	return newRepoWith(t, prefix, "", tenants)
}

// newRepoWith is newRepo with more platform config appended.
func newRepoWith(t *testing.T, prefix, extraConfig string, tenants map[string]string) *repo {
	t.Helper()
	dir := t.TempDir()
	cfgYAML := fmt.Sprintf(`apiVersion: syncd.io/v1alpha1
kind: PlatformConfig
names:
  policy: %[1]s-app-{tenant}
  authRole: %[1]s-{tenant}
  namespace: %[1]s-{tenant}
  serviceAccount: eso
  kvPrefix: %[1]s/{tenant}
  databaseRole: %[1]s-{tenant}-{db}
inventory:
  path: syncd/%[1]s/inventory
guard:
  maxDeletes: 1
  maxDeletePercent: 50
`, prefix) + extraConfig
	must(t, os.WriteFile(filepath.Join(dir, "syncd.yaml"), []byte(cfgYAML), 0o644))
	must(t, os.Mkdir(filepath.Join(dir, "tenants"), 0o755))
	for name, spec := range tenants {
		body := "apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: " + name + "\nspec:\n" + spec
		must(t, os.WriteFile(filepath.Join(dir, "tenants", name+".yaml"), []byte(body), 0o644))
	}
	cfg, err := config.Load(filepath.Join(dir, "syncd.yaml"), false)
	must(t, err)
	return &repo{dir: dir, prefix: prefix, cfg: cfg}
}

// writeTenant writes (or, with spec "", removes) a tenant file.
func (r *repo) writeTenant(t *testing.T, name, spec string) {
	t.Helper()
	path := filepath.Join(r.dir, "tenants", name+".yaml")
	if spec == "" {
		must(t, os.Remove(path))
		return
	}
	body := "apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: " + name + "\nspec:\n" + spec
	must(t, os.WriteFile(path, []byte(body), 0o644))
}

// state is the desired state of the repository's tenants.
func (r *repo) state(t *testing.T) *desired.State {
	t.Helper()
	set, err := tenant.LoadDir(filepath.Join(r.dir, "tenants"), r.cfg)
	must(t, err)
	must(t, set.Err())
	st, err := desired.Build(r.cfg, set)
	must(t, err)
	return st
}

// obj returns the desired object of kind and name.
func obj(t *testing.T, st *desired.State, kind object.Kind, name string) desired.Object {
	t.Helper()
	for _, o := range st.Objects {
		if o.ID.Kind == kind && o.ID.Name == name {
			return o
		}
	}
	t.Fatalf("no desired %s %s", kind, name)
	return desired.Object{}
}

// writeVault writes a desired Vault object by hand, as an operator would.
func writeVault(t *testing.T, cfg *config.Config, spec desired.Spec) {
	t.Helper()
	m := cfg.Vault.Mounts
	var err error
	switch s := spec.(type) {
	case *desired.PolicySpec:
		err = bed.Vault.Sys().PutPolicy(s.Name, s.Text())
	case *desired.AuthRoleSpec:
		_, err = bed.Vault.Logical().Write("auth/"+m.KubernetesAuth+"/role/"+s.Name, authRoleData(s))
	case *desired.DatabaseRoleSpec:
		data := map[string]any{
			"db_name": s.DBName, "creation_statements": s.CreationStatements, "revocation_statements": s.RevocationStatements,
			"rollback_statements": s.RollbackStatements, "renew_statements": s.RenewStatements,
			"default_ttl": s.DefaultTTL.Seconds(), "max_ttl": s.MaxTTL.Seconds(),
			"credential_config": map[string]any{}, // resets one set out of band
		}
		if s.CredentialType != "" {
			data["credential_type"] = s.CredentialType
		}
		_, err = bed.Vault.Logical().Write(m.Database+"/roles/"+s.Name, data)
	default:
		t.Fatalf("writeVault: %T", spec)
	}
	must(t, err)
}

// authRoleData is every field of an auth role as Vault's API takes it.
func authRoleData(s *desired.AuthRoleSpec) map[string]any {
	return map[string]any{
		"bound_service_account_names": s.BoundServiceAccountNames, "bound_service_account_namespaces": s.BoundServiceAccountNamespaces,
		"bound_service_account_namespace_selector": s.BoundServiceAccountNamespaceSelector,
		"token_policies": s.TokenPolicies, "token_ttl": s.TokenTTL.Seconds(), "token_max_ttl": s.TokenMaxTTL.Seconds(),
		"token_explicit_max_ttl": s.TokenExplicitMaxTTL.Seconds(), "token_period": s.TokenPeriod.Seconds(),
		"token_num_uses": s.TokenNumUses, "token_no_default_policy": s.TokenNoDefaultPolicy,
		"token_bound_cidrs": s.TokenBoundCIDRs, "token_type": s.TokenType, "alias_name_source": s.AliasNameSource,
		"audience": s.Audience,
	}
}

// createKube creates a desired Kubernetes object by hand.
func createKube(t *testing.T, cfg *config.Config, o desired.Object) {
	t.Helper()
	u := &unstructured.Unstructured{Object: o.Spec.(*desired.ManifestSpec).Object()}
	_, err := bed.Dynamic.Resource(kuberead.GVRs(cfg)[o.ID.Kind]).Namespace(o.ID.Scope).Create(context.Background(), u.DeepCopy(), metav1.CreateOptions{})
	must(t, err)
}

// namespace creates a namespace and a service account in it; given a
// tenant, the namespace is labelled as the tenant's (syncd.io/tenant), as
// the platform does for the namespaces it makes for tenants.
func namespace(t *testing.T, ns, sa, tenant string) {
	t.Helper()
	must(t, testbed.EnsureTenantNamespace(context.Background(), bed.Kube, ns, sa, tenant))
	t.Cleanup(func() {
		_ = bed.Kube.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{})
	})
}

// plantSecret writes a Kubernetes Secret holding value.
func plantSecret(t *testing.T, ns, value string) {
	t.Helper()
	_, err := bed.Kube.CoreV1().Secrets(ns).Create(context.Background(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "planted", Labels: map[string]string{desired.LabelManagedBy: desired.ManagedBy}},
		StringData: map[string]string{"password": value},
	}, metav1.CreateOptions{})
	must(t, err)
}

// kubeconfig writes a kubeconfig for the bed's API server with a bearer token
// (empty: the admin client certificate).
func kubeconfig(t *testing.T, token string) string {
	t.Helper()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["bed"] = &clientcmdapi.Cluster{Server: bed.RESTConfig.Host, CertificateAuthorityData: bed.RESTConfig.CAData}
	user := &clientcmdapi.AuthInfo{Token: token}
	if token == "" {
		user = &clientcmdapi.AuthInfo{ClientCertificateData: bed.RESTConfig.CertData, ClientKeyData: bed.RESTConfig.KeyData}
	}
	kc.AuthInfos["u"] = user
	kc.Contexts["bed"] = &clientcmdapi.Context{Cluster: "bed", AuthInfo: "u"}
	kc.CurrentContext = "bed"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	must(t, clientcmd.WriteToFile(*kc, path))
	return path
}

// runCLI runs the CLI in-process with the environment as it is.
func runCLI(args []string, stdout, stderr io.Writer) int { return cli.Main(args, stdout, stderr) }

// syncd runs the CLI in-process against the bed with vaultToken.
func syncd(t *testing.T, vaultToken, kubeconfigPath string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("VAULT_ADDR", bed.VaultAddr)
	t.Setenv("VAULT_TOKEN", vaultToken)
	var out, errb bytes.Buffer
	code := cli.Main(append(args, "--kubeconfig", kubeconfigPath), &out, &errb)
	return code, out.String(), errb.String()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// actions extracts "action object" lines from a text plan.
func actions(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) >= 4 && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && strings.HasPrefix(f[len(f)-2], "(wave") {
			out = append(out, strings.Join(f[1:len(f)-2], " ")+" "+f[len(f)-2]+" "+f[len(f)-1])
		}
	}
	return out
}
