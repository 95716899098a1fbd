package e2e_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/daemon"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/testbed"
	"github.com/syncd-dev/syncd/internal/vaultauth"
)

// TestDaemonSurvivesVaultRestart: Vault (with persistent storage) is stopped
// long enough for the daemon's token to expire, started and unsealed; the
// daemon logs in again and converges. Logins are counted in Vault's audit
// log: one before the restart, one after.
func TestDaemonSurvivesVaultRestart(t *testing.T) {
	testbed.Require(t, bed)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pv := bed.PersistentVault(t)
	auditPath := filepath.Join(t.TempDir(), "audit.log")
	must(t, pv.Client.Sys().EnableAuditWithOptions("file", &vaultapi.EnableAuditOptions{Type: "file", Options: map[string]string{"file_path": auditPath}}))
	jwtFile, role := daemonIdentity(t, pv.Client, "e2e-rst-system", "syncd")
	role("4s", "1h")

	r := newRepo(t, "e2e-rst", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-rst-shop", "eso", "shop")
	bc := bedClients(t)
	c := reconcile.Clients{VaultN: &live.Counter{}, KubeN: &live.Counter{}, Kube: bc.Kube, KubeREST: bc.KubeREST}
	vc := vaultapi.DefaultConfig()
	vc.Address = pv.Addr
	vc.HttpClient.Transport = c.VaultN.Wrap(vc.HttpClient.Transport)
	var err error
	c.Vault, err = vaultapi.NewClient(vc)
	must(t, err)
	c.Vault.ClearToken()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	auth := &vaultauth.Login{Client: c.Vault, Mount: "kubernetes", Role: "syncd", JWTFile: jwtFile, Log: log}
	d := daemon.New(daemon.Config{
		Source: source.Dir{Path: r.dir}, Poll: time.Hour, Scan: time.Hour,
		Clients: func(context.Context) (reconcile.Clients, error) { return c, auth.Ensure(ctx) },
		Refused: auth.Refused, Log: log,
	})
	for range 2 {
		if out := d.Once(ctx, true); !out.OK() {
			t.Fatalf("before the restart: %+v", out)
		}
	}
	if n := logins(readAudit(t, auditPath), "syncd"); n != 1 {
		t.Fatalf("%d logins before the restart, want 1", n)
	}
	pv.Stop()
	time.Sleep(5 * time.Second) // past the token's TTL
	must(t, pv.Restart(ctx))
	r.writeTenant(t, "shop", "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n    - {name: t, path: c/d, keys: [k]}\n")
	var out daemon.Outcome
	for i := 0; i < 3; i++ { // a reconcile refused with the dead token is followed by a login
		if out = d.Once(ctx, false); out.OK() {
			break
		}
	}
	p, err := pv.Client.Sys().GetPolicy("e2e-rst-app-shop")
	must(t, err)
	if !out.OK() || !strings.Contains(p, "e2e-rst/shop/c/d") {
		t.Fatalf("after the restart: %+v; policy %q", out, p)
	}
	if n := logins(readAudit(t, auditPath), "syncd"); n != 2 {
		t.Errorf("%d logins in all, want 2 (one per token)", n)
	}
}
