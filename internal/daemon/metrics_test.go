package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/object"
)

// The per-tenant series follow the last plan of each tenant: a scoped run
// replaces its tenants' series (a healed tenant's drift goes) and keeps the
// others'; an after-grace deletion left undone is overdue.
func TestPerTenantSeriesFollowTheLastPlan(t *testing.T) {
	d, _ := jsonDaemon()
	policy := func(n string) object.ID { return object.ID{System: object.Vault, Kind: "policy", Name: n} }
	d.observe(Outcome{Plan: &diff.Plan{Changes: []diff.Change{
		{ID: policy("a"), Tenant: "a", Action: diff.Update},
		{ID: policy("b"), Tenant: "b", Action: diff.Update},
		{ID: policy("gone-deprecated"), Tenant: "gone", Action: diff.DeleteDeprecated},
		{ID: policy("left-deprecated"), Tenant: "left", Action: diff.DeleteDeprecated},
	}}, Result: &apply.Result{Changes: []apply.ChangeResult{
		{ID: policy("a"), Tenant: "a", Status: apply.Applied},
		{ID: policy("gone-deprecated"), Tenant: "gone", Status: apply.Failed, Error: "boom"},
		{ID: policy("left-deprecated"), Tenant: "left", Status: apply.Applied},
	}}}, time.Now())
	d.observe(Outcome{Scope: []string{"a"}, Plan: &diff.Plan{}}, time.Now()) // a is healed
	want := `
# HELP syncd_drift_objects Objects the last plan found differing from the tenant files, by tenant and kind.
# TYPE syncd_drift_objects gauge
syncd_drift_objects{kind="policy",tenant="b"} 1
syncd_drift_objects{kind="policy",tenant="gone"} 1
syncd_drift_objects{kind="policy",tenant="left"} 1
# HELP syncd_offboarding_overdue_deletes Deletions due since the tenant's off-boarding grace period ended that the last reconcile left undone.
# TYPE syncd_offboarding_overdue_deletes gauge
syncd_offboarding_overdue_deletes{tenant="gone"} 1
`
	if err := testutil.GatherAndCompare(d.cfg.Metrics.Registry, strings.NewReader(want), "syncd_drift_objects", "syncd_offboarding_overdue_deletes"); err != nil {
		t.Error(err)
	}
}
