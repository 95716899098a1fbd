package e2e_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestASecondWriterIsRefusedWithTheHoldersName: a second apply planned
// after the first one began writing (so the check-and-set on the records
// passes: the plan read them after the first write) refuses every tenant
// the first one holds, naming it, and writes nothing; the first one
// finishes alone, each object written once, and a third apply afterwards
// finds nothing to do and no tenant held.
func TestASecondWriterIsRefusedWithTheHoldersName(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := newRepo(t, "e2e-lease", map[string]string{
		"shop": "  secrets:\n    - {name: stripe, path: payments/stripe, keys: [api_key]}\n",
		"blog": "  secrets:\n    - {name: smtp, path: mail/smtp, keys: [password]}\n",
	})
	for _, tn := range []string{"shop", "blog"} {
		namespace(t, "e2e-lease-"+tn, "eso", tn)
	}
	plan := func() *reconcile.Planned {
		repo, err := reconcile.Load(r.dir, "", log)
		must(t, err)
		p, err := reconcile.Plan(ctx, repo, bedClients(t), reconcile.PlanOptions{Applying: true}, log)
		must(t, err)
		return p
	}
	first := plan()
	var once sync.Once
	var second *apply.Result
	res := first.Apply(ctx, first.Plan, reconcile.ApplyOptions{Holder: "first-writer", Parallelism: 1, Progress: func(apply.Progress) {
		once.Do(func() { // the first change is written: the records name the first writer
			p := plan()
			if p.Plan.Summary.Create == 0 {
				t.Errorf("the second plan has nothing to create: %+v", p.Plan.Summary)
			}
			second = p.Apply(ctx, p.Plan, reconcile.ApplyOptions{Holder: "second-writer"})
		})
	}})
	if !res.OK() {
		t.Fatalf("the first apply: %+v %v", res.Summary, res.Errors)
	}
	if second == nil {
		t.Fatal("the second apply never ran")
	}
	if second.Summary.Applied != 0 || second.Summary.Skipped == 0 {
		t.Errorf("the second apply: %+v; want every change skipped", second.Summary)
	}
	for _, c := range second.Changes {
		if c.Status != apply.Skipped || !strings.Contains(c.Error, "first-writer is applying it") {
			t.Errorf("second apply, %s %s: %s %q; want skipped, naming the first writer", c.Action, c.ID, c.Status, c.Error)
		}
	}
	written := map[object.ID]int{}
	for _, res := range []*apply.Result{res, second} {
		for _, c := range res.Changes {
			if c.Status == apply.Applied && c.Action != diff.Confirm && c.Action != diff.Forget {
				written[c.ID]++
			}
		}
	}
	for id, n := range written {
		if n != 1 {
			t.Errorf("%s written %d times", id, n)
		}
	}
	third := plan()
	if s := third.Plan.Summary; s.Create+s.Update+s.Delete+s.Offboard+s.Errors != 0 {
		t.Errorf("plan after the first apply: %+v", s)
	}
}
