package daemon

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/source"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// A tenant whose apply failed backs off; while it does, its changes are not
// tried, and it keeps its backoff (doubling on the next failure), its old
// fingerprint and its error — it is not settled as converged. A failed
// ownership record fails every tenant of the run.
func TestBackingOffTenantIsNotSettled(t *testing.T) {
	d := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Backoff: time.Hour, MaxBackoff: 4 * time.Hour})
	repo := &reconcile.Repo{Tenants: &tenant.Set{Invalid: map[string]error{}}}
	change := diff.Change{Tenant: "shop", Action: diff.Update, ID: object.ID{System: object.Vault, Kind: object.Policy, Name: "p"}}
	plan := &diff.Plan{Changes: []diff.Change{change}}
	failedApply := Outcome{Plan: plan, Result: &apply.Result{Changes: []apply.ChangeResult{{ID: change.ID, Tenant: "shop", Action: change.Action, Status: apply.Failed, Error: "403 permission denied"}}}}
	hashes := map[string]string{"shop": "v2"}

	d.state.hashes = map[string]string{"shop": "v1"}
	d.settle(repo, source.Snapshot{Revision: "r1"}, hashes, "cfg", nil, failedApply, failedTenants(failedApply), nil)
	first := d.backoff["shop"]
	if first.delay != time.Hour || d.state.hashes["shop"] != "v1" || d.status.Tenants["shop"].Error == "" {
		t.Fatalf("after a failed apply: backoff %+v, hash %q, status %+v", first, d.state.hashes["shop"], d.status.Tenants["shop"])
	}

	kept, held := d.withoutBackingOff(plan) // the next poll, inside the backoff
	if len(kept.Changes) != 0 || !held["shop"] {
		t.Fatalf("inside the backoff: kept %d changes, held %v", len(kept.Changes), held)
	}
	d.settle(repo, source.Snapshot{Revision: "r1"}, hashes, "cfg", nil, Outcome{Plan: plan}, failedTenants(Outcome{Plan: plan}), held)
	if b := d.backoff["shop"]; b != first || d.state.hashes["shop"] != "v1" || d.status.Tenants["shop"].Error != "403 permission denied" {
		t.Fatalf("held: backoff %+v (was %+v), hash %q, status %+v", b, first, d.state.hashes["shop"], d.status.Tenants["shop"])
	}

	d.backoff["shop"] = backoff{until: time.Now().Add(-time.Second), delay: first.delay} // the backoff is over: tried again, fails again
	if _, held := d.withoutBackingOff(plan); held["shop"] {
		t.Fatal("held after its backoff")
	}
	d.settle(repo, source.Snapshot{Revision: "r1"}, hashes, "cfg", nil, failedApply, failedTenants(failedApply), nil)
	if b := d.backoff["shop"]; b.delay != 2*time.Hour {
		t.Errorf("the second failure: delay %s, want it doubled to 2h", b.delay)
	}

	recordFailed := Outcome{Plan: plan, Result: &apply.Result{Changes: []apply.ChangeResult{{ID: change.ID, Tenant: "shop", Action: change.Action, Status: apply.Applied}}, Errors: []string{"recording ownership: 503"}}}
	if f := failedTenants(recordFailed); f["shop"] == "" {
		t.Errorf("a failed ownership record settled the tenant as clean")
	}
}
