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

// While the CLI's apply walks its plan, the desired objects and the live
// state the plan was computed from are garbage: the walk holds the plan,
// the config, the inventory and the desired tenants only (at 10,000
// tenants the rest was 30 MB for the whole walk).
func TestApplyWalkHoldsNeitherDesiredObjectsNorLiveState(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := newRepo(t, "e2e-lean", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-lean-shop", "eso")
	repo, err := reconcile.Load(r.dir, "", log)
	must(t, err)
	planned, err := reconcile.Plan(ctx, repo.WithoutFiles(), bedClients(t), reconcile.PlanOptions{}, log)
	must(t, err)
	plan := planned.Plan
	if plan.Summary.Create == 0 || len(planned.Repo.State.Objects) == 0 {
		t.Fatalf("nothing to create: %+v", plan.Summary)
	}
	state, liveState := weak.Make(planned.Repo.State), weak.Make(planned.Live)
	repo = nil
	var seen, held int
	res := planned.Apply(ctx, plan, reconcile.ApplyOptions{Progress: func(apply.Progress) {
		seen++
		runtime.GC()
		if state.Value() != nil || liveState.Value() != nil {
			held++
		}
	}})
	if !res.OK() || seen == 0 || seen != res.Summary.Applied {
		t.Fatalf("apply: %+v, %d progress calls", res.Summary, seen)
	}
	if held > 0 {
		t.Errorf("the desired state or the live state was still held at %d of %d changes", held, seen)
	}
}
