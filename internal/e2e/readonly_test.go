package e2e_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestPlanIsReadOnly runs plan with a Vault token holding only the policy
// `syncd render -o vault-policy-readonly` gives (examples/ci's PR check), and
// a Kubernetes identity bound by examples/ci/plan-readonly-rbac.yaml: reads
// and lists only, so any write would be refused and fail the plan.
func TestPlanIsReadOnly(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := seeded(t, "e2e-ro")

	must(t, bed.Vault.Sys().PutPolicy("syncd-plan-readonly", string(policy.Render(desired.ReadOnlyPolicy(r.cfg)))))
	tok, err := bed.Vault.Auth().Token().Create(&vaultapi.TokenCreateRequest{Policies: []string{"syncd-plan-readonly"}, NoDefaultPolicy: true, TTL: "10m"})
	must(t, err)
	vaultToken := tok.Auth.ClientToken

	must(t, testbed.EnsureServiceAccount(ctx, bed.Kube, "syncd-system", "syncd-plan"))
	root, err := testbed.RepoRoot()
	must(t, err)
	for _, o := range kustomizeFile(t, filepath.Join(root, "examples", "ci", "plan-readonly-rbac.yaml")) {
		res := map[string]string{"ClusterRole": "clusterroles", "ClusterRoleBinding": "clusterrolebindings"}[o.GetKind()]
		gvr := schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: res}
		_, err := bed.Dynamic.Resource(gvr).Create(ctx, o, metav1.CreateOptions{})
		must(t, err)
		t.Cleanup(func() {
			_ = bed.Dynamic.Resource(gvr).Delete(context.Background(), o.GetName(), metav1.DeleteOptions{})
		})
	}
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
