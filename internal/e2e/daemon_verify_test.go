package e2e_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/daemon"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/testbed"
	"github.com/syncd-dev/syncd/internal/verify"
)

// TestDaemonVerifiesPeriodically: `syncd run --verify-every` proves
// isolation live on its own schedule and exports the result per tenant; a
// policy widened out of band (report mode: the daemon does not heal it)
// turns that tenant's gauge to 0 and leaves the other at 1. Every token a
// verification created is revoked.
func TestDaemonVerifiesPeriodically(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-dver", map[string]string{
		"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n",
		"blog": "  secrets:\n    - {name: m, path: mail, keys: [k]}\n",
	})
	for _, n := range []string{"shop", "blog"} {
		namespace(t, "e2e-dver-"+n, "eso", n)
	}
	g := newGitRepo(t, r)
	if out := daemonFor(t, g, daemon.Heal).Once(context.Background(), true); !out.OK() {
		t.Fatalf("onboarding: %+v", out)
	}
	must(t, bed.Vault.Sys().PutPolicy("e2e-dver-app-shop", policyOf("e2e-dver-app-shop")+
		"\npath \""+r.cfg.Vault.Mounts.KV+"/data/e2e-dver/blog/mail\" { capabilities = [\"read\"] }\n"))

	vc, err := vaultapi.NewClient(&vaultapi.Config{Address: bed.VaultAddr})
	must(t, err)
	vc.ClearToken() // verify needs no token of syncd's
	// One verification is measured: later ticks wait until the test ends,
	// so the metrics read below are that run's.
	reports := make(chan *verify.Report, 1)
	var ran atomic.Bool
	c := bedClients(t)
	d := daemon.New(daemon.Config{
		Source: source.Git{URL: "file://" + g.r.dir, Ref: "master", CacheDir: t.TempDir()},
		Poll:   time.Hour, Scan: time.Hour, Mode: daemon.Report,
		Clients:     func(context.Context) (reconcile.Clients, error) { return c, nil },
		VerifyEvery: 100 * time.Millisecond,
		Verify: func(ctx context.Context, repo *reconcile.Repo) *verify.Report {
			if ran.Swap(true) {
				<-ctx.Done()
				return &verify.Report{}
			}
			rep := verify.Run(ctx, repo.Cfg, repo.State, nil, verify.KubeTokens{Client: bed.Kube}, verify.VaultClient{Client: vc}, verify.Options{})
			reports <- rep
			return rep
		},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	var rep *verify.Report
	select {
	case rep = <-reports:
	case <-time.After(2 * time.Minute):
		t.Fatal("no verification ran")
	}
	if rep.Tokens == 0 || rep.Revoked != rep.Tokens {
		t.Errorf("verification created %d Vault tokens and revoked %d", rep.Tokens, rep.Revoked)
	}
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	// The metrics are written after Verify returns: wait for the timestamp.
	var m string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m = get(t, srv.URL+"/metrics"); !strings.Contains(m, "syncd_verify_last_run_timestamp_seconds 0\n") {
			break
		}
	}
	t.Logf("the verification: %d violations, %d missing, errors %v", rep.Violations, rep.Missing, rep.Errors)
	for _, want := range []string{
		`syncd_verify_tenant_ok{tenant="shop"} 0`,
		`syncd_verify_tenant_ok{tenant="blog"} 1`,
		`syncd_verify_problems{tenant="blog"} 0`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s:\n%s", want, grep(m, "syncd_verify"))
		}
	}
	if strings.Contains(m, `syncd_verify_problems{tenant="shop"} 0`) {
		t.Errorf("shop's widened policy is not counted:\n%s", grep(m, "syncd_verify"))
	}
	var st daemon.Status
	getJSON(t, srv.URL+"/status", &st)
	if st.Verify == nil || st.Verify.Violations == 0 || !strings.Contains(strings.Join(st.Verify.Problems, "\n"), "shop other "+r.cfg.Vault.Mounts.KV+"/data/e2e-dver/blog/mail") {
		t.Errorf("/status does not show shop's violation: %+v", st.Verify)
	}
	var named bool
	for _, c := range rep.Checks {
		named = named || (c.Tenant == "shop" && !c.OK && strings.Contains(c.Path, "e2e-dver/blog/mail"))
	}
	if !named {
		t.Errorf("the report does not name shop's read of blog's path: %+v", rep.Checks)
	}
}
