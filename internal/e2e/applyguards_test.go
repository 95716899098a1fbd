package e2e_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/syncd-dev/syncd/internal/daemon"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestStalePlanRefused: a saved plan is applied only while the live state
// and the files it was made from are unchanged.
func TestStalePlanRefused(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-stale", map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-stale-solo", "eso", "solo")
	admin := kubeconfig(t, "")
	planFile := func(t *testing.T) string {
		f := filepath.Join(t.TempDir(), "plan.json")
		if code, out, errOut := syncd(t, bed.VaultToken, admin, "plan", "--dir", r.dir, "--out", f); code != 0 {
			t.Fatalf("plan: %d\n%s\n%s", code, out, errOut)
		}
		return f
	}
	t.Run("live state changed since the plan", func(t *testing.T) {
		f := planFile(t)
		must(t, bed.Vault.Sys().PutPolicy("e2e-stale-app-solo", `path "secret/data/elsewhere" { capabilities = ["read"] }`))
		defer func() { _ = bed.Vault.Sys().DeletePolicy("e2e-stale-app-solo") }()
		code, _, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, f)
		if code != 1 || !strings.Contains(errOut, "is stale: the live state changed") || !strings.Contains(errOut, "nothing was applied") {
			t.Errorf("exit %d\n%s", code, errOut)
		}
		if p, _ := bed.Vault.Sys().GetPolicy("e2e-stale-app-solo"); !strings.Contains(p, "elsewhere") {
			t.Errorf("the stale plan changed the policy: %q", p)
		}
	})
	t.Run("tenant files changed since the plan", func(t *testing.T) {
		f := planFile(t)
		r.writeTenant(t, "solo", "  secrets:\n    - {name: s, path: a/c, keys: [k]}\n")
		defer r.writeTenant(t, "solo", "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n")
		code, _, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, f)
		if code != 1 || !strings.Contains(errOut, "is stale: the config or tenant files changed") {
			t.Errorf("exit %d\n%s", code, errOut)
		}
	})
	t.Run("a fresh saved plan applies", func(t *testing.T) {
		f := planFile(t)
		code, out, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, f)
		if code != 0 || !strings.Contains(out, "syncd apply: 4 applied, 0 failed, 0 skipped") {
			t.Errorf("exit %d\n%s\n%s", code, out, errOut)
		}
	})
	t.Run("without a terminal and without --auto-approve, apply refuses", func(t *testing.T) {
		must(t, bed.Vault.Sys().PutPolicy("e2e-stale-app-solo", `path "x" { capabilities = ["read"] }`))
		code, _, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir)
		if code != 1 || !strings.Contains(errOut, "refusing to apply without confirmation") {
			t.Errorf("exit %d\nstderr: %s", code, errOut)
		}
		if p, _ := bed.Vault.Sys().GetPolicy("e2e-stale-app-solo"); p != `path "x" { capabilities = ["read"] }` {
			t.Errorf("applied without confirmation: %q", p)
		}
	})
}

// TestHealLeavesExactlyTheDesiredFields: on objects syncd owns, a field
// another manager took over (server-side apply with force, as kubectl edit
// moves a field) and a field another manager added (kubectl patch) are
// both healed by a plain `syncd apply` — no --force-conflicts — and by the
// daemon in heal mode: the desired value back, the added field gone, no
// other manager left on the spec, and a plan of zero changes after.
func TestHealLeavesExactlyTheDesiredFields(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-ssa", map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-ssa-solo", "eso", "solo")
	admin := kubeconfig(t, "")
	if code, out, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, "--auto-approve"); code != 0 {
		t.Fatalf("apply: %d\n%s\n%s", code, out, errOut)
	}
	es := bed.Dynamic.Resource(kuberead.GVRs(r.cfg)[object.ExternalSecret]).Namespace("e2e-ssa-solo")
	store := bed.Dynamic.Resource(kuberead.GVRs(r.cfg)[object.SecretStore]).Namespace("e2e-ssa-solo")
	tamper := func(t *testing.T) {
		patch := `{"apiVersion":"` + r.cfg.ESO.APIVersion + `","kind":"ExternalSecret","metadata":{"name":"s"},"spec":{"refreshInterval":"5m"}}`
		_, err := es.Patch(ctx, "s", types.ApplyPatchType, []byte(patch), metav1.PatchOptions{FieldManager: "platform-hotfix", Force: ptr(true)})
		must(t, err)
		added := `{"spec":{"provider":{"vault":{"auth":{"tokenSecretRef":{"name":"root-token","key":"token"}}}}}}`
		_, err = store.Patch(ctx, "vault-solo", types.MergePatchType, []byte(added), metav1.PatchOptions{FieldManager: "kubectl-patch"})
		must(t, err)
	}
	healed := func(t *testing.T, how string) {
		t.Helper()
		got, err := es.Get(ctx, "s", metav1.GetOptions{})
		must(t, err)
		if v := got.Object["spec"].(map[string]any)["refreshInterval"]; v != "1h" {
			t.Errorf("%s: refreshInterval %v, want syncd's 1h back", how, v)
		}
		st, err := store.Get(ctx, "vault-solo", metav1.GetOptions{})
		must(t, err)
		if _, found, _ := unstructured.NestedMap(st.Object, "spec", "provider", "vault", "auth", "tokenSecretRef"); found {
			t.Errorf("%s: the added tokenSecretRef is still there", how)
		}
		for _, o := range []*unstructured.Unstructured{got, st} {
			for _, m := range o.GetManagedFields() {
				if m.Subresource == "" && m.Manager != "syncd" {
					t.Errorf("%s: %s %s still has manager %q on its spec", how, o.GetKind(), o.GetName(), m.Manager)
				}
			}
		}
		if code, p := planJSON(t, r); code != 0 || p.HasChanges() {
			t.Errorf("%s: the plan after the heal: exit %d, summary %+v", how, code, p.Summary)
		}
	}

	tamper(t)
	if code, out, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, "--auto-approve"); code != 0 {
		t.Fatalf("apply over other managers' fields: exit %d\n%s\n%s", code, out, errOut)
	}
	healed(t, "syncd apply")

	tamper(t)
	d := daemon.New(daemon.Config{Source: source.Dir{Path: r.dir}, Mode: daemon.Heal,
		Clients: func(context.Context) (reconcile.Clients, error) { return bedClients(t), nil },
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil))})
	if out := d.Once(ctx, true); !out.OK() {
		t.Fatalf("daemon heal: %+v", out)
	}
	healed(t, "the daemon in heal mode")
}

