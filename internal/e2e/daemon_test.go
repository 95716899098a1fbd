package e2e_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	vaultapi "github.com/hashicorp/vault/api"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/syncd-dev/syncd/internal/daemon"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// gitRepo is the platform repository the daemon follows: r's files,
// committed.
type gitRepo struct {
	t    *testing.T
	r    *repo
	repo *git.Repository
}

func newGitRepo(t *testing.T, r *repo) *gitRepo {
	t.Helper()
	g, err := git.PlainInit(r.dir, false)
	must(t, err)
	gr := &gitRepo{t: t, r: r, repo: g}
	gr.commit()
	return gr
}

// commit commits the working tree as it is (additions, changes, removals).
func (g *gitRepo) commit() string {
	g.t.Helper()
	wt, err := g.repo.Worktree()
	must(g.t, err)
	must(g.t, wt.AddWithOptions(&git.AddOptions{All: true}))
	h, err := wt.Commit("change", &git.CommitOptions{All: true, Author: &object.Signature{Name: "t", Email: "t@example.test", When: time.Now()}})
	must(g.t, err)
	return h.String()
}

// bedClients are the bed's clients with request counters.
func bedClients(t *testing.T) reconcile.Clients {
	t.Helper()
	c := reconcile.Clients{VaultN: &live.Counter{}, KubeN: &live.Counter{}}
	vc := vaultapi.DefaultConfig()
	vc.Address = bed.VaultAddr
	vc.HttpClient.Transport = c.VaultN.Wrap(vc.HttpClient.Transport)
	v, err := vaultapi.NewClient(vc)
	must(t, err)
	v.SetToken(bed.VaultToken)
	cfg := rest.CopyConfig(bed.RESTConfig)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return c.KubeN.Wrap(rt) })
	rc, dyn, err := kuberead.Clients(cfg)
	must(t, err)
	c.Vault, c.Kube, c.KubeREST = v, dyn, rc
	return c
}

