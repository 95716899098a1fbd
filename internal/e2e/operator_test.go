package e2e_test

import (
	"strings"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestOperatorPolicyIsEnough runs syncd with a token holding only the policy
// `syncd render -o vault-policy` gives for its config: onboarding,
// off-boarding and the after-grace deletions all work, and the token can read
// no tenant's secret values.
func TestOperatorPolicyIsEnough(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepoWith(t, "e2e-op", "auth:\n  ttl: 5s\n  maxTTL: 10s\noffboarding:\n  gracePeriod: 11s\n", map[string]string{
		"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n  databases:\n    - {name: catalog, connection: catalog, privilege: readonly}\n",
		"blog": "  secrets:\n    - {name: m, path: mail, keys: [k]}\n",
	})
	for _, n := range []string{"shop", "blog"} {
		namespace(t, "e2e-op-"+n, "eso", n)
	}
	_, err := bed.Vault.Logical().Write("secret/data/e2e-op/shop/a/b", map[string]any{"data": map[string]any{"k": "value"}})
	must(t, err)
	must(t, bed.Vault.Sys().PutPolicy("e2e-op-operator", string(policy.Render(desired.OperatorPolicy(r.cfg)))))
	tok, err := bed.Vault.Auth().Token().Create(&vaultapi.TokenCreateRequest{Policies: []string{"e2e-op-operator"}, TTL: "1h"})
	must(t, err)
	token := tok.Auth.ClientToken
	admin := kubeconfig(t, "")
	apply := func(what string, wantOut string) {
		t.Helper()
		code, out, errOut := syncd(t, token, admin, "apply", "--dir", r.dir, "--auto-approve")
		if code != 0 || !strings.Contains(out, wantOut) {
			t.Fatalf("%s with the operator policy: exit %d\n%s\n%s", what, code, out, errOut)
		}
	}
	apply("onboarding", "syncd apply: 11 applied, 0 failed, 0 skipped")
	if code, out, errOut := syncd(t, token, admin, "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := bed.VaultClient(t, token).Logical().Read("secret/data/e2e-op/shop/a/b"); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("the operator token reads a tenant's secret value: %v", err)
	}
	r.writeTenant(t, "shop", "")
	r.cfg.Guard.MaxDeletePercent = 100
	code, out, errOut := syncd(t, token, admin, "apply", "--dir", r.dir, "--auto-approve", "--allow-deletes")
	if code != 0 || !strings.Contains(out, "0 failed, 0 skipped") || !strings.Contains(out, "deprecate-policy") {
		t.Fatalf("off-boarding: exit %d\n%s\n%s", code, out, errOut)
	}
	time.Sleep(12 * time.Second) // the grace period
	apply("after the grace period", "syncd apply: 2 applied, 0 failed, 0 skipped")
}
