package daemon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/vaulterr"
)

// state is what the last reconciles established.
type state struct {
	snap source.Snapshot
	// repo is the last-known-good repository: the last one that loaded and
	// passed the isolation proof.
	repo *reconcile.Repo
	// hashes fingerprint each tenant's desired objects as last reconciled
	// successfully; config the platform config's.
	hashes map[string]string
	config string
}

// Outcome is what one reconcile did.
type Outcome struct {
	Revision string
	// Tenants planned (nil: all).
	Scope   []string
	Skipped bool // nothing new to do
	Plan    *diff.Plan
	Result  *apply.Result
	Err     error
}

// OK reports whether the reconcile planned (and, healing, applied) without
// any error.
func (o Outcome) OK() bool {
	return o.Err == nil && (o.Plan == nil || len(o.Plan.Errors) == 0) && (o.Result == nil || o.Result.OK())
}

// Once runs one reconcile: fetch, load, plan the tenants that changed (all
// when full), and apply in heal mode.
func (d *Daemon) Once(ctx context.Context, full bool) (out Outcome) {
	start := time.Now()
	d.mu.Lock()
	d.beat(start)
	d.mu.Unlock()
	defer func() {
		d.observe(out, start)
		d.logOutcome(out)
	}()
	repo, snap, err := d.load(ctx)
	if repo == nil {
		return Outcome{Err: err}
	}
	out.Err = err // the source or the new revision failed: the last-known-good state is reconciled
	out.Revision = snap.Revision
	log := d.cfg.Log.With("revision", snap.Revision)
	hashes, cfgHash := fingerprint(repo) // once per run: it marshals every tenant's objects
	scope, todo := d.scope(hashes, cfgHash, full, repo)
	if !todo {
		out.Skipped = true
		if out.Err == nil {
			out.Err = d.record(ctx, snap.Revision)
		}
		return out
	}
	out.Scope = scope
	clients, err := d.cfg.Clients(ctx)
	if err != nil {
		out.Err = errors.Join(out.Err, err)
		return out
	}
	opts := d.cfg.Plan
	opts.Tenants = scope
	opts.Applying = d.cfg.Mode == Heal
	planned, err := reconcile.Plan(ctx, repo, clients, opts, log)
	if err != nil {
		if vaulterr.Refused(err) && d.cfg.Refused != nil {
			d.cfg.Refused()
		}
		out.Err = errors.Join(out.Err, err)
		return out
	}
	out.Plan = planned.Plan
	plan, held := d.withoutBackingOff(planned.Plan)
	if d.cfg.Mode == Heal && plan.HasChanges() {
		out.Result = planned.Apply(ctx, plan, d.cfg.Apply)
	}
	failed := failedTenants(out)
	d.settle(repo, snap, hashes, cfgHash, scope, out, failed, held)
	if out.Err == nil { // this revision, not the last-known-good, is in force
		out.Err = d.record(ctx, snap.Revision)
	}
	d.emitEvents(ctx, clients, repo, failed)
	return out
}

// record records revision in the history, once per revision.
func (d *Daemon) record(ctx context.Context, revision string) error {
	d.mu.Lock()
	done := d.recorded == revision
	d.mu.Unlock()
	if d.cfg.History == nil || done {
		return nil
	}
	if err := d.cfg.History.Record(ctx, revision); err != nil {
		d.cfg.Log.Error("recording the revision reconciled failed; an older commit could be served again", "error", err)
		return err
	}
	d.mu.Lock()
	d.recorded = revision
	d.mu.Unlock()
	return nil
}

// load fetches and loads the source; when either fails it goes on with the
// last-known-good repository (nil if there is none yet), and says why.
func (d *Daemon) load(ctx context.Context) (*reconcile.Repo, source.Snapshot, error) {
	d.mu.Lock()
	good, goodSnap := d.state.repo, d.state.snap
	d.mu.Unlock()
	lastGood := func(err error) (*reconcile.Repo, source.Snapshot, error) {
		if good == nil {
			return nil, goodSnap, err
		}
		awake, werr := good.Awake() // kept dormant: its desired state is derived again
		if werr != nil {
			return nil, goodSnap, errors.Join(err, fmt.Errorf("the last-known-good revision: %w", werr))
		}
		return awake, goodSnap, err
	}
	snap, err := d.cfg.Source.Fetch(ctx)
	d.cfg.Metrics.SourceUp.Set(boolGauge(err == nil))
	d.setError(func(s *Status) { s.SourceError = errString(err) })
	if err != nil {
		return lastGood(fmt.Errorf("fetching the source (the last-known-good revision %q stays in force): %w", goodSnap.Revision, err))
	}
	repo, err := reconcile.Load(snap.Dir, d.cfg.ConfigPath, d.cfg.Log)
	if err == nil && repo.Isolation != nil {
		err = repo.Isolation
	}
	d.setError(func(s *Status) { s.LoadError = errString(err) })
	if err != nil {
		return lastGood(fmt.Errorf("revision %s does not load (the last-known-good revision %q stays in force): %w", snap.Revision, goodSnap.Revision, err))
	}
	repo.Revision = snap.Revision
	for _, e := range repo.Tenants.Errors { // with file:line: the tenant is held, the others go on
		d.logError("tenant file invalid; the tenant is held", "", e, "revision", snap.Revision)
	}
	return repo, snap, nil
}

