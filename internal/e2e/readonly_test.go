package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// readOnlyPolicy lets a token list and read what plan reads, and nothing else.
const readOnlyPolicy = `
path "sys/policies/acl"        { capabilities = ["list"] }
path "sys/policies/acl/*"      { capabilities = ["read"] }
path "auth/kubernetes/role"    { capabilities = ["list"] }
path "auth/kubernetes/role/*"  { capabilities = ["read"] }
path "database/roles"          { capabilities = ["list"] }
path "database/roles/*"        { capabilities = ["read"] }
path "database/config/*"       { capabilities = ["read"] }
path "secret/metadata/*"       { capabilities = ["read", "list"] }
path "secret/data/syncd/*"     { capabilities = ["read"] }
`

// TestPlanIsReadOnly runs plan with a Vault token that may only read and list,
// and a Kubernetes identity whose RBAC allows only get and list: any write
// would be refused and fail the plan.
func TestPlanIsReadOnly(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := seeded(t, "e2e-ro")

	must(t, bed.Vault.Sys().PutPolicy("syncd-plan-readonly", readOnlyPolicy))
	tok, err := bed.Vault.Auth().Token().Create(&vaultapi.TokenCreateRequest{Policies: []string{"syncd-plan-readonly"}, NoDefaultPolicy: true, TTL: "10m"})
	must(t, err)
	vaultToken := tok.Auth.ClientToken

	must(t, testbed.EnsureServiceAccount(ctx, bed.Kube, "syncd-system", "syncd-plan"))
	_, err = bed.Kube.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "syncd-plan-readonly"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"external-secrets.io"}, Resources: []string{"externalsecrets", "secretstores"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"generators.external-secrets.io"}, Resources: []string{"vaultdynamicsecrets"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{""}, Resources: []string{"namespaces", "serviceaccounts"}, Verbs: []string{"get", "list"}},
		},
	}, metav1.CreateOptions{})
	must(t, err)
	_, err = bed.Kube.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "syncd-plan-readonly"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "syncd-plan-readonly"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: "syncd-system", Name: "syncd-plan"}},
	}, metav1.CreateOptions{})
	must(t, err)
	jwt, err := testbed.ServiceAccountToken(ctx, bed.Kube, "syncd-system", "syncd-plan", 10*time.Minute)
	must(t, err)
	readOnly := kubeconfig(t, jwt)

	t.Run("the read-only identities really cannot write", func(t *testing.T) {
		c := bed.VaultClient(t, vaultToken)
		if err := c.Sys().PutPolicy("e2e-ro-probe", `path "x" { capabilities = ["read"] }`); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("policy write with the read-only token: %v, want permission denied", err)
		}
		cfg, err := clientcmd.BuildConfigFromFlags("", readOnly)
		must(t, err)
		kc, err := kubernetes.NewForConfig(cfg)
		must(t, err)
		_, err = kc.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "e2e-ro-probe"}}, metav1.CreateOptions{})
		if !apierrors.IsForbidden(err) {
			t.Errorf("namespace create with the read-only identity: %v, want Forbidden", err)
		}
	})

	code, text, logs := syncd(t, vaultToken, readOnly, "plan", "--dir", r.dir, "--adopt", "--detailed-exitcode")
	if code != 2 {
		t.Fatalf("plan with read-only credentials: exit %d, want 2 (changes, no errors)\n%s\n%s", code, text, logs)
	}
	if !strings.Contains(text, "update KubernetesAuthRole e2e-ro-shop") || !strings.Contains(text, "revoke-leases Leases e2e-ro-gone-catalog") {
		t.Errorf("plan incomplete:\n%s", text)
	}
}
