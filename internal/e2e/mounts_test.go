package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestAMountChangeMovesTheObjects: the platform moves the Kubernetes auth
// and database mounts in syncd.yaml. The plan creates each tenant's roles at
// the new mounts and deletes them (revoking the old database role's leases)
// at the mounts they were recorded at; after apply nothing is left at the
// old mounts, the tenant's credentials come from the new one, and the next
// plan is empty.
func TestAMountChangeMovesTheObjects(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	const prefix = "e2e-mnt"
	r := onboarded(t, prefix, nil)
	oldAuth, oldDB := "auth/"+r.cfg.Vault.Mounts.KubernetesAuth, r.cfg.Vault.Mounts.Database
	newAuth, newDB := "kubernetes-"+prefix, "database-"+prefix
	must(t, bed.WireMounts(ctx, newAuth, newDB))
	var oldUser string
	eventually(t, "shop's credentials from the old mount", time.Minute, func() (bool, string) {
		oldUser = string(secretData(t, prefix+"-shop", "catalog-db-credentials")["username"])
		return oldUser != "", "no Secret yet"
	})

	cfgPath := filepath.Join(r.dir, "syncd.yaml")
	raw, err := os.ReadFile(cfgPath)
	must(t, err)
	moved := strings.Replace(string(raw), "vault:\n", "vault:\n  mounts:\n    kubernetesAuth: "+newAuth+"\n    database: "+newDB+"\n", 1)
	must(t, os.WriteFile(cfgPath, []byte(moved), 0o644))

	code, p := planJSON(t, r, "--allow-deletes")
	if code != 2 || len(p.Errors) != 0 {
		t.Errorf("plan after the move: exit %d, errors %+v; want changes and no error", code, p.Errors)
	}
	moves := map[string]bool{}
	for _, c := range p.Changes {
		moves[string(c.Action)+" "+c.ID.Scope+"/"+c.ID.Name] = true
	}
	for _, want := range []string{
		"create auth/" + newAuth + "/" + prefix + "-shop", "delete " + oldAuth + "/" + prefix + "-shop",
		"create auth/" + newAuth + "/" + prefix + "-blog", "delete " + oldAuth + "/" + prefix + "-blog",
		"create " + newDB + "/" + prefix + "-shop-catalog", "delete " + oldDB + "/" + prefix + "-shop-catalog",
		"revoke-leases " + oldDB + "/creds/" + prefix + "-shop-catalog",
	} {
		if !moves[want] {
			t.Errorf("the plan lacks %q (exit %d); it holds %v", want, code, moves)
		}
	}
	if code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve", "--allow-deletes"); code != 0 {
		t.Fatalf("apply after the move: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, path := range []string{oldAuth + "/role/" + prefix + "-shop", oldAuth + "/role/" + prefix + "-blog", oldDB + "/roles/" + prefix + "-shop-catalog"} {
		if sec, err := bed.Vault.Logical().Read(path); err != nil || sec != nil {
			t.Errorf("%s after the move: %v, %v; want it gone", path, sec, err)
		}
	}
	for _, path := range []string{"auth/" + newAuth + "/role/" + prefix + "-shop", newDB + "/roles/" + prefix + "-shop-catalog"} {
		if sec, err := bed.Vault.Logical().Read(path); err != nil || sec == nil {
			t.Errorf("%s after the move: %v, %v; want it", path, sec, err)
		}
	}
	if err := pgLogin("catalog", oldUser, "unused"); err == nil {
		t.Errorf("the old mount's user %s still logs in", oldUser)
	}
	eventually(t, "shop's credentials from the new mount", 2*time.Minute, func() (bool, string) {
		d := secretData(t, prefix+"-shop", "catalog-db-credentials")
		user, password := string(d["username"]), string(d["password"])
		if user == "" || user == oldUser {
			return false, "still the old credentials"
		}
		err := pgLogin("catalog", user, password)
		return err == nil, "login: " + errString(err)
	})
	if code, _, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
		t.Errorf("plan after the move: exit %d, want 0\n%s", code, errOut)
	}
}
