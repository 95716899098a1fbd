package daemon

import (
	"slices"
	"time"

	"github.com/syncd-dev/syncd/internal/diff"
)

// Status is the daemon's last word on everything, served at /status.
type Status struct {
	// Revision is the revision last reconciled.
	Revision    string    `json:"revision"`
	LastRun     time.Time `json:"lastRun"`
	LastSuccess time.Time `json:"lastSuccess"`
	// LastCycle is when the loop last finished a cycle, skipped or not.
	LastCycle    time.Time `json:"lastCycle"`
	SourceError  string    `json:"sourceError,omitempty"`
	LoadError    string    `json:"loadError,omitempty"`
	ReconcileErr string    `json:"reconcileError,omitempty"`
	Mode         Mode      `json:"mode"`
	// Leader is set while this replica holds the lease (with election).
	Leader bool `json:"leader"`
	// Standby is set while this replica waits for the lease.
	Standby bool                     `json:"standby"`
	Tenants map[string]*TenantStatus `json:"tenants"`
	// Verify is the last live isolation proof (--verify-every).
	Verify *VerifyStatus `json:"verify,omitempty"`
}

// VerifyStatus sums up the last live verification.
type VerifyStatus struct {
	At         time.Time `json:"at"`
	Checks     int       `json:"checks"`
	Violations int       `json:"violations"`
	Missing    int       `json:"missing"`
	// Problems names each failed check ("tenant kind path: problem") and
	// each tenant that could not be verified.
	Problems []string `json:"problems,omitempty"`
}

// TenantStatus is one tenant's last reconcile.
type TenantStatus struct {
	Revision     string    `json:"revision"`
	LastRun      time.Time `json:"lastRun"`
	Changes      int       `json:"changes"` // planned (report) or applied (heal)
	Drift        int       `json:"drift"`   // changes the last plan found
	Error        string    `json:"error,omitempty"`
	BackoffUntil time.Time `json:"backoffUntil,omitzero"`
}

func (d *Daemon) setError(f func(*Status)) {
	d.mu.Lock()
	f(&d.status)
	d.mu.Unlock()
}

// recordTenants updates the per-tenant status (d.mu held). A tenant that
// has no file any more, no error and nothing left to do (off-boarded) leaves
// /status and its syncd_tenant_error series.
func (d *Daemon) recordTenants(out Outcome, failed map[string]string, held map[string]bool, revision string, now time.Time, present func(string) bool) {
	drift := map[string]int{}
	if out.Plan != nil {
		for _, c := range out.Plan.Changes {
			if c.Action != diff.NoOp {
				drift[c.Tenant]++
			}
		}
		for _, t := range out.Plan.Changes {
			if _, ok := d.status.Tenants[t.Tenant]; !ok && t.Tenant != "" {
				d.status.Tenants[t.Tenant] = &TenantStatus{}
			}
		}
	}
	for name := range failed {
		if _, ok := d.status.Tenants[name]; !ok {
			d.status.Tenants[name] = &TenantStatus{}
		}
	}
	for name, ts := range d.status.Tenants {
		if out.Scope != nil && !slices.Contains(out.Scope, name) {
			continue
		}
		if held[name] && failed[name] == "" {
			ts.Drift, ts.Changes = drift[name], drift[name] // not tried: its error and backoff stand
			continue
		}
		if !present(name) && failed[name] == "" && drift[name] == 0 {
			delete(d.status.Tenants, name)
			d.cfg.Metrics.TenantErrors.DeleteLabelValues(name)
			continue
		}
		ts.Revision, ts.LastRun, ts.Drift, ts.Error = revision, now, drift[name], failed[name]
		ts.BackoffUntil = d.backoff[name].until
		ts.Changes = drift[name]
		d.cfg.Metrics.TenantErrors.WithLabelValues(name).Set(boolGauge(failed[name] != ""))
	}
}

// Status returns a copy of the status.
func (d *Daemon) Status() Status { return d.snapshot() }

// snapshot returns a copy of the status.
func (d *Daemon) snapshot() Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.status
	s.Mode = d.cfg.Mode
	s.Tenants = make(map[string]*TenantStatus, len(d.status.Tenants))
	for k, v := range d.status.Tenants {
		c := *v
		s.Tenants[k] = &c
	}
	return s
}
