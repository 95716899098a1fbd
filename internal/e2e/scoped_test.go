package e2e_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestScopedPlanEqualsFullPlan: a plan of one tenant (the daemon's
// incremental runs, plan --tenant) reads that tenant's objects one by one and
// its namespace only, yet plans exactly what the full plan plans for it — on
// a seeded state with drift, an unowned object and a removed tenant.
func TestScopedPlanEqualsFullPlan(t *testing.T) {
	testbed.Require(t, bed)
	r := seeded(t, "e2e-scoped")
	_, full := planJSON(t, r)
	for _, tenant := range []string{"shop", "blog", "gone"} {
		code, out, logs := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir, "--tenant", tenant, "-o", "json")
		if code != 0 && code != 1 { // 1: the plan has errors (shop's unowned database role)
			t.Fatalf("plan --tenant %s: exit %d\n%s\n%s", tenant, code, out, logs)
		}
		scoped := decodePlan(t, out)
		if diff := cmp.Diff(ofTenant(full, tenant), ofTenant(scoped, tenant)); diff != "" {
			t.Errorf("tenant %s (-full plan +scoped plan):\n%s", tenant, diff)
		}
		if len(scoped.Changes) == 0 {
			t.Errorf("tenant %s: the scoped plan is empty", tenant)
		}
	}
}

// ofTenant is what a plan says about one tenant, in a comparable form.
func ofTenant(p *diff.Plan, tenant string) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Tenant == tenant {
			s := string(c.Action) + " " + c.ID.String()
			for _, f := range c.Fields {
				s += " | " + f.Path + ": " + f.Before + " -> " + f.After
			}
			for _, w := range c.Warnings {
				s += " | warning: " + w
			}
			out = append(out, s)
		}
	}
	for _, e := range p.Errors {
		if e.Tenant == tenant {
			out = append(out, "error "+e.ID.String()+": "+e.Message)
		}
	}
	slices.Sort(out)
	return out
}

// TestListsReadEveryPage: with one object per page, the cluster-wide lists
// (continue tokens from the real API server) read what one page did.
func TestListsReadEveryPage(t *testing.T) {
	testbed.Require(t, bed)
	r := seeded(t, "e2e-pages")
	st := r.state(t)
	want := object.Set{}
	for _, o := range st.Objects {
		want.Add(o.ID)
	}
	rc, _, err := kuberead.Clients(bed.RESTConfig)
	must(t, err)
	read := func(page int64) []object.ID {
		s := live.New()
		must(t, kuberead.Reader{REST: rc, Config: r.cfg, PageSize: page}.Read(context.Background(), want, s))
		var ids []object.ID
		for id := range s.Objects {
			if id.Scope == "e2e-pages-blog" || id.Scope == "e2e-pages-shop" {
				ids = append(ids, id)
			}
		}
		slices.SortFunc(ids, object.Compare)
		return ids
	}
	one, all := read(1), read(0)
	if len(all) == 0 {
		t.Fatal("nothing read")
	}
	if diff := cmp.Diff(all, one); diff != "" {
		t.Errorf("(-one page +one object per page):\n%s", diff)
	}
}

func decodePlan(t *testing.T, out string) *diff.Plan {
	t.Helper()
	var p diff.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan output: %v\n%s", err, out)
	}
	return &p
}