// daemonFor builds a daemon following g's repository over file://.
func daemonFor(t *testing.T, g *gitRepo, mode daemon.Mode) *daemon.Daemon {
	t.Helper()
	c := bedClients(t)
	return daemon.New(daemon.Config{
		Source: source.Git{URL: "file://" + g.r.dir, Ref: "master", CacheDir: t.TempDir()},
		Poll:   time.Hour, Scan: time.Hour, Mode: mode,
		Clients: func(context.Context) (reconcile.Clients, error) { return c, nil },
		Plan:    reconcile.PlanOptions{AllowDeletes: true},
		Backoff: time.Millisecond, MaxBackoff: time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

func policyOf(name string) string {
	p, _ := bed.Vault.Sys().GetPolicy(name)
	return p
}

// TestDaemonFollowsGit commits, changes and removes tenant files; what the
// daemon did is read from Vault and the cluster.
func TestDaemonFollowsGit(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-dmn", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	for _, n := range []string{"shop", "blog", "bad"} {
		namespace(t, "e2e-dmn-"+n, "eso", n)
	}
	g := newGitRepo(t, r)
	d := daemonFor(t, g, daemon.Heal)

	if out := d.Once(ctx, false); !out.OK() || !strings.Contains(policyOf("e2e-dmn-app-shop"), "e2e-dmn/shop/a/b") {
		t.Fatalf("first commit: %+v, policy %q", out, policyOf("e2e-dmn-app-shop"))
	}
	t.Run("a new tenant file converges, and only that tenant is planned", func(t *testing.T) {
		r.writeTenant(t, "blog", "  secrets:\n    - {name: m, path: mail, keys: [k]}\n")
		rev := g.commit()
		out := d.Once(ctx, false)
		if !out.OK() || out.Revision != rev || fmt.Sprint(out.Scope) != "[blog]" || policyOf("e2e-dmn-app-blog") == "" {
			t.Fatalf("%+v", out)
		}
	})
	t.Run("a modified tenant file converges", func(t *testing.T) {
		r.writeTenant(t, "shop", "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n    - {name: t, path: c/d, keys: [k]}\n")
		g.commit()
		if out := d.Once(ctx, false); !out.OK() || !strings.Contains(policyOf("e2e-dmn-app-shop"), "e2e-dmn/shop/c/d") {
			t.Fatalf("%+v", out)
		}
	})
	t.Run("an invalid file holds its tenant; the others still reconcile", func(t *testing.T) {
		r.writeTenant(t, "blog", "  secrets:\n    - {name: m, path: ../escape, keys: [k]}\n")
		r.writeTenant(t, "shop", "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n")
		g.commit()
		out := d.Once(ctx, false)
		if !strings.Contains(policyOf("e2e-dmn-app-blog"), "e2e-dmn/blog/mail") {
			t.Errorf("blog changed although its file is invalid: %q", policyOf("e2e-dmn-app-blog"))
		}
		if strings.Contains(policyOf("e2e-dmn-app-shop"), "c/d") {
			t.Errorf("shop did not reconcile: %q", policyOf("e2e-dmn-app-shop"))
		}
		var errs []string
		for _, e := range out.Plan.Errors {
			errs = append(errs, e.Message)
		}
		if !strings.Contains(strings.Join(errs, "\n"), "blog.yaml:7:") {
			t.Errorf("the error does not name file and line: %v", errs)
		}
		r.writeTenant(t, "blog", "  secrets:\n    - {name: m, path: mail, keys: [k]}\n")
		g.commit()
	})
	t.Run("an unreachable source keeps the last-known-good state", func(t *testing.T) {
		bad := daemonFor(t, g, daemon.Heal)
		if out := bad.Once(ctx, true); !out.OK() {
			t.Fatalf("%+v", out)
		}
		must(t, os.Rename(filepath.Join(r.dir, ".git"), filepath.Join(r.dir, ".git-gone")))
		defer func() { must(t, os.Rename(filepath.Join(r.dir, ".git-gone"), filepath.Join(r.dir, ".git"))) }()
		out := bad.Once(ctx, true)
		if out.Err == nil || out.Plan == nil || out.Plan.Summary.Delete != 0 {
			t.Errorf("unreachable source: %+v", out)
		}
		srv := httptest.NewServer(bad.Handler())
		defer srv.Close()
		var st daemon.Status
		getJSON(t, srv.URL+"/status", &st)
		if st.SourceError == "" || policyOf("e2e-dmn-app-shop") == "" {
			t.Errorf("status %+v", st)
		}
		if !strings.Contains(get(t, srv.URL+"/metrics"), "syncd_source_up 0") {
			t.Error("metric syncd_source_up is not 0")
		}
	})
	t.Run("a removed tenant file starts off-boarding", func(t *testing.T) {
		r.writeTenant(t, "blog", "")
		g.commit()
		if out := d.Once(ctx, false); !out.OK() || policyOf("e2e-dmn-app-blog") != "" || policyOf("e2e-dmn-app-blog-deprecated") == "" {
			t.Fatalf("%+v", out)
		}
	})
}

// TestDaemonDriftModes: report mode reports an out-of-band widening as
// drift; heal mode restores it at the next scan.
func TestDaemonDriftModes(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-drm", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-drm-shop", "eso", "shop")
	g := newGitRepo(t, r)
	heal := daemonFor(t, g, daemon.Heal)
	if out := heal.Once(ctx, true); !out.OK() {
		t.Fatalf("%+v", out)
	}
	want := policyOf("e2e-drm-app-shop")
	must(t, bed.Vault.Sys().PutPolicy("e2e-drm-app-shop", want+"\npath \"secret/data/*\" { capabilities = [\"read\"] }\n"))

	report := daemonFor(t, g, daemon.Report)
	report.Once(ctx, true)
	srv := httptest.NewServer(report.Handler())
	defer srv.Close()
	if m := get(t, srv.URL+"/metrics"); !strings.Contains(m, `syncd_drift_objects{kind="Policy",tenant="shop"} 1`) {
		t.Errorf("report mode: no drift metric for shop's policy:\n%s", grep(m, "syncd_drift"))
	}
	var st daemon.Status
	getJSON(t, srv.URL+"/status", &st)
	if st.Tenants["shop"] == nil || st.Tenants["shop"].Drift != 1 {
		t.Errorf("report mode status: %+v", st.Tenants["shop"])
	}
	if policyOf("e2e-drm-app-shop") == want {
		t.Error("report mode changed the policy")
	}
	if out := heal.Once(ctx, false); !out.Skipped {
		t.Errorf("heal without a new revision and without a scan: %+v, want nothing to do", out)
	}
	if out := heal.Once(ctx, true); !out.OK() || policyOf("e2e-drm-app-shop") != want {
		t.Errorf("heal mode at the scan: %+v; policy %q", out, policyOf("e2e-drm-app-shop"))
	}
}

// TestDaemonWebhook: a push webhook with a bad or missing HMAC is refused
// (401) and triggers nothing; a good one triggers a reconcile at once.
func TestDaemonWebhook(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-hook", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-hook-shop", "eso", "shop")
	g := newGitRepo(t, r)
	d := daemonFor(t, g, daemon.Heal)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := httptest.NewServer(d.WebhookHandler("hook-secret", daemon.DefaultWebhookLimits))
	defer srv.Close()
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	eventually(t, "the first reconcile", 30*time.Second, func() (bool, string) {
		return policyOf("e2e-hook-app-shop") != "", "no policy yet"
	})
	r.writeTenant(t, "blog", "  secrets:\n    - {name: m, path: mail, keys: [k]}\n")
	namespace(t, "e2e-hook-blog", "eso", "blog")
	g.commit()
	body := []byte(`{"ref":"refs/heads/master"}`)
	post := func(sig string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhook/github", bytes.NewReader(body))
		if sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	mac := hmac.New(sha256.New, []byte("wrong-secret"))
	mac.Write(body)
	for _, sig := range []string{"", "sha256=" + hex.EncodeToString(mac.Sum(nil)), "sha256=zz"} {
		if code := post(sig); code != http.StatusUnauthorized {
			t.Errorf("signature %q: %d, want 401", sig, code)
		}
	}
	time.Sleep(time.Second)
	if policyOf("e2e-hook-app-blog") != "" {
		t.Fatal("a refused webhook triggered a reconcile")
	}
	mac = hmac.New(sha256.New, []byte("hook-secret"))
	mac.Write(body)
	sent := time.Now()
	if code := post("sha256=" + hex.EncodeToString(mac.Sum(nil))); code != http.StatusAccepted {
		t.Fatalf("good signature: %d", code)
	}
	eventually(t, "the reconcile the webhook triggered", 5*time.Second, func() (bool, string) {
		return policyOf("e2e-hook-app-blog") != "", "no policy for blog yet"
	})
	t.Logf("webhook to blog's policy in Vault: %s", time.Since(sent).Round(time.Millisecond))
}

// TestDaemonWorkIsProportional: a commit that changes one tenant's file
// costs the same requests with 3 tenants as with 12.
func TestDaemonWorkIsProportional(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	requests := map[int]int64{}
	for _, n := range []int{3, 12} {
		prefix := fmt.Sprintf("e2e-prop%d", n)
		tenants := map[string]string{}
		for i := range n {
			tenants[fmt.Sprintf("t%02d", i)] = "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"
		}
		r := newRepo(t, prefix, tenants)
		r.cfg.Guard.MaxDeletePercent = 100
		for name := range tenants {
			namespace(t, prefix+"-"+name, "eso", name)
		}
		g := newGitRepo(t, r)
		d := daemonFor(t, g, daemon.Heal)
		if out := d.Once(ctx, true); !out.OK() {
			t.Fatalf("%d tenants: %+v", n, out)
		}
		r.writeTenant(t, "t00", "  secrets:\n    - {name: s, path: a/c, keys: [k]}\n")
		g.commit()
		out := d.Once(ctx, false)
		if !out.OK() || fmt.Sprint(out.Scope) != "[t00]" {
			t.Fatalf("%d tenants: %+v", n, out)
		}
		requests[n] = out.Plan.Requests.Vault + out.Plan.Requests.Kubernetes + out.Result.Requests.Vault + out.Result.Requests.Kubernetes
		t.Logf("%d tenants, one changed: plan %+v, apply %+v", n, out.Plan.Requests, out.Result.Requests)
	}
	if requests[3] != requests[12] {
		t.Errorf("requests for one changed tenant: %d with 3 tenants, %d with 12; want the same", requests[3], requests[12])
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return string(b)
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	must(t, json.Unmarshal([]byte(get(t, url)), v))
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestRunOnce: `syncd run --once` reconciles every tenant once; its exit
// status is apply's.
func TestRunOnce(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-once", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-once-shop", "eso", "shop")
	code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "run", "--once", "--dir", r.dir)
	if code != 0 || !strings.Contains(out, "4 applied, 0 failed, 0 skipped") || policyOf("e2e-once-app-shop") == "" {
		t.Fatalf("run --once: exit %d\n%s\n%s", code, out, errOut)
	}
	r.writeTenant(t, "blog", "  secrets:\n    - {name: m, path: mail, keys: [k]}\n")
	namespace(t, "e2e-once-blog", "eso", "blog")
	refuseStores(t, "e2e-once-blog") // its store fails
	code, out, errOut = syncd(t, bed.VaultToken, kubeconfig(t, ""), "run", "--once", "--dir", r.dir)
	if code != 1 || !strings.Contains(out, "1 failed") {
		t.Errorf("run --once with a failing change: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestDaemonEventOnFailure: a tenant whose reconcile fails gets a Warning
// Event in its own namespace, once per distinct error.
func TestDaemonEventOnFailure(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-evt", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-evt-shop", "eso", "shop")
	// Someone else's policy holds the tenant's policy name.
	must(t, bed.Vault.Sys().PutPolicy("e2e-evt-app-shop", `path "secret/data/x" { capabilities = ["read"] }`))
	d := daemonFor(t, newGitRepo(t, r), daemon.Heal)
	for range 2 {
		if out := d.Once(ctx, true); out.OK() {
			t.Fatal("a reconcile over an unowned policy succeeded")
		}
	}
	evs, err := bed.Kube.CoreV1().Events("e2e-evt-shop").List(ctx, metav1.ListOptions{})
	must(t, err)
	var got []string
	for _, e := range evs.Items {
		if e.Reason == "SyncFailed" {
			got = append(got, e.Type+" "+e.Message)
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "Warning syncd could not reconcile tenant shop: ") || !strings.Contains(got[0], "syncd does not own it") {
		t.Errorf("events %q, want one Warning naming the cause", got)
	}
}

// TestDaemonKeepsLastKnownGood: a revision whose syncd.yaml does not load is
// reported (in /status and the outcome) and the last good revision goes on
// being reconciled: nothing is deleted.
func TestDaemonKeepsLastKnownGood(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-lkg", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-lkg-shop", "eso", "shop")
	g := newGitRepo(t, r)
	d := daemonFor(t, g, daemon.Heal)
	if out := d.Once(ctx, true); !out.OK() {
		t.Fatalf("%+v", out)
	}
	good := d.Status().Revision
	cfgPath := filepath.Join(r.dir, "syncd.yaml")
	orig, err := os.ReadFile(cfgPath)
	must(t, err)
	must(t, os.WriteFile(cfgPath, append(orig, "guard:\n  maxDeletes: many\n"...), 0o644))
	r.writeTenant(t, "shop", "") // and the tenant is gone in the bad revision
	g.commit()
	out := d.Once(ctx, true)
	st := d.Status()
	if out.Err == nil || !strings.Contains(st.LoadError, "syncd.yaml") || out.Revision != good {
		t.Errorf("bad revision: outcome %+v, status load error %q; want the error and the last good revision %s", out, st.LoadError, good)
	}
	if out.Plan == nil || out.Plan.Summary.Delete != 0 || policyOf("e2e-lkg-app-shop") == "" {
		t.Errorf("the last good revision was not what was reconciled: %+v", out.Plan)
	}
}

// TestDaemonCoalescesTriggers: a burst of triggers during a reconcile makes
// at most one more reconcile.
func TestDaemonCoalescesTriggers(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-burst", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-burst-shop", "eso", "shop")
	d := daemonFor(t, newGitRepo(t, r), daemon.Heal)
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	eventually(t, "the first reconcile", 30*time.Second, func() (bool, string) { return !d.Status().LastRun.IsZero(), "" })
	for range 50 {
		d.Trigger(true)
	}
	time.Sleep(3 * time.Second)
	m := get(t, srv.URL+"/metrics")
	total := 0.0
	for _, l := range strings.Split(m, "\n") {
		if strings.HasPrefix(l, "syncd_reconciles_total{") {
			var v float64
			_, _ = fmt.Sscanf(l[strings.LastIndex(l, " ")+1:], "%g", &v)
			total += v
		}
	}
	if total < 2 || total > 3 {
		t.Errorf("%v reconciles for one start and a burst of 50 triggers, want 2 or 3", total)
	}
}

// TestDaemonBacksOffAFailingTenant: a tenant whose reconcile failed is not
// retried until its backoff ends; the others go on.
func TestDaemonBacksOffAFailingTenant(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-bko", map[string]string{
		"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n",
		"blog": "  secrets:\n    - {name: m, path: mail, keys: [k]}\n",
	})
	namespace(t, "e2e-bko-shop", "eso", "shop")
	namespace(t, "e2e-bko-blog", "eso", "blog")
	must(t, bed.Vault.Sys().PutPolicy("e2e-bko-app-shop", `path "secret/data/x" { capabilities = ["read"] }`)) // not syncd's
	newGitRepo(t, r)
	c := bedClients(t)
	d := daemon.New(daemon.Config{
		Source: source.Git{URL: "file://" + r.dir, Ref: "master", CacheDir: t.TempDir()},
		Poll:   time.Hour, Scan: time.Hour,
		Clients: func(context.Context) (reconcile.Clients, error) { return c, nil },
		Plan:    reconcile.PlanOptions{Adopt: false},
		Backoff: time.Hour, MaxBackoff: time.Hour,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	d.Once(ctx, true)
	st := d.Status()
	if st.Tenants["shop"] == nil || st.Tenants["shop"].BackoffUntil.Before(time.Now().Add(50*time.Minute)) || st.Tenants["shop"].Error == "" {
		t.Fatalf("shop's status: %+v", st.Tenants["shop"])
	}
	if policyOf("e2e-bko-app-blog") == "" {
		t.Error("blog did not reconcile beside the failing shop")
	}
	must(t, bed.Vault.Sys().DeletePolicy("e2e-bko-app-shop")) // the cause is gone ...
	if out := d.Once(ctx, true); out.Result != nil {
		for _, c := range out.Result.Changes {
			if c.Tenant == "shop" {
				t.Errorf("shop was retried during its backoff: %s %s", c.Action, c.ID)
			}
		}
	}
	if policyOf("e2e-bko-app-shop") != "" {
		t.Error("shop's policy was written during its backoff")
	}
}
