package e2e_test

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"weak"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// What applying a plan needs (reconcile.Applier) holds neither the desired
// objects nor the live state the plan was computed from: once the CLI keeps
// only the plan and the Applier, both are garbage, before the walk and while
// it runs (at 10,000 tenants they were 30 MB).
func TestApplierHoldsNeitherDesiredObjectsNorLiveState(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := newRepo(t, "e2e-lean", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-lean-shop", "eso", "shop")
	repo, err := reconcile.Load(r.dir, "", log)
	must(t, err)
	planned, err := reconcile.Plan(ctx, repo.WithoutFiles(), bedClients(t), reconcile.PlanOptions{}, log)
	must(t, err)
	if planned.Plan.Summary.Create == 0 || len(planned.Repo.State.Objects) == 0 {
		t.Fatalf("nothing to create: %+v", planned.Plan.Summary)
	}
	state, liveState := weak.Make(planned.Repo.State), weak.Make(planned.Live)
	plan, applier := planned.Plan, planned.Applier()
	planned, repo = nil, nil
	held := func() bool {
		runtime.GC()
		return state.Value() != nil || liveState.Value() != nil
	}
	if held() {
		t.Errorf("the desired state or the live state is held before the walk")
	}
	var seen, heldDuring int
	res := applier.Apply(ctx, plan, reconcile.ApplyOptions{Progress: func(apply.Progress) {
		seen++
		if held() {
			heldDuring++
		}
	}})
	if !res.OK() || seen == 0 || seen != res.Summary.Applied {
		t.Fatalf("apply: %+v, %d progress calls", res.Summary, seen)
	}
	if heldDuring > 0 {
		t.Errorf("the desired state or the live state was held at %d of %d changes", heldDuring, seen)
	}
}
