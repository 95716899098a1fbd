package diff

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
)

// The change set holds desired objects' changes at their positions and
// every other change after them, by position or all through the map (a
// scoped plan); either way each visits them in identity order, skips the
// removed ones, and take returns exactly the changes left.
func TestChangeSetVisitsInIdentityOrder(t *testing.T) {
	cfg, st := fixture(t, blog)
	ids := desired.NewIDs(cfg)
	others := []object.ID{ids.Policy("zz-last"), ids.Policy("a-first"), ids.Kube(object.ExternalSecret, "m", "x"), ids.Leases("r")}
	for name, byPosition := range map[string]bool{"by position": true, "scoped plan": false} {
		t.Run(name, func(t *testing.T) {
			s := newChangeSet(st, byPosition, 1)
			var put []object.ID
			for i := len(st.Objects) - 1; i >= 0; i-- { // out of order
				put = append(put, st.Objects[i].ID)
			}
			put = append(put[:2], append(slices.Clone(others), put[2:]...)...) // interleaved
			for _, id := range put {
				s.put(Change{ID: id, Action: Update}, []object.ID{id})
			}
			gone := st.Objects[1].ID
			s.remove(gone)
			s.remove(others[1])
			var want []object.ID
			for _, id := range put {
				if id != gone && id != others[1] {
					want = append(want, id)
				}
			}
			slices.SortFunc(want, object.Compare)

			var got []object.ID
			s.each(func(i int, c *Change) {
				got = append(got, c.ID)
				if c != &s.list[i] || s.refs[i][0] != c.ID {
					t.Errorf("refs of %s = %v", s.list[i].ID, s.refs[i])
				}
			})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("each (-want +got):\n%s", diff)
			}
			if s.has(gone) || s.get(others[1]) != nil || !s.has(others[0]) {
				t.Errorf("has(removed) = %v, get(removed) = %v, has(kept) = %v", s.has(gone), s.get(others[1]), s.has(others[0]))
			}
			var taken []object.ID
			for _, c := range s.take() {
				taken = append(taken, c.ID)
			}
			slices.SortFunc(taken, object.Compare)
			if diff := cmp.Diff(want, taken); diff != "" {
				t.Errorf("take (-want +got):\n%s", diff)
			}
		})
	}
}

// Without Unchanged a plan keeps only the no-ops that carry a warning (and
// counts them all); with it, every no-op, as the JSON plan lists them.
func TestQuietNoOpsAreCountedNotListed(t *testing.T) {
	cfg, st := fixture(t, blog, shop)
	l := converged(cfg, st)
	ns := desired.NewIDs(cfg).Namespace("bookstore-platform-shop")
	delete(l.Present, ns) // shop's store and generator warn: the namespace is missing
	warned := 0
	for _, o := range st.Objects {
		if slices.Contains(o.Refs, ns) {
			warned++
		}
	}
	for name, unchanged := range map[string]bool{"unchanged listed": true, "quiet ones counted only": false} {
		t.Run(name, func(t *testing.T) {
			p := Compute(Input{Config: cfg, Desired: st, Live: l, Now: now, Options: Options{Unchanged: unchanged}})
			want := len(st.Objects)
			if !unchanged {
				want = warned
			}
			if len(p.Changes) != want || p.Summary.NoOp != len(st.Objects) || warned == 0 {
				t.Errorf("%d changes (want %d), %d counted unchanged (want %d); %d warned", len(p.Changes), want, p.Summary.NoOp, len(st.Objects), warned)
			}
			for _, c := range p.Changes {
				if c.Action != NoOp || !unchanged && len(c.Warnings) == 0 {
					t.Errorf("listed: %s %s, warnings %v", c.Action, c.ID, c.Warnings)
				}
			}
			if len(p.Warnings) != warned {
				t.Errorf("plan warnings %v, want %d", p.Warnings, warned)
			}
		})
	}
}

// Dropping quiet no-ops copies the changes into a list of their own size,
// and copies nothing when there is nothing to drop.
func TestWithoutQuietNoOpsCopiesOnlyWhenItDrops(t *testing.T) {
	id := func(n string) object.ID { return object.ID{System: object.Vault, Kind: object.Policy, Name: n} }
	tests := map[string]struct {
		changes []Change
		want    []string
	}{
		"creates only: the same array": {
			changes: []Change{{ID: id("a"), Action: Create}, {ID: id("b"), Action: Update}},
			want:    []string{"a", "b"},
		},
		"a no-op with a warning stays: the same array": {
			changes: []Change{{ID: id("a"), Action: NoOp, Warnings: []string{"w"}}, {ID: id("b"), Action: Create}},
			want:    []string{"a", "b"},
		},
		"quiet no-ops go: a list of its own size": {
			changes: []Change{{ID: id("a"), Action: NoOp}, {ID: id("b"), Action: Create}, {ID: id("c"), Action: NoOp}},
			want:    []string{"b"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := withoutQuietNoOps(tc.changes)
			var names []string
			for _, c := range got {
				names = append(names, c.ID.Name)
			}
			if diff := cmp.Diff(tc.want, names); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			same := &got[0] == &tc.changes[0]
			if dropped := len(got) < len(tc.changes); same == dropped || cap(got) != len(got) && dropped {
				t.Errorf("dropped %v, same array %v, len %d cap %d", dropped, same, len(got), cap(got))
			}
		})
	}
}
