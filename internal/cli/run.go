package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/daemon"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/memlimit"
	"github.com/syncd-dev/syncd/internal/output"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/safefile"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/verify"
)

type runFlags struct {
	planOptions
	once              bool
	mode              string
	poll, scan        time.Duration
	verifyEvery       time.Duration
	listen            string
	webhookListen     string
	webhookSecretFile string
	parallelism       int
	allowUnsigned     bool
	leaderElect       bool
	leaseNamespace    string
	leaseName         string
	identity          string
}

func newRun(o *options) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use: "run",
		Example: `  syncd run --dir . --allow-insecure-http            # a local loop on a test bed
  syncd run --repo https://git.example.com/platform/tenants.git --git-verify-keyring keys.asc --vault-auth kubernetes --leader-elect
  syncd run --once --mode report                     # a CronJob: one reconcile, exit 0 or 1`,
		Short: "Reconcile continuously (the daemon), or once with --once",
		Long: `run keeps Vault and the cluster matching the tenant files: it fetches the
source (--repo, or --dir watched for changes) every --poll and on push
webhooks, plans the tenants whose files changed (every tenant each --scan),
and applies (--mode heal) or only reports drift (--mode report).

A revision that does not load, or a source that cannot be fetched, leaves the
last-known-good state in force; a tenant whose file is invalid is held while
the others reconcile. HTTP on --listen: /healthz, /readyz, /metrics, /status;
on --webhook-listen (with --webhook-secret-file): /webhook/github and
/webhook/gitlab.

--once: one reconcile of every tenant, exit status like apply (CronJobs).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.runDaemon(cmd.Context(), f) },
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.once, "once", false, "reconcile once and exit: 0 when everything applied")
	fl.StringVar(&f.mode, "mode", envOr("SYNCD_MODE", "heal"), "heal (apply) or report (plan only) ($SYNCD_MODE)")
	fl.DurationVar(&f.poll, "poll", time.Minute, "how often to fetch the source")
	fl.DurationVar(&f.scan, "scan", 10*time.Minute, "how often to plan every tenant even when the source has not moved (drift)")
	fl.DurationVar(&f.verifyEvery, "verify-every", 0, "prove isolation live (as syncd verify) this often and export syncd_verify_* metrics per tenant; 0 off; needs create on serviceaccounts/token (deploy/components/verify)")
	fl.StringVar(&f.listen, "listen", envOr("SYNCD_LISTEN", "127.0.0.1:8080"), "HTTP address for /healthz, /readyz, /metrics and /status ($SYNCD_LISTEN)")
	fl.StringVar(&f.webhookListen, "webhook-listen", os.Getenv("SYNCD_WEBHOOK_LISTEN"), "HTTP address for the push webhooks, apart from --listen; needs --webhook-secret-file ($SYNCD_WEBHOOK_LISTEN)")
	fl.StringVar(&f.webhookSecretFile, "webhook-secret-file", os.Getenv("SYNCD_WEBHOOK_SECRET_FILE"), "file holding the push webhooks' shared secret ($SYNCD_WEBHOOK_SECRET_FILE)")
	fl.IntVar(&f.parallelism, "parallelism", apply.DefaultParallelism, "changes of one wave in flight at once")
	host, _ := os.Hostname()
	fl.BoolVar(&f.leaderElect, "leader-elect", os.Getenv("SYNCD_LEADER_ELECT") == "true", "reconcile only while holding a Kubernetes Lease; other replicas stand by ($SYNCD_LEADER_ELECT)")
	fl.StringVar(&f.leaseNamespace, "lease-namespace", envOr("POD_NAMESPACE", "syncd"), "namespace of the Lease ($POD_NAMESPACE)")
	fl.StringVar(&f.leaseName, "lease-name", "syncd", "name of the Lease")
	fl.StringVar(&f.identity, "identity", envOr("POD_NAME", host), "this replica's name in the Lease ($POD_NAME)")
	fl.BoolVar(&f.allowUnsigned, "git-allow-unsigned", os.Getenv("SYNCD_GIT_ALLOW_UNSIGNED") == "true",
		"run from --repo without --git-verify-keyring: whoever can serve the repository then controls syncd.yaml (development only) ($SYNCD_GIT_ALLOW_UNSIGNED)")
	f.planOptions.flags(cmd)
	f.vault.flags(cmd, "syncd")
	f.src.historyFlags(cmd)
	return cmd
}

func (o *options) runDaemon(ctx context.Context, f *runFlags) error {
	mode := daemon.Mode(f.mode)
	if mode != daemon.Heal && mode != daemon.Report {
		return fmt.Errorf("--mode must be heal or report, got %q", f.mode)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := f.vault.check(); err != nil { // the flags before any cluster or credential
		return err
	}
	if f.src.repo != "" && f.src.verifyKeyring == "" && !f.allowUnsigned {
		return fmt.Errorf("--repo without --git-verify-keyring: whoever can serve or push to the repository would control syncd.yaml (and where every tenant's tokens go); give the platform's keyring, or --git-allow-unsigned for development")
	}
	typed, err := f.conn.typedClient()
	if err != nil {
		return err
	}
	src, err := o.buildSource(&f.src, typed)
	if err != nil {
		return err
	}
	c := reconcile.Clients{VaultN: &live.Counter{}, KubeN: &live.Counter{}}
	if c.KubeREST, c.Kube, err = f.conn.kubeClients(c.KubeN); err != nil {
		return err
	}
	vs, err := o.vaultSession(f.vault, c.VaultN)
	if err != nil {
		return err
	}
	c.Vault = vs.client
	ensure, refused, closeAuth := vs.ensure, vs.refused, vs.close
	cfg := daemon.Config{
		Source: src, Poll: f.poll, Scan: f.scan, Mode: mode, ConfigPath: o.config,
		Clients:  func(context.Context) (reconcile.Clients, error) { return c, ensure(ctx) },
		Refused:  refused,
		Progress: func() int64 { return c.VaultN.Count() + c.KubeN.Count() },
		Plan:     reconcile.PlanOptions{Adopt: f.adopt, AllowDeletes: f.allowDeletes, Timeout: f.timeout},
		Apply:    reconcile.ApplyOptions{Parallelism: f.parallelism},
		Log:      o.log,
	}
	if g, ok := src.(source.Git); ok {
		cfg.History = g.History
	}
	if f.verifyEvery > 0 && !f.once {
		kc, err := f.conn.typedClient()
		if err != nil {
			return err
		}
		vc, err := o.vaultClientNoToken(&live.Counter{}) // verify logs in as each tenant; it needs no token of syncd's
		if err != nil {
			return err
		}
		cfg.VerifyEvery = f.verifyEvery
		cfg.Verify = func(ctx context.Context, repo *reconcile.Repo) *verify.Report {
			return verify.Run(ctx, repo.Cfg, repo.State, nil, verify.KubeTokens{Client: kc}, verify.VaultClient{Client: vc}, verify.Options{})
		}
	}
	if dir, ok := src.(source.Dir); ok && !f.once {
		if cfg.Watch, err = dir.Watch(ctx, 500*time.Millisecond); err != nil {
			return fmt.Errorf("watching %s: %w", dir.Path, err)
		}
	}
	d := daemon.New(cfg)
	if f.once {
		out := d.Once(ctx, true)
		closeAuth(context.WithoutCancel(ctx))
		if out.Result != nil {
			_ = output.Result(o.stdout, out.Result, "text")
		}
		if !out.OK() {
			return exitError{ExitError} // the daemon logged each failure
		}
		return nil
	}
	servers, err := o.serve(d, f)
	if err != nil {
		return err
	}
	o.log.Info("syncd running", "listen", f.listen, "webhook_listen", f.webhookListen, "mode", mode, "poll", f.poll, "scan", f.scan, "leader_elect", f.leaderElect,
		"memory_limit", memlimit.Current())
	if f.leaderElect {
		cs, err := f.conn.typedClient()
		if err != nil {
			return err
		}
		d.RunElected(ctx, daemon.Election{Client: cs, Namespace: f.leaseNamespace, Name: f.leaseName, Identity: f.identity})
	} else {
		d.Run(ctx)
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for _, srv := range servers {
		_ = srv.Shutdown(shutdown)
	}
	closeAuth(shutdown) // the token goes with the process
	o.log.Info("syncd stopped")
	return nil
}

// serve starts the status listener and, with a secret, the webhook one.
func (o *options) serve(d *daemon.Daemon, f *runFlags) ([]*http.Server, error) {
	handlers := map[string]http.Handler{f.listen: d.Handler()}
	switch {
	case f.webhookSecretFile != "" && f.webhookListen == "":
		return nil, fmt.Errorf("--webhook-secret-file needs --webhook-listen: the webhooks have a listener of their own")
	case f.webhookListen != "" && f.webhookSecretFile == "":
		return nil, fmt.Errorf("--webhook-listen needs --webhook-secret-file: an unsigned delivery is never accepted")
	case f.webhookListen != "":
		b, err := safefile.Read(f.webhookSecretFile, secretFileMax, safefile.FollowLinks)
		if err != nil {
			return nil, fmt.Errorf("--webhook-secret-file: %w", err)
		}
		secret := strings.TrimSpace(string(b))
		if secret == "" {
			return nil, fmt.Errorf("--webhook-secret-file %s is empty", f.webhookSecretFile)
		}
		if f.webhookListen == f.listen {
			return nil, fmt.Errorf("--webhook-listen must differ from --listen")
		}
		handlers[f.webhookListen] = d.WebhookHandler(secret, daemon.DefaultWebhookLimits)
	}
	var servers []*http.Server
	for addr, h := range handlers {
		ln, err := daemon.Listen(addr, daemon.DefaultServerLimits)
		if err != nil {
			return nil, fmt.Errorf("listening on %s: %w", addr, err)
		}
		srv := daemon.NewServer(h, daemon.DefaultServerLimits)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				o.log.Error("http server", "listen", addr, "error", err)
			}
		}()
		servers = append(servers, srv)
	}
	return servers, nil
}
