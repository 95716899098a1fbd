package daemon

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/verify"
)

// TestVerifyMetrics: the per-tenant gauges follow the report — a problem or
// a tenant that could not be verified is 0, a clean one 1, and a tenant no
// longer in the state loses its series.
func TestVerifyMetrics(t *testing.T) {
	repo := func(names ...string) *reconcile.Repo {
		st := &desired.State{}
		for _, n := range names {
			st.Tenants = append(st.Tenants, desired.Tenant{Name: n})
		}
		return &reconcile.Repo{State: st}
	}
	tests := map[string]struct {
		repo         *reconcile.Repo
		report       verify.Report
		wantOK       map[string]float64
		wantProblems map[string]float64
	}{
		"all clean": {
			repo:         repo("a", "b"),
			report:       verify.Report{Checks: []verify.Check{{Tenant: "a", OK: true}, {Tenant: "b", OK: true}}},
			wantOK:       map[string]float64{"a": 1, "b": 1},
			wantProblems: map[string]float64{"a": 0, "b": 0},
		},
		"a violation and a missing grant": {
			repo: repo("a", "b"),
			report: verify.Report{Checks: []verify.Check{
				{Tenant: "a", Kind: verify.Other}, {Tenant: "a", Kind: verify.Own}, {Tenant: "b", OK: true},
			}, Violations: 1, Missing: 1},
			wantOK:       map[string]float64{"a": 0, "b": 1},
			wantProblems: map[string]float64{"a": 2, "b": 0},
		},
		"a tenant that could not be verified": {
			repo:         repo("a", "b"),
			report:       verify.Report{Checks: []verify.Check{{Tenant: "a", OK: true}}, Errors: []string{"tenant b: no token"}, Failed: []string{"b"}},
			wantOK:       map[string]float64{"a": 1, "b": 0},
			wantProblems: map[string]float64{"a": 0, "b": 0},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Verify: func(context.Context, *reconcile.Repo) *verify.Report { return &tc.report }})
			// A tenant of an earlier run must not linger.
			d.Verify(context.Background(), repo("gone"))
			d.Verify(context.Background(), tc.repo)
			gotOK, gotProblems := series(t, d.cfg.Metrics.VerifyOK), series(t, d.cfg.Metrics.VerifyProblems)
			if diff := cmp.Diff(tc.wantOK, gotOK); diff != "" {
				t.Errorf("syncd_verify_tenant_ok (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantProblems, gotProblems); diff != "" {
				t.Errorf("syncd_verify_problems (-want +got):\n%s", diff)
			}
			if st := d.status.Verify; st == nil || st.Violations != tc.report.Violations || st.Missing != tc.report.Missing ||
				len(st.Problems) != int(sum(gotProblems))+len(tc.report.Errors) {
				t.Errorf("/status verify: %+v", st)
			}
			var last dto.Metric
			if err := d.cfg.Metrics.VerifyLast.Write(&last); err != nil || last.GetGauge().GetValue() == 0 {
				t.Errorf("syncd_verify_last_run_timestamp_seconds not set (%v)", err)
			}
		})
	}
}

// series reads a gauge vector as tenant -> value.
func series(t *testing.T, g *prometheus.GaugeVec) map[string]float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 64)
	g.Collect(ch)
	close(ch)
	out := map[string]float64{}
	for m := range ch {
		var d dto.Metric
		if err := m.Write(&d); err != nil {
			t.Fatal(err)
		}
		out[d.GetLabel()[0].GetValue()] = d.GetGauge().GetValue()
	}
	return out
}

func sum(m map[string]float64) float64 {
	var n float64
	for _, v := range m {
		n += v
	}
	return n
}