func ptr[T any](v T) *T { return &v }

// TestFailureSkipsOnlyDependents: a tenant whose SecretStore the API server
// refuses (an admission policy) gets its Vault objects; the
// store fails, its dependents are skipped naming the failure, and the other
// tenant is applied in full.
func TestFailureSkipsOnlyDependents(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-partial", map[string]string{
		"ok":    "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n",
		"quota": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n",
	})
	namespace(t, "e2e-partial-ok", "eso", "ok")
	namespace(t, "e2e-partial-quota", "eso", "quota")
	undo := refuseStores(t, "e2e-partial-quota")
	code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"syncd apply: 6 applied, 1 failed, 1 skipped",
		"create Policy e2e-partial-app-quota  (wave 0): applied",
		"create KubernetesAuthRole e2e-partial-quota  (wave 1): applied",
		"create SecretStore e2e-partial-quota/vault-quota  (wave 2): failed",
		"no SecretStore here (e2e)",
		"create ExternalSecret e2e-partial-quota/s  (wave 3): skipped",
		"upstream failed: SecretStore e2e-partial-quota/vault-quota",
		"create ExternalSecret e2e-partial-ok/s  (wave 3): applied",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("result lacks %q:\n%s", want, out)
		}
	}
	// Once the API server takes stores again, a re-apply converges.
	undo()
	if code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve"); code != 0 || !strings.Contains(out, "2 applied, 0 failed, 0 skipped") {
		t.Errorf("re-apply: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestConfirmationOnATerminal runs apply under a real pseudo-terminal
// (script(1)): it prompts, anything but "yes" changes nothing, "yes" applies.
func TestConfirmationOnATerminal(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-tty", map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-tty-solo", "eso", "solo")
	run := func(answer string) (int, string) {
		cmdline := syncdBinary(t) + " apply --dir " + r.dir + " --kubeconfig " + kubeconfig(t, "")
		cmd := exec.Command("script", "-qec", cmdline, "/dev/null")
		cmd.Env = append(os.Environ(), "VAULT_ADDR="+bed.VaultAddr, "VAULT_TOKEN="+bed.VaultToken, "NO_COLOR=1")
		cmd.Stdin = strings.NewReader(answer + "\n")
		out, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(out)
	}
	code, out := run("no")
	if code != 1 || !strings.Contains(out, "Apply these 4 changes to Vault and the cluster? Only 'yes' will be accepted:") ||
		!strings.Contains(out, "Apply cancelled: nothing was changed.") {
		t.Fatalf("answering no: exit %d\n%s", code, out)
	}
	if p, _ := bed.Vault.Sys().GetPolicy("e2e-tty-app-solo"); p != "" {
		t.Fatalf("a cancelled apply wrote the policy: %q", p)
	}
	code, out = run("yes")
	if code != 0 || !strings.Contains(out, "[wave 4/4] 4/4 create ExternalSecret e2e-tty-solo/s: applied") {
		t.Fatalf("answering yes: exit %d\n%s", code, out)
	}
	if p, _ := bed.Vault.Sys().GetPolicy("e2e-tty-app-solo"); p == "" {
		t.Error("yes did not apply")
	}
}

// An apply leaves the shared Vault client's retries as they were: the
// daemon keeps one client for its life, and its reads, logins and renewals
// must keep vault/api's retries.
func TestApplyKeepsTheSharedClientsRetries(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-retry", map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-retry-solo", "eso", "solo")
	c := bedClients(t)
	before := c.Vault.MaxRetries()
	repo, err := reconcile.Load(r.dir, "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	must(t, err)
	planned, err := reconcile.Plan(ctx, repo, c, reconcile.PlanOptions{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	must(t, err)
	if res := planned.Apply(ctx, planned.Plan, reconcile.ApplyOptions{}); !res.OK() {
		t.Fatalf("apply: %+v", res.Summary)
	}
	if got := c.Vault.MaxRetries(); got != before || before == 0 {
		t.Errorf("the shared client's retries: %d before, %d after", before, got)
	}
}
