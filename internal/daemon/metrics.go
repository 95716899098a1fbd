package daemon

import (
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/object"
)

// Metrics are the daemon's Prometheus metrics, on their own registry.
type Metrics struct {
	Registry     *prometheus.Registry
	Duration     prometheus.Histogram
	Changes      *prometheus.CounterVec
	Drift        *prometheus.GaugeVec
	LastSuccess  prometheus.Gauge
	LastRevision *prometheus.GaugeVec
	Requests     *prometheus.CounterVec
	TenantErrors *prometheus.GaugeVec
	SourceUp     prometheus.Gauge
	Reconciles   *prometheus.CounterVec
	Leader       prometheus.Gauge
	// Info is 1, labelled with the version and the mode (heal, report).
	Info *prometheus.GaugeVec
	// Overdue counts an off-boarded tenant's deletions due since its grace
	// period ended (the deprecated policy, the KV data) that the last
	// reconcile left undone: failed, or planned only (report mode).
	Overdue *prometheus.GaugeVec
	// The last live verification (syncd run --verify-every).
	VerifyOK, VerifyProblems *prometheus.GaugeVec
	VerifyLast               prometheus.Gauge
}

// NewMetrics registers the metrics.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "syncd_reconcile_duration_seconds",
			Help: "Duration of one reconcile: fetch, plan and apply.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 14)}),
		Changes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "syncd_changes_total",
			Help: "Changes applied, by action and kind."}, []string{"action", "kind"}),
		Drift: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "syncd_drift_objects",
			Help: "Objects the last plan found differing from the tenant files, by tenant and kind."}, []string{"tenant", "kind"}),
		LastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Name: "syncd_last_success_timestamp_seconds",
			Help: "When a reconcile last ended without error."}),
		LastRevision: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "syncd_last_success_revision",
			Help: "1 for the revision last reconciled without error."}, []string{"revision"}),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "syncd_requests_total",
			Help: "HTTP requests made, by system."}, []string{"system"}),
		TenantErrors: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "syncd_tenant_error",
			Help: "1 when the tenant's last reconcile had an error."}, []string{"tenant"}),
		SourceUp: prometheus.NewGauge(prometheus.GaugeOpts{Name: "syncd_source_up",
			Help: "1 when the last fetch of the source worked; 0 when the last-known-good state is in use."}),
		Reconciles: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "syncd_reconciles_total",
			Help: "Reconciles, by outcome (ok, error, skipped)."}, []string{"outcome"}),
		Info: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "syncd_info",
			Help: "1, labelled with syncd's version and mode (heal or report)."}, []string{"version", "mode"}),
		Overdue: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "syncd_offboarding_overdue_deletes",
			Help: "Deletions due since the tenant's off-boarding grace period ended that the last reconcile left undone."}, []string{"tenant"}),
		Leader: prometheus.NewGauge(prometheus.GaugeOpts{Name: "syncd_leader",
			Help: "1 while this replica holds the lease and reconciles."}),
		VerifyOK: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "syncd_verify_tenant_ok",
			Help: "1 when the last live verification found the tenant isolated with every grant; 0 otherwise."}, []string{"tenant"}),
		VerifyProblems: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "syncd_verify_problems",
			Help: "Violations and missing grants the last live verification found, by tenant."}, []string{"tenant"}),
		VerifyLast: prometheus.NewGauge(prometheus.GaugeOpts{Name: "syncd_verify_last_run_timestamp_seconds",
			Help: "When the last live verification ended."}),
	}
	m.Registry.MustRegister(m.Duration, m.Changes, m.Drift, m.LastSuccess, m.LastRevision, m.Requests, m.TenantErrors, m.SourceUp, m.Reconciles, m.Leader,
		m.Info, m.Overdue, m.VerifyOK, m.VerifyProblems, m.VerifyLast)
	return m
}

// observe records one reconcile in the metrics and the status.
func (d *Daemon) observe(out Outcome, start time.Time) {
	m := d.cfg.Metrics
	now := time.Now()
	switch {
	case out.Skipped:
		m.Reconciles.WithLabelValues("skipped").Inc()
	case out.OK():
		m.Reconciles.WithLabelValues("ok").Inc()
	default:
		m.Reconciles.WithLabelValues("error").Inc()
	}
	if out.Skipped {
		d.mu.Lock()
		d.status.LastCycle = now
		d.beat(now)
		d.health.cycled = true
		d.mu.Unlock()
		return
	}
	m.Duration.Observe(now.Sub(start).Seconds())
	if out.Plan != nil {
		// Per-tenant series are replaced for the tenants planned: all of
		// them, or the scope's (a tenant healed in a scoped run loses its).
		if out.Scope == nil {
			m.Drift.Reset()
			m.Overdue.Reset()
		}
		for _, name := range out.Scope {
			m.Drift.DeletePartialMatch(prometheus.Labels{"tenant": name})
			m.Overdue.DeleteLabelValues(name)
		}
		drift := map[[2]string]int{}
		for _, c := range out.Plan.Changes {
			if c.Action != diff.NoOp {
				drift[[2]string{c.Tenant, kindLabel(string(c.ID.Kind))}]++
			}
		}
		for k, n := range drift {
			m.Drift.WithLabelValues(k[0], k[1]).Set(float64(n))
		}
		for name, n := range overdue(out) {
			m.Overdue.WithLabelValues(name).Set(float64(n))
		}
		m.Requests.WithLabelValues("vault").Add(float64(out.Plan.Requests.Vault))
		m.Requests.WithLabelValues("kubernetes").Add(float64(out.Plan.Requests.Kubernetes))
	}
	if out.Result != nil {
		for _, c := range out.Result.Changes {
			if c.Status == "applied" {
				m.Changes.WithLabelValues(string(c.Action), kindLabel(string(c.ID.Kind))).Inc()
			}
		}
		m.Requests.WithLabelValues("vault").Add(float64(out.Result.Requests.Vault))
		m.Requests.WithLabelValues("kubernetes").Add(float64(out.Result.Requests.Kubernetes))
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.status.LastRun, d.status.LastCycle = now, now
	d.beat(now)
	d.health.cycled = true
	d.status.Revision = out.Revision
	d.status.ReconcileErr = errString(out.Err)
	if out.OK() {
		d.status.LastSuccess = now
		m.LastSuccess.Set(float64(now.Unix()))
		m.LastRevision.Reset()
		m.LastRevision.WithLabelValues(out.Revision).Set(1)
	}
}

// overdue counts, by tenant, the after-grace deletions out planned and did
// not apply.
func overdue(out Outcome) map[string]int {
	applied := map[object.ID]bool{}
	if out.Result != nil {
		for _, c := range out.Result.Changes {
			if c.Status == apply.Applied {
				applied[c.ID] = true
			}
		}
	}
	n := map[string]int{}
	for _, c := range out.Plan.Changes {
		if (c.Action == diff.DeleteDeprecated || c.Action == diff.DeleteKVMetadata) && !applied[c.ID] {
			n[c.Tenant]++
		}
	}
	return n
}

func kindLabel(k string) string {
	name, _, _ := strings.Cut(k, ".")
	return name
}