// scope returns the tenants whose desired objects changed since they were
// last reconciled (nil: every tenant), and whether there is anything to do.
func (d *Daemon) scope(hashes map[string]string, cfgHash string, full bool, repo *reconcile.Repo) ([]string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if full || d.state.hashes == nil || d.state.config != cfgHash {
		return nil, true
	}
	var changed []string
	for name, h := range hashes {
		if d.state.hashes[name] != h {
			changed = append(changed, name)
		}
	}
	for name := range d.state.hashes {
		if _, ok := hashes[name]; !ok && repo.Tenants.Invalid[name] == nil {
			changed = append(changed, name) // removed: off-board
		}
	}
	slices.Sort(changed)
	return changed, len(changed) > 0
}

// withoutBackingOff drops the changes of tenants waiting out a backoff,
// and names those tenants (held: neither reconciled nor failed again).
func (d *Daemon) withoutBackingOff(p *diff.Plan) (*diff.Plan, map[string]bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.backoff) == 0 {
		return p, nil // the usual case: no copy of every change
	}
	now := time.Now()
	held := map[string]bool{}
	cp := *p
	cp.Changes = slices.DeleteFunc(slices.Clone(p.Changes), func(c diff.Change) bool {
		b, ok := d.backoff[c.Tenant]
		if ok && now.Before(b.until) && c.Action != diff.NoOp {
			held[c.Tenant] = true
			return true
		}
		return false
	})
	return &cp, held
}

// settle records the outcome: tenants reconciled cleanly get their new
// fingerprint and lose any backoff; failing ones back off, and keep their
// old fingerprint so the next reconcile retries them.
func (d *Daemon) settle(repo *reconcile.Repo, snap source.Snapshot, hashes map[string]string, cfgHash string, scope []string, out Outcome,
	failed map[string]string, held map[string]bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.state.repo, d.state.snap = repo.Dormant(), snap // two desired states never held at once
	if scope == nil || d.state.hashes == nil {
		if d.state.hashes == nil {
			d.state.hashes = map[string]string{}
		}
		scope = nil
		for name := range hashes {
			scope = append(scope, name)
		}
		for name := range d.state.hashes {
			if _, ok := hashes[name]; !ok {
				scope = append(scope, name)
			}
		}
	}
	d.state.config = cfgHash
	now := time.Now()
	for _, name := range scope {
		if held[name] && failed[name] == "" {
			continue // backing off: its changes were not tried; it keeps its backoff, old fingerprint and error
		}
		if failed[name] != "" {
			b := d.backoff[name]
			b.delay = min(max(2*b.delay, d.cfg.Backoff), d.cfg.MaxBackoff)
			b.until = now.Add(b.delay)
			d.backoff[name] = b
			continue
		}
		delete(d.backoff, name)
		if h, ok := hashes[name]; ok {
			d.state.hashes[name] = h
		} else if repo.Tenants.Invalid[name] == nil {
			delete(d.state.hashes, name)
		}
	}
	d.recordTenants(out, failed, held, snap.Revision, now, func(name string) bool {
		_, ok := hashes[name]
		return ok || repo.Tenants.Invalid[name] != nil
	})
}

// failedTenants maps each tenant with an error in the plan or the apply to
// its first error.
func failedTenants(out Outcome) map[string]string {
	failed := map[string]string{}
	if out.Plan != nil {
		root := map[string]bool{} // prefer a root cause to a dependent's "skipped"
		for _, e := range out.Plan.Errors {
			isRoot := !strings.HasPrefix(e.Message, "skipped:")
			if e.Tenant != "" && (failed[e.Tenant] == "" || isRoot && !root[e.Tenant]) {
				failed[e.Tenant], root[e.Tenant] = e.ID.Short()+": "+e.Message, isRoot
			}
		}
	}
	if out.Result != nil {
		for _, c := range out.Result.Changes {
			if c.Status != apply.Applied && failed[c.Tenant] == "" {
				failed[c.Tenant] = c.Error
				if failed[c.Tenant] == "" {
					failed[c.Tenant] = string(c.Status)
				}
			}
		}
		if len(out.Result.Errors) > 0 { // the run failed to record ownership: none of its tenants is settled
			for _, c := range out.Result.Changes {
				if failed[c.Tenant] == "" {
					failed[c.Tenant] = out.Result.Errors[0]
				}
			}
		}
	}
	return failed
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
