package e2e_test

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestManageNamespaces: with kubernetes.manageNamespaces syncd creates the
// tenant's namespace and service account from an empty cluster, and deletes
// them last when the tenant is off-boarded.
func TestManageNamespaces(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepoWith(t, "e2e-mns", "kubernetes:\n  manageNamespaces: true\n",
		map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	t.Cleanup(func() { _ = bed.Kube.CoreV1().Namespaces().Delete(ctx, "e2e-mns-solo", metav1.DeleteOptions{}) })
	admin := kubeconfig(t, "")
	code, out, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, "--auto-approve")
	if code != 0 || !strings.Contains(out, "syncd apply: 6 applied, 0 failed, 0 skipped") {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	ns, err := bed.Kube.CoreV1().Namespaces().Get(ctx, "e2e-mns-solo", metav1.GetOptions{})
	must(t, err)
	sa, err := bed.Kube.CoreV1().ServiceAccounts("e2e-mns-solo").Get(ctx, "eso", metav1.GetOptions{})
	must(t, err)
	if ns.Labels[desired.LabelManagedBy] != desired.ManagedBy || sa.Labels[desired.LabelTenant] != "solo" {
		t.Errorf("labels: namespace %v, service account %v", ns.Labels, sa.Labels)
	}
	if code, out, errOut := syncd(t, bed.VaultToken, admin, "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
		t.Fatalf("second plan: exit %d\n%s\n%s", code, out, errOut)
	}

	r.writeTenant(t, "solo", "")
	code, out, errOut = syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, "--auto-approve", "--allow-deletes")
	if code != 0 {
		t.Fatalf("off-boarding: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"delete ServiceAccount e2e-mns-solo/eso  (wave 2): applied",
		"delete Namespace e2e-mns-solo  (wave 3): applied",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("off-boarding lacks %q:\n%s", want, out)
		}
	}
	ns, err = bed.Kube.CoreV1().Namespaces().Get(ctx, "e2e-mns-solo", metav1.GetOptions{})
	if err == nil && ns.DeletionTimestamp == nil {
		t.Errorf("namespace not being deleted: %+v", ns.Status)
	}
	if code, out, errOut := syncd(t, bed.VaultToken, admin, "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
		t.Errorf("plan after off-boarding (namespace terminating): exit %d\n%s\n%s", code, out, errOut)
	}
}
