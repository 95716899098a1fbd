package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// onboarded applies two tenants from an empty bed: shop (a KV secret and
// short-lived catalog credentials) and blog (a KV secret). Their namespaces
// and service accounts are created by the test, their KV values written.
func onboarded(t *testing.T, prefix string, audit func() []auditEntry) *repo {
	t.Helper()
	r := newRepoWith(t, prefix, fmt.Sprintf("vault:\n  address: %s\n  allowInsecureHTTP: true\nauth:\n  ttl: 20s\n  maxTTL: 40s\noffboarding:\n  gracePeriod: 45s\n", bed.VaultAddr), map[string]string{
		"shop": "  secrets:\n    - {name: stripe, path: payments/stripe, keys: [api_key]}\n" +
			"  databases:\n    - {name: catalog, connection: catalog, privilege: readonly, defaultTTL: 1m, maxTTL: 2m}\n",
		"blog": "  secrets:\n    - {name: smtp, path: mail/smtp, keys: [password]}\n",
	})
	for _, tn := range []string{"shop", "blog"} {
		namespace(t, prefix+"-"+tn, "eso", tn)
	}
	for path, v := range map[string]string{"shop/payments/stripe": `{"api_key":"sk-shop"}`, "blog/mail/smtp": `{"password":"pw-blog"}`} {
		_, err := bed.Vault.Logical().WriteBytes(r.cfg.Vault.Mounts.KV+"/data/"+prefix+"/"+path, []byte(`{"data":`+v+`}`))
		must(t, err)
	}
	code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve")
	if code != 0 || !strings.Contains(out, "syncd apply: 11 applied, 0 failed, 0 skipped") {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	return r
}

// TestOnboardThroughESO applies from an empty bed and follows what syncd
// wrote into the program that consumes it, the real ESO controller.
func TestOnboardThroughESO(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	audit := auditDevice(t)
	const prefix = "e2e-onb"
	r := onboarded(t, prefix, audit)
	shopNS, blogNS := prefix+"-shop", prefix+"-blog"

	t.Run("Vault saw each policy written before the auth role that names it", func(t *testing.T) {
		entries := audit()
		for _, tn := range []string{"shop", "blog"} {
			p := firstWrite(entries, "sys/policies/acl/"+prefix+"-app-"+tn)
			role := firstWrite(entries, "auth/kubernetes/role/"+prefix+"-"+tn)
			if p < 0 || role < 0 || p > role {
				t.Errorf("tenant %s: policy written at audit entry %d, auth role at %d; want the policy first", tn, p, role)
			}
		}
		db := firstWrite(entries, "database/roles/"+prefix+"-shop-catalog")
		if p := firstWrite(entries, "sys/policies/acl/"+prefix+"-app-shop"); db < 0 || db > p {
			t.Errorf("database role written at %d, the policy granting its credentials at %d; want the role first", db, p)
		}
	})
	t.Run("a second plan has no changes and a second apply writes nothing", func(t *testing.T) {
		if code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
			t.Fatalf("second plan: exit %d\n%s\n%s", code, out, errOut)
		}
		before := writes(audit())
		code, _, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve")
		if code != 0 || !strings.Contains(errOut, "No changes: live state matches the tenant files (0 Vault and 0 Kubernetes writes)") {
			t.Errorf("second apply: exit %d\n%s", code, errOut)
		}
		if n := writes(audit()) - before; n != 0 {
			t.Errorf("Vault's audit log shows %d writes during the second apply, want 0", n)
		}
	})
	t.Run("ESO syncs each tenant's KV secret into its Kubernetes Secret", func(t *testing.T) {
		eventually(t, "shop's stripe Secret", time.Minute, func() (bool, string) {
			d := secretData(t, shopNS, "stripe")
			return string(d["api_key"]) == "sk-shop", fmt.Sprintf("data %q", d)
		})
		eventually(t, "blog's smtp Secret", time.Minute, func() (bool, string) {
			d := secretData(t, blogNS, "smtp")
			return string(d["password"]) == "pw-blog", fmt.Sprintf("data %q", d)
		})
	})
	t.Run("a tenant's store cannot read another tenant's path", func(t *testing.T) {
		es := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": r.cfg.ESO.APIVersion, "kind": "ExternalSecret",
			"metadata": map[string]any{"name": "steal", "namespace": blogNS},
			"spec": map[string]any{
				"refreshInterval": "1h",
				"secretStoreRef":  map[string]any{"kind": "SecretStore", "name": "vault-blog"},
				"target":          map[string]any{"name": "stolen"},
				"data":            []any{map[string]any{"secretKey": "k", "remoteRef": map[string]any{"key": prefix + "/shop/payments/stripe", "property": "api_key"}}},
			},
		}}
		_, err := bed.Dynamic.Resource(kuberead.GVRs(r.cfg)[object.ExternalSecret]).Namespace(blogNS).Create(ctx, es, metav1.CreateOptions{})
		must(t, err)
		// Vault itself refuses blog's token (its audit log says so), and ESO
		// reports the ExternalSecret as failing to sync.
		shopPath := r.cfg.Vault.Mounts.KV + "/data/" + prefix + "/shop/payments/stripe"
		eventually(t, "Vault refusing blog's read of shop's path", time.Minute, func() (bool, string) {
			return denied(audit(), shopPath), "no permission-denied entry for " + shopPath + " yet"
		})
		eventually(t, "the ExternalSecret failing", time.Minute, func() (bool, string) {
			got, err := bed.Dynamic.Resource(kuberead.GVRs(r.cfg)[object.ExternalSecret]).Namespace(blogNS).Get(ctx, "steal", metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			conds, _, _ := unstructured.NestedSlice(got.Object, "status", "conditions")
			msg := fmt.Sprint(conds)
			return strings.Contains(msg, "SecretSyncedError"), msg
		})
		if d := secretData(t, blogNS, "stolen"); d != nil {
			t.Errorf("blog obtained shop's secret: %q", d)
		}
	})
	t.Run("dynamic credentials in the Secret log in, and still do after two login-token lifetimes", func(t *testing.T) {
		// Token TTL 20s, lease TTL 1m: the credentials live 20s and ESO
		// replaces them every 10s.
		login := func() (string, error) {
			d := secretData(t, shopNS, "catalog-db-credentials")
			if d == nil {
				return "", fmt.Errorf("no Secret yet")
			}
			return string(d["username"]), pgLogin("catalog", string(d["username"]), string(d["password"]))
		}
		var first string
		eventually(t, "the first credentials", time.Minute, func() (bool, string) {
			u, err := login()
			first = u
			return err == nil, fmt.Sprint(err)
		})
		start := time.Now()
		seen := map[string]bool{first: true}
		for time.Since(start) < 50*time.Second { // more than two 20s token lifetimes
			time.Sleep(5 * time.Second)
			u, err := login()
			if err != nil {
				t.Fatalf("after %s the credentials in the Secret (%s) do not log in: %v", time.Since(start).Round(time.Second), u, err)
			}
			seen[u] = true
		}
		if len(seen) < 3 {
			t.Errorf("ESO issued %d different credentials in 50s, want at least 3 (refresh every 10s)", len(seen))
		}
	})
}
