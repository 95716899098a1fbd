package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/live/vaultread"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestOffboard removes a tenant file and follows the off-boarding through
// Vault, Postgres and the cluster, then past the grace period.
func TestOffboard(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	audit := auditDevice(t)
	const prefix = "e2e-off"
	r := onboarded(t, prefix, audit)
	shopNS := prefix + "-shop"
	var user, password string
	eventually(t, "shop's credentials", time.Minute, func() (bool, string) {
		d := secretData(t, shopNS, "catalog-db-credentials")
		user, password = string(d["username"]), string(d["password"])
		if user == "" {
			return false, "no Secret yet"
		}
		err := pgLogin("catalog", user, password)
		return err == nil, "login: " + errString(err)
	})
	store := inventory.Store{KV: bed.Vault.Logical(), Mount: r.cfg.Inventory.Mount, Path: r.cfg.Inventory.Path}

	r.writeTenant(t, "shop", "") // the file is removed
	code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve")
	if code != 0 || !strings.Contains(out, "syncd apply: 8 applied, 0 failed, 0 skipped") {
		t.Fatalf("off-boarding apply: exit %d\n%s\n%s", code, out, errOut)
	}
	t.Run("credentials issued before stop working: their Postgres role is gone", func(t *testing.T) {
		if err := pgLogin("catalog", user, password); err == nil || !strings.Contains(err.Error(), "password authentication failed") {
			t.Errorf("login as %s after off-boarding: %v, want a refusal", user, err)
		}
	})
	t.Run("the tenant's login is refused", func(t *testing.T) {
		jwt, err := testbed.ServiceAccountToken(ctx, bed.Kube, shopNS, "eso", 10*time.Minute, "vault")
		must(t, err)
		_, err = bed.VaultClient(t, "").Logical().Write("auth/kubernetes/login", map[string]any{"role": prefix + "-shop", "jwt": jwt})
		if err == nil {
			t.Error("shop's service account still logs in")
		}
	})
	t.Run("the policy lives on only as -deprecated", func(t *testing.T) {
		orig, err := bed.Vault.Sys().GetPolicy(prefix + "-app-shop")
		must(t, err)
		dep, err := bed.Vault.Sys().GetPolicy(prefix + "-app-shop-deprecated")
		must(t, err)
		if orig != "" || !strings.Contains(dep, prefix+"/shop/payments/stripe") {
			t.Errorf("original %q, deprecated %q", orig, dep)
		}
	})
	t.Run("the ESO objects are gone", func(t *testing.T) {
		for kind, gvr := range kuberead.GVRs(r.cfg) {
			list, err := bed.Dynamic.Resource(gvr).Namespace(shopNS).List(ctx, metav1.ListOptions{})
			must(t, err)
			if len(list.Items) != 0 {
				t.Errorf("%d %s left in %s", len(list.Items), kind, shopNS)
			}
		}
	})
	t.Run("the inventory records the deprecation", func(t *testing.T) {
		inv, err := store.Load(ctx)
		must(t, err)
		rec := inv.Tenants["shop"]
		if rec == nil || rec.DeprecatedAt == nil || rec.DeprecatedPolicy != prefix+"-app-shop-deprecated" {
			t.Fatalf("shop's record: %+v", rec)
		}
	})
	t.Run("within the grace period nothing more happens", func(t *testing.T) {
		code, _, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve")
		if code != 0 || !strings.Contains(errOut, "No changes") {
			t.Errorf("exit %d\n%s", code, errOut)
		}
	})
	t.Run("after the grace period the deprecated policy and the KV data go", func(t *testing.T) {
		inv, err := store.Load(ctx)
		must(t, err)
		time.Sleep(time.Until(inv.Tenants["shop"].DeprecatedAt.Add(46 * time.Second)))
		code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve")
		if code != 0 || !strings.Contains(out, "syncd apply: 2 applied, 0 failed, 0 skipped") {
			t.Fatalf("after-grace apply: exit %d\n%s\n%s", code, out, errOut)
		}
		if dep, err := bed.Vault.Sys().GetPolicy(prefix + "-app-shop-deprecated"); err != nil || dep != "" {
			t.Errorf("deprecated policy: %q, %v", dep, err)
		}
		keys, err := vaultread.ListKV(ctx, bed.Vault.Logical(), r.cfg.Vault.Mounts.KV, prefix+"/shop")
		must(t, err)
		if len(keys) != 0 {
			t.Errorf("KV data left: %v", keys)
		}
		inv, err = store.Load(ctx)
		must(t, err)
		if _, ok := inv.Tenants["shop"]; ok {
			t.Errorf("shop is still in the inventory: %+v", inv.Tenants["shop"])
		}
		// blog is untouched.
		if d := secretData(t, prefix+"-blog", "smtp"); string(d["password"]) != "pw-blog" {
			t.Errorf("blog's Secret: %q", d)
		}
		if p, _ := bed.Vault.Sys().GetPolicy(prefix + "-app-blog"); p == "" {
			t.Error("blog's policy is gone")
		}
		if code, _, _ := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
			t.Errorf("plan after off-boarding: exit %d, want 0", code)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}
