package daemon

import (
	"context"
	"time"

	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/verify"
)

// startVerify verifies the last-known-good state in the background, unless
// a verification still runs (then this tick is dropped). It is called from
// Run's goroutine, the only one that touches d.state.
func (d *Daemon) startVerify(ctx context.Context) {
	repo := d.state.repo
	if repo == nil || !d.verifying.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer d.verifying.Store(false)
		awake, err := repo.Awake() // kept dormant: its desired state is derived again
		if err != nil {
			d.cfg.Log.Error("verify: the last-known-good revision", "error", err)
			return
		}
		d.Verify(ctx, awake)
	}()
}

// Verify proves isolation live for repo's tenants with Config.Verify and
// records the result in the metrics: syncd_verify_tenant_ok (1 isolated
// with every grant, 0 otherwise), syncd_verify_problems (violations and
// missing grants) per tenant, and when it ran.
func (d *Daemon) Verify(ctx context.Context, repo *reconcile.Repo) *verify.Report {
	rep := d.cfg.Verify(ctx, repo)
	m := d.cfg.Metrics
	problems := map[string]int{}
	for _, t := range repo.State.Tenants {
		problems[t.Name] = 0
	}
	for _, c := range rep.Checks {
		if !c.OK {
			problems[c.Tenant]++
		}
	}
	failed := map[string]bool{}
	for _, n := range rep.Failed {
		failed[n] = true
	}
	// Set the new values first, then drop the tenants no longer there: a
	// scrape in between never misses a tenant (no Reset window).
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, n := range problems {
		ok := 0.0
		if n == 0 && !failed[name] {
			ok = 1
		}
		m.VerifyOK.WithLabelValues(name).Set(ok)
		m.VerifyProblems.WithLabelValues(name).Set(float64(n))
	}
	for name := range d.verified {
		if _, ok := problems[name]; !ok {
			m.VerifyOK.DeleteLabelValues(name)
			m.VerifyProblems.DeleteLabelValues(name)
		}
	}
	d.verified = problems
	now := time.Now()
	m.VerifyLast.Set(float64(now.Unix()))
	vs := &VerifyStatus{At: now, Checks: len(rep.Checks), Violations: rep.Violations, Missing: rep.Missing}
	for _, c := range rep.Checks {
		if !c.OK {
			vs.Problems = append(vs.Problems, c.Tenant+" "+c.Kind+" "+c.Path+": "+c.Problem)
		}
	}
	vs.Problems = append(vs.Problems, rep.Errors...)
	d.status.Verify = vs
	if rep.OK() {
		d.cfg.Log.Info("verify: every tenant isolated", "checks", len(rep.Checks), "tokens", rep.Tokens, "revoked", rep.Revoked)
	} else {
		d.cfg.Log.Error("verify: isolation problems", "violations", rep.Violations, "missing", rep.Missing,
			"failed_tenants", rep.Failed, "errors", rep.Errors)
	}
	return rep
}
