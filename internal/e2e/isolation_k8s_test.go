package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestTenantReachesOnlyItsOwnNamespace plays the attack of a tenant file
// that names another team's namespace and Secret, with the override
// allowed by syncd.yaml: nothing is written into a namespace not labelled
// as the tenant's (no objects, no Events); once it is the tenant's, an
// ExternalSecret still never takes over a Secret it did not create (the
// real ESO controller would); a Secret it did create is its own; and
// off-boarding leaves the other Secret as it was.
func TestTenantReachesOnlyItsOwnNamespace(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	const ns = "e2e-own-argocd"
	r := newRepoWith(t, "e2e-own", fmt.Sprintf("vault:\n  address: %s\n  allowInsecureHTTP: true\nkubernetes:\n  namespaceOverridePattern: %s\n  serviceAccountPattern: eso|argocd-server\n", bed.VaultAddr, ns),
		map[string]string{"intruder": "  namespace: " + ns + "\n  serviceAccount: argocd-server\n  secrets:\n    - {name: admin, path: admin, keys: [password], target: argocd-secret}\n"})
	namespace(t, ns, "argocd-server", "") // another team's: no tenant label
	_, err := bed.Kube.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "argocd-secret"},
		StringData: map[string]string{"admin.password": "theirs"}}, metav1.CreateOptions{})
	must(t, err)
	_, err = bed.Vault.Logical().Write(r.cfg.Vault.Mounts.KV+"/data/e2e-own/intruder/admin", map[string]any{"data": map[string]any{"password": "tenant-chosen"}})
	must(t, err)
	admin := kubeconfig(t, "")
	esos := func() int {
		n := 0
		for _, k := range []object.Kind{object.SecretStore, object.ExternalSecret} {
			l, err := bed.Dynamic.Resource(kuberead.GVRs(r.cfg)[k]).Namespace(ns).List(ctx, metav1.ListOptions{})
			must(t, err)
			n += len(l.Items)
		}
		return n
	}
	theirs := func() {
		t.Helper()
		if d := secretData(t, ns, "argocd-secret"); string(d["admin.password"]) != "theirs" || len(d) != 1 {
			t.Fatalf("the other team's Secret changed: %q", d)
		}
	}

	// 1. Not labelled: an error, and nothing of the tenant's in it; the
	// daemon (run --once) fails and posts no Event there either.
	code, out, errOut := syncd(t, bed.VaultToken, admin, "plan", "--dir", r.dir)
	if code != 1 || !strings.Contains(out+errOut, "Namespace e2e-own-argocd is not labelled syncd.io/tenant=intruder") {
		t.Fatalf("plan into an unlabelled namespace: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := syncd(t, bed.VaultToken, admin, "run", "--once", "--dir", r.dir); code != 1 {
		t.Fatalf("run --once into an unlabelled namespace: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := esos(); n != 0 {
		t.Errorf("%d ESO objects written into another team's namespace", n)
	}
	evs, err := bed.Kube.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
	must(t, err)
	if len(evs.Items) != 0 {
		t.Errorf("Events posted into another team's namespace: %v", evs.Items[0].Message)
	}
	theirs()

	// 2. Labelled as the tenant's: its store is written, but the
	// ExternalSecret that would take over argocd-secret is refused.
	namespace(t, ns, "argocd-server", "intruder")
	code, out, errOut = syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, "--auto-approve")
	if code != 1 || !strings.Contains(out+errOut, "target Secret e2e-own-argocd/argocd-secret already exists and this ExternalSecret did not create it") {
		t.Fatalf("apply with a taken target: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := bed.Dynamic.Resource(kuberead.GVRs(r.cfg)[object.ExternalSecret]).Namespace(ns).Get(ctx, "admin", metav1.GetOptions{}); err == nil {
		t.Error("the ExternalSecret targeting another team's Secret was created")
	}
	theirs()

	// 3. A target of its own: ESO creates it; the next plan converges
	// (a Secret its ExternalSecret targets is its own, not "taken").
	r.writeTenant(t, "intruder", "  namespace: "+ns+"\n  serviceAccount: argocd-server\n  secrets:\n    - {name: admin, path: admin, keys: [password], target: intruder-admin}\n")
	if code, out, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, "--auto-approve"); code != 0 {
		t.Fatalf("apply with a free target: exit %d\n%s\n%s", code, out, errOut)
	}
	eventually(t, "ESO creating the tenant's own Secret", time.Minute, func() (bool, string) {
		d := secretData(t, ns, "intruder-admin")
		return string(d["password"]) == "tenant-chosen", fmt.Sprintf("data %q", d)
	})
	if code, out, errOut := syncd(t, bed.VaultToken, admin, "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
		t.Fatalf("plan after ESO created its Secret: exit %d\n%s\n%s", code, out, errOut)
	}

	// 4. Off-boarding deletes the tenant's objects (and with them the
	// Secret ESO created), never the other team's.
	r.writeTenant(t, "intruder", "")
	if code, out, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, "--auto-approve", "--allow-deletes"); code != 0 {
		t.Fatalf("off-boarding: exit %d\n%s\n%s", code, out, errOut)
	}
	theirs()
}
