package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestOffboardingLeavesNoCredentialMintedDuringIt: tokens issued to the
// tenant before its off-boarding keep minting database credentials in four
// loops while every step runs; once the off-boarding has finished, not one
// of the credentials they got is still a Postgres role, and the next plan is
// empty. The database role goes before its leases are revoked, so the sweep
// is final: Vault revokes a deleted role's leases with the revocation
// statements stored in each lease.
func TestOffboardingLeavesNoCredentialMintedDuringIt(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	const prefix = "e2e-mint"
	r := onboarded(t, prefix, nil)
	role := prefix + "-shop-catalog"
	creds := r.cfg.Vault.Mounts.Database + "/creds/" + role

	var tokens []string
	for range 4 {
		jwt, err := testbed.ServiceAccountToken(ctx, bed.Kube, prefix+"-shop", "eso", 10*time.Minute, "vault")
		must(t, err)
		sec, err := bed.VaultClient(t, "").Logical().Write("auth/"+r.cfg.Vault.Mounts.KubernetesAuth+"/login", map[string]any{"role": prefix + "-shop", "jwt": jwt})
		must(t, err)
		tokens = append(tokens, sec.Auth.ClientToken)
	}
	var (
		mu     sync.Mutex
		minted []string
		wg     sync.WaitGroup
	)
	mintCtx, stop := context.WithCancel(ctx)
	for _, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := bed.VaultClient(t, tok)
			for mintCtx.Err() == nil {
				sec, err := c.Logical().ReadWithContext(mintCtx, creds)
				if err != nil || sec == nil {
					time.Sleep(10 * time.Millisecond) // refused: keep asking until the test stops
					continue
				}
				mu.Lock()
				minted = append(minted, fmt.Sprint(sec.Data["username"]))
				mu.Unlock()
			}
		}()
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(minted)
	}
	eventually(t, "credentials minted before the off-boarding", time.Minute, func() (bool, string) {
		return count() >= 40, fmt.Sprintf("%d minted", count())
	})

	r.writeTenant(t, "shop", "")
	code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve")
	during := count()
	time.Sleep(time.Second) // the loops go on asking after the off-boarding
	stop()
	wg.Wait()
	if code != 0 {
		t.Fatalf("off-boarding apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if after := count(); after != during {
		t.Errorf("%d credentials minted after the off-boarding finished", after-during)
	}

	pg := bed.Postgres(t, "catalog")
	var alive []string
	rows, err := pg.Query(ctx, "SELECT rolname FROM pg_roles WHERE rolname = ANY($1)", minted)
	must(t, err)
	for rows.Next() {
		var name string
		must(t, rows.Scan(&name))
		alive = append(alive, name)
	}
	must(t, rows.Err())
	t.Logf("%d credentials minted while the tenant was on-boarded or being off-boarded", len(minted))
	if len(alive) != 0 {
		t.Errorf("%d of %d minted credentials are still Postgres roles after the off-boarding: %v", len(alive), len(minted), alive)
	}
	if code, _, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
		t.Errorf("plan after off-boarding: exit %d, want 0 (no changes)\n%s", code, errOut)
	}
}

// TestOffboardingCoversPendingObjects: an onboarding whose writes landed
// but were never confirmed (its record names them as pending), then the
// tenant file removed: the off-boarding removes every one of them, so the
// tenant's login, its policy and its database role are gone, and the
// credentials issued before no longer log in.
func TestOffboardingCoversPendingObjects(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	for name, pendingKinds := range map[string][]string{
		"every write pending":    nil,
		"only the database role": {"DatabaseRole"},
	} {
		t.Run(name, func(t *testing.T) {
			prefix := "e2e-pend-a"
			if pendingKinds != nil {
				prefix = "e2e-pend-b"
			}
			r := onboarded(t, prefix, nil)
			store := inventory.Store{KV: bed.Vault.Logical(), Mount: r.cfg.Inventory.Mount, Path: r.cfg.Inventory.Path}
			inv, err := store.Load(ctx)
			must(t, err)
			rec := inv.Tenants["shop"]
			var keep, pending = rec.Objects[:0:0], rec.Pending
			for _, id := range rec.Objects {
				if pendingKinds == nil || strings.Contains(strings.Join(pendingKinds, ","), string(id.Kind)) {
					pending = append(pending, id)
				} else {
					keep = append(keep, id)
				}
			}
			rec.Objects, rec.Pending = keep, pending
			must(t, store.SaveRecord(ctx, "shop", rec))

			r.writeTenant(t, "shop", "")
			code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve")
			if code != 0 || !strings.Contains(out, "syncd apply: 8 applied, 0 failed, 0 skipped") {
				t.Fatalf("off-boarding apply: exit %d\n%s\n%s", code, out, errOut)
			}
			for _, path := range []string{
				"auth/" + r.cfg.Vault.Mounts.KubernetesAuth + "/role/" + prefix + "-shop",
				r.cfg.Vault.Mounts.Database + "/roles/" + prefix + "-shop-catalog",
				"sys/policies/acl/" + prefix + "-app-shop",
			} {
				if sec, err := bed.Vault.Logical().Read(path); err != nil || sec != nil {
					t.Errorf("%s after off-boarding: %v, %v; want it gone", path, sec, err)
				}
			}
			inv, err = store.Load(ctx)
			must(t, err)
			if got := inv.Tenants["shop"]; got == nil || len(got.Objects)+len(got.Pending) != 0 || got.DeprecatedAt == nil {
				t.Errorf("shop's record after off-boarding: %+v; want nothing but the deprecation", got)
			}
			if code, _, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
				t.Errorf("plan after off-boarding: exit %d, want 0\n%s", code, errOut)
			}
		})
	}
}
