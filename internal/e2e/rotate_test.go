package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestRotate rotates through the real ESO controller.
func TestRotate(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepoWith(t, "e2e-rot", fmt.Sprintf("vault:\n  address: %s\n  allowInsecureHTTP: true\n", bed.VaultAddr), map[string]string{
		"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n  databases:\n    - {name: catalog, connection: catalog, privilege: readonly}\n",
	})
	ns := "e2e-rot-shop"
	namespace(t, ns, "eso", "shop")
	kv := r.cfg.Vault.Mounts.KV + "/data/e2e-rot/shop/a/b"
	_, err := bed.Vault.Logical().Write(kv, map[string]any{"data": map[string]any{"k": "v1"}})
	must(t, err)
	admin := kubeconfig(t, "")
	if code, out, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, "--auto-approve"); code != 0 {
		t.Fatalf("apply: %d\n%s\n%s", code, out, errOut)
	}
	rotate := func(args ...string) string {
		t.Helper()
		code, out, errOut := syncd(t, bed.VaultToken, admin, append([]string{"rotate", "shop", "--dir", r.dir}, args...)...)
		if code != 0 {
			t.Fatalf("rotate %v: exit %d\n%s\n%s", args, code, out, errOut)
		}
		return out
	}

	t.Run("--database: old credentials die, ESO brings new ones", func(t *testing.T) {
		var user, pass string
		eventually(t, "the first credentials", time.Minute, func() (bool, string) {
			d := secretData(t, ns, "catalog-db-credentials")
			user, pass = string(d["username"]), string(d["password"])
			return user != "" && pgLogin("catalog", user, pass) == nil, "no working credentials yet"
		})
		out := rotate("--database", "catalog")
		if !strings.Contains(out, "done  revoke every lease under database/creds/e2e-rot-shop-catalog") {
			t.Errorf("rotate said:\n%s", out)
		}
		if err := pgLogin("catalog", user, pass); err == nil {
			t.Error("credentials issued before the rotation still log in")
		}
		eventually(t, "new credentials from ESO", 30*time.Second, func() (bool, string) {
			d := secretData(t, ns, "catalog-db-credentials")
			u, p := string(d["username"]), string(d["password"])
			return u != user && pgLogin("catalog", u, p) == nil, "still " + u
		})
	})
	t.Run("--secret: a changed KV value reaches the Secret at once", func(t *testing.T) {
		eventually(t, "v1 in the Secret", time.Minute, func() (bool, string) {
			return string(secretData(t, ns, "s")["k"]) == "v1", ""
		})
		_, err := bed.Vault.Logical().Write(kv, map[string]any{"data": map[string]any{"k": "v2"}})
		must(t, err)
		rotate("--secret", "s") // its refresh interval is an hour: without this, v1 stays
		eventually(t, "v2 in the Secret", 30*time.Second, func() (bool, string) {
			return string(secretData(t, ns, "s")["k"]) == "v2", string(secretData(t, ns, "s")["k"])
		})
	})
	t.Run("--restart: the Deployment's pod template carries the annotation", func(t *testing.T) {
		labels := map[string]string{"app": "web"}
		_, err := bed.Kube.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "web"},
			Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}}}},
		}, metav1.CreateOptions{})
		must(t, err)
		dry := rotate("--restart", "deployment/web", "--dry-run")
		d, err := bed.Kube.AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
		must(t, err)
		if !strings.HasPrefix(dry, "would annotate Deployment") || d.Spec.Template.Annotations["secret-rotation"] != "" {
			t.Fatalf("--dry-run: %q, annotations %v", dry, d.Spec.Template.Annotations)
		}
		rotate("--restart", "deployment/web")
		d, err = bed.Kube.AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
		must(t, err)
		if _, err := time.Parse(time.RFC3339, d.Spec.Template.Annotations["secret-rotation"]); err != nil {
			t.Errorf("pod template annotations %v", d.Spec.Template.Annotations)
		}
	})
	t.Run("the rotations are no drift", func(t *testing.T) {
		if code, out, _ := syncd(t, bed.VaultToken, admin, "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
			t.Errorf("plan after rotating: exit %d\n%s", code, out)
		}
	})
}
