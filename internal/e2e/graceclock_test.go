package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// skewedVault is a proxy to the bed's Vault whose clock (sys/health's
// server_time_utc) is shifted from this machine's by skew: the machine
// applying and planning is the skewed one.
func skewedVault(t *testing.T, skew *atomic.Int64) string {
	t.Helper()
	u, err := url.Parse(bed.VaultAddr)
	must(t, err)
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(r *http.Response) error {
		if r.Request.URL.Path != "/v1/sys/health" {
			return nil
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		var h map[string]any
		if err := json.Unmarshal(body, &h); err != nil {
			return err
		}
		h["server_time_utc"] = time.Now().Add(time.Duration(skew.Load())).Unix()
		body, _ = json.Marshal(h)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestTheGracePeriodRunsOnVaultsClock: a machine whose clock runs an hour
// ahead of Vault's off-boards a tenant (grace period 45 s): the
// deprecation is recorded at Vault's time, the next plan from the same
// machine still waits (by its own clock the grace period ended long ago),
// and once Vault's clock has passed the period the deprecated policy and
// the KV data go.
func TestTheGracePeriodRunsOnVaultsClock(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	const prefix = "e2e-clock"
	r := onboarded(t, prefix, nil)
	var skew atomic.Int64
	skew.Store(int64(-time.Hour))
	cfgPath := filepath.Join(r.dir, "syncd.yaml")
	raw, err := os.ReadFile(cfgPath)
	must(t, err)
	addr := skewedVault(t, &skew)
	must(t, os.WriteFile(cfgPath, bytes.ReplaceAll(raw, []byte(bed.VaultAddr), []byte(addr)), 0o644))
	syncd := func(t *testing.T, token, kubeconfigPath string, args ...string) (int, string, string) {
		t.Helper()
		t.Setenv("VAULT_ADDR", addr)
		t.Setenv("VAULT_TOKEN", token)
		var out, errb bytes.Buffer
		code := runCLI(append(args, "--kubeconfig", kubeconfigPath), &out, &errb)
		return code, out.String(), errb.String()
	}

	r.writeTenant(t, "shop", "")
	if code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve"); code != 0 {
		t.Fatalf("off-boarding apply: exit %d\n%s\n%s", code, out, errOut)
	}
	store := inventory.Store{KV: bed.Vault.Logical(), Mount: r.cfg.Inventory.Mount, Path: r.cfg.Inventory.Path}
	inv, err := store.Load(ctx)
	must(t, err)
	at := inv.Tenants["shop"].DeprecatedAt
	if at == nil {
		t.Fatal("no deprecation recorded")
	}
	if d := time.Until(*at) + time.Hour; d < -10*time.Second || d > 10*time.Second {
		t.Errorf("deprecated at %s: %s off Vault's clock (an hour behind this machine's)", at, d)
	}
	code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir, "--detailed-exitcode")
	if code != 0 || !strings.Contains(out+errOut, "shop") {
		t.Errorf("plan within Vault's grace period: exit %d, want 0 and shop waiting\n%s\n%s", code, out, errOut)
	}
	skew.Store(int64(-time.Hour + 50*time.Second)) // Vault's clock passes the period
	code, out, errOut = syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve")
	if code != 0 || !strings.Contains(out, "syncd apply: 2 applied, 0 failed, 0 skipped") {
		t.Fatalf("after Vault's grace period: exit %d\n%s\n%s", code, out, errOut)
	}
	if dep, err := bed.Vault.Sys().GetPolicy(prefix + "-app-shop-deprecated"); err != nil || dep != "" {
		t.Errorf("deprecated policy after the grace period: %q, %v", dep, err)
	}
}
