package daemon

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/verify"
	"github.com/syncd-dev/syncd/internal/version"
)

// Mode is what the daemon does about drift.
type Mode string

const (
	// Heal applies the plan.
	Heal Mode = "heal"
	// Report plans only: drift shows in metrics, logs and /status.
	Report Mode = "report"
)

// Config configures a daemon.
type Config struct {
	Source source.Source
	// Watch, when set, signals file changes (a watched directory).
	Watch <-chan struct{}
	// Poll is how often the source is fetched; Scan how often everything
	// is planned even when the source has not moved.
	Poll, Scan time.Duration
	// StaleAfter: with no cycle started or finished and no request made
	// (Progress) for this long, the loop is wedged (a call that never
	// returns) and /healthz and /readyz fail; 3 × Poll when zero.
	StaleAfter time.Duration
	// Progress, when set, counts the requests the loop has made to Vault
	// and Kubernetes: while it moves, a long reconcile is alive.
	Progress func() int64
	Mode     Mode
	// ConfigPath overrides <snapshot>/syncd.yaml.
	ConfigPath string
	// Clients returns the clients of one reconcile (Vault with a live
	// token, the cluster).
	Clients func(ctx context.Context) (reconcile.Clients, error)
	// Refused, when set, is told that Vault refused the token (403), so the
	// next Clients logs in again.
	Refused func()
	// History, when set, records each revision reconciled (the source
	// refuses a commit that does not descend from it).
	History source.History
	Plan    reconcile.PlanOptions
	Apply   reconcile.ApplyOptions
	// Backoff is the first delay after a tenant's reconcile failed;
	// it doubles up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// Verify, when set, proves isolation live (internal/verify) on the
	// last-known-good state every VerifyEvery; the result is in the
	// syncd_verify_* metrics per tenant.
	Verify      func(ctx context.Context, repo *reconcile.Repo) *verify.Report
	VerifyEvery time.Duration
	Log         *slog.Logger
	Metrics     *Metrics
}

// Daemon reconciles until its context ends.
type Daemon struct {
	cfg     Config
	trigger chan struct{}

	mu        sync.Mutex
	full      bool // the next reconcile plans every tenant
	state     state
	status    Status
	backoff   map[string]backoff
	lastEvent map[string]string // tenant -> the error last reported in an Event
	health    health            // what the probes read (d.mu)
	limit     limiter           // failures logged recently
	verifying atomic.Bool       // a verification runs
	verified  map[string]int    // tenants in the verify metrics (d.mu)
	recorded  string            // the revision last recorded in the history
}

type backoff struct {
	until time.Time
	delay time.Duration
}

// New returns a daemon; Run starts it.
func New(cfg Config) *Daemon {
	if cfg.Poll == 0 {
		cfg.Poll = time.Minute
	}
	if cfg.StaleAfter == 0 {
		cfg.StaleAfter = 3 * cfg.Poll
	}
	if cfg.Scan == 0 {
		cfg.Scan = 10 * time.Minute
	}
	if cfg.Mode == "" {
		cfg.Mode = Heal
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = 30 * time.Second
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 30 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = discard
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	cfg.Metrics.Info.WithLabelValues(version.String(), string(cfg.Mode)).Set(1)
	now := time.Now()
	return &Daemon{cfg: cfg, trigger: make(chan struct{}, 1), full: true, health: health{beat: now},
		status: Status{Tenants: map[string]*TenantStatus{}}, backoff: map[string]backoff{}, lastEvent: map[string]string{}}
}

// Trigger asks for a reconcile soon; triggers that arrive while one runs
// coalesce into one more. full plans every tenant.
func (d *Daemon) Trigger(full bool) {
	d.mu.Lock()
	d.full = d.full || full
	d.mu.Unlock()
	select {
	case d.trigger <- struct{}{}:
	default:
	}
}

// Run reconciles once at start, then on every trigger, until ctx ends. A
// reconcile in progress when ctx ends finishes its current changes and
// starts no new ones (apply's interruption), so the inventory stays
// consistent.
func (d *Daemon) Run(ctx context.Context) {
	poll := time.NewTicker(d.cfg.Poll)
	defer poll.Stop()
	scan := time.NewTicker(d.cfg.Scan)
	defer scan.Stop()
	var verifyC <-chan time.Time
	if d.cfg.Verify != nil && d.cfg.VerifyEvery > 0 {
		t := time.NewTicker(d.cfg.VerifyEvery)
		defer t.Stop()
		verifyC = t.C
	}
	d.Trigger(true)
	for {
		select {
		case <-ctx.Done():
			return
		case <-verifyC:
			d.startVerify(ctx)
		case <-poll.C:
			d.Trigger(false)
		case <-scan.C:
			d.Trigger(true)
		case _, ok := <-d.cfg.Watch:
			if ok {
				d.Trigger(false)
			}
		case <-d.trigger:
			d.mu.Lock()
			full := d.full
			d.full = false
			d.mu.Unlock()
			d.Once(ctx, full)
		}
	}
}
