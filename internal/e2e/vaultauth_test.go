package e2e_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/syncd-dev/syncd/internal/daemon"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/testbed"
	"github.com/syncd-dev/syncd/internal/vaultauth"
)

// TestDaemonLogsInOnce: the daemon logs in with its service account's
// token through Kubernetes auth once, and reuses that token (renewed) for
// every reconcile; it logs in again only when the token reached its maximum
// TTL. Counted in Vault's audit log.
func TestDaemonLogsInOnce(t *testing.T) {
	testbed.Require(t, bed)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	audit := auditDevice(t)
	jwtFile, role := daemonIdentity(t, bed.Vault, "e2e-syncd-system", "e2e-syncd")
	role("1m", "10m")

	r := newRepo(t, "e2e-auth", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-auth-shop", "eso", "shop")
	c := bedClients(t)
	c.Vault.ClearToken() // no static token: the daemon logs in
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	auth := &vaultauth.Kubernetes{Client: c.Vault, Mount: "kubernetes", Role: "e2e-syncd", JWTFile: jwtFile, Log: log}
	d := daemon.New(daemon.Config{
		Source: source.Dir{Path: r.dir}, Poll: time.Hour, Scan: time.Hour,
		Clients: func(context.Context) (reconcile.Clients, error) { return c, auth.Ensure(ctx) },
		Refused: auth.Refused, Log: log,
	})
	for i := range 4 {
		if out := d.Once(ctx, true); !out.OK() {
			t.Fatalf("reconcile %d: %+v", i, out)
		}
	}
	if n := logins(audit(), "e2e-syncd"); n != 1 || auth.Logins() != 1 {
		t.Errorf("4 reconciles made %d logins (audit log; %d counted by syncd), want 1", n, auth.Logins())
	}
	// The token revoked out of band: the next reconcile is refused (403)
	// and the one after logs in again, now under shorter TTLs.
	role("2s", "3s")
	must(t, bed.Vault.Auth().Token().RevokeTree(c.Vault.Token()))
	if out := d.Once(ctx, true); out.OK() {
		t.Fatalf("a reconcile with a revoked token succeeded: %+v", out)
	}
	if out := d.Once(ctx, true); !out.OK() {
		t.Fatalf("after logging in again: %+v", out)
	}
	// A token that cannot outlive 3 s: once it is gone, one more login.
	time.Sleep(4 * time.Second) // past the maximum TTL
	if out := d.Once(ctx, true); !out.OK() {
		t.Fatalf("after the token expired: %+v", out)
	}
	if n := logins(audit(), "e2e-syncd"); n != 3 {
		t.Errorf("%d logins, want 3 (first, after the 403, after the token expired)", n)
	}
}
