package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
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
	c := daemonClients(t, pv.Addr, 2) // vault/api's default retries
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

// daemonClients are a daemon's clients of the bed's cluster and of the
// Vault at addr, tokenless (the daemon logs in), counting requests.
func daemonClients(t *testing.T, addr string, retries int) reconcile.Clients {
	t.Helper()
	bc := bedClients(t)
	c := reconcile.Clients{VaultN: &live.Counter{}, KubeN: &live.Counter{}, Kube: bc.Kube, KubeREST: bc.KubeREST}
	vc := vaultapi.DefaultConfig()
	vc.Address, vc.MaxRetries = addr, retries
	vc.HttpClient.Transport = c.VaultN.Wrap(vc.HttpClient.Transport)
	var err error
	c.Vault, err = vaultapi.NewClient(vc)
	must(t, err)
	c.Vault.ClearToken()
	return c
}

// syncBuffer is a log sink the daemon writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// With Vault stopped, the daemon says so: an ERROR line naming the root
// cause, /status's reconcileError; it stays live and ready (restarting it
// would fix nothing), and the first reconcile after Vault is back is clean.
func TestDaemonSaysWhatFailsWithVaultStopped(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	pv := bed.PersistentVault(t)
	jwtFile, role := daemonIdentity(t, pv.Client, "e2e-err-system", "syncd")
	role("1h", "1h")
	r := newRepo(t, "e2e-err", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-err-shop", "eso", "shop")
	c := daemonClients(t, pv.Addr, 0)
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	auth := &vaultauth.Login{Client: c.Vault, Mount: "kubernetes", Role: "syncd", JWTFile: jwtFile, Log: log}
	d := daemon.New(daemon.Config{
		Source: source.Dir{Path: r.dir}, Poll: time.Hour, Scan: time.Hour,
		Clients:  func(context.Context) (reconcile.Clients, error) { return c, auth.Ensure(ctx) },
		Refused:  auth.Refused,
		Progress: func() int64 { return c.VaultN.Count() + c.KubeN.Count() },
		Log:      log,
	})
	probe := func(path string) int {
		rec := httptest.NewRecorder()
		d.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	if out := d.Once(ctx, true); !out.OK() {
		t.Fatalf("before Vault stopped: %+v", out)
	}
	pv.Stop()
	r.writeTenant(t, "shop", "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n    - {name: t, path: c/d, keys: [k]}\n")
	if out := d.Once(ctx, false); out.OK() {
		t.Fatal("a reconcile with Vault stopped succeeded")
	}
	var failed map[string]any
	for _, line := range strings.Split(logs.String(), "\n") {
		var l map[string]any
		if json.Unmarshal([]byte(line), &l) == nil && l["msg"] == "reconcile failed" {
			failed = l
		}
	}
	if failed == nil || failed["level"] != "ERROR" || !strings.Contains(fmt.Sprint(failed["cause"]), "connection refused") {
		t.Errorf("no ERROR line with the root cause; the log:\n%s", logs.String())
	}
	if st := d.Status(); st.ReconcileErr == "" {
		t.Error("/status has no reconcileError")
	}
	if h, r := probe("/healthz"), probe("/readyz"); h != http.StatusOK || r != http.StatusOK {
		t.Errorf("with Vault stopped: /healthz %d, /readyz %d; want both 200", h, r)
	}
	must(t, pv.Restart(ctx))
	if out := d.Once(ctx, false); !out.OK() {
		t.Errorf("after Vault is back: %+v", out)
	}
}
