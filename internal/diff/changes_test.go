package diff

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
)

// The change set holds desired objects' changes by position and every
// other change through the map, or all through the map (a scoped plan);
// either way each visits them in identity order, skips the removed ones,
// and take returns exactly the changes left.
func TestChangeSetVisitsInIdentityOrder(t *testing.T) {
	cfg, st := fixture(t, blog)
	ids := desired.NewIDs(cfg)
	others := []object.ID{ids.Policy("zz-last"), ids.Policy("a-first"), ids.Kube(object.ExternalSecret, "m", "x"), ids.Leases("r")}
	for name, byPosition := range map[string]bool{"by position": true, "scoped plan": false} {
		t.Run(name, func(t *testing.T) {
			s := newChangeSet(st, byPosition)
			var put []object.ID
			for i := len(st.Objects) - 1; i >= 0; i-- { // out of order
				put = append(put, st.Objects[i].ID)
			}
			put = append(put[:2], append(slices.Clone(others), put[2:]...)...) // interleaved
			held := map[object.ID]*Change{}
			for _, id := range put {
				s.put(Change{ID: id, Action: Update}, []object.ID{id})
				held[id] = s.get(id)
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
			s.each(func(e *entry) {
				got = append(got, e.c.ID)
				if &e.c != held[e.c.ID] || e.refs[0] != e.c.ID {
					t.Errorf("%s moved, or its refs are %v", e.c.ID, e.refs)
				}
			})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("each (-want +got):\n%s", diff)
			}
			if s.has(gone) || s.get(others[1]) != nil || !s.has(others[0]) {
				t.Errorf("has(removed) = %v, get(removed) = %v, has(kept) = %v", s.has(gone), s.get(others[1]), s.has(others[0]))
			}
			var taken []object.ID
			cs, quiet := s.take(false)
			for _, c := range cs {
				taken = append(taken, c.ID)
			}
			slices.SortFunc(taken, object.Compare)
			if diff := cmp.Diff(want, taken); diff != "" || quiet != 0 {
				t.Errorf("take (-want +got), %d untouched no-ops:\n%s", quiet, diff)
			}
		})
	}
}

// An untouched no-op of a desired object is a mark, not a change: each
// hands a copy, kept only when changed; get makes it a change its caller
// may change; remove drops it; take counts the marks, or lists them as the
// desired objects' no-ops. In a scoped plan every no-op is a change.
func TestUntouchedNoOpsAreMarks(t *testing.T) {
	cfg, st := fixture(t, blog, shop)
	ids := desired.NewIDs(cfg)
	if len(st.Objects) < 4 {
		t.Fatalf("%d objects", len(st.Objects))
	}
	warned, got, gone, changed := st.Objects[0].ID, st.Objects[1].ID, st.Objects[2].ID, st.Objects[3].ID
	for name, byPosition := range map[string]bool{"by position": true, "scoped plan": false} {
		t.Run(name, func(t *testing.T) {
			s := newChangeSet(st, byPosition)
			for _, o := range st.Objects {
				s.put(Change{ID: o.ID, Tenant: o.Tenant, Action: NoOp, After: o.Spec}, o.Refs)
			}
			s.put(Change{ID: ids.Policy("other"), Action: Delete}, nil)
			if byPosition && len(s.entries) != 1 || !byPosition && len(s.entries) != len(st.Objects)+1 {
				t.Errorf("%d changes held for %d no-ops and a delete", len(s.entries), len(st.Objects))
			}
			visited := 0
			s.each(func(e *entry) {
				visited++
				switch e.c.ID {
				case warned:
					e.c.Warnings = append(e.c.Warnings, "w")
				case changed:
					e.c.Action = Update
				case gone:
					s.remove(gone)
				}
				if e.c.Action == NoOp && (e.c.ID.Kind == "" || e.c.After == nil || len(e.refs) == 0 && e.c.ID.Kind == object.AuthRole) {
					t.Errorf("a no-op handed without its object: %+v", e.c)
				}
			})
			if visited != len(st.Objects)+1 {
				t.Errorf("visited %d of %d", visited, len(st.Objects)+1)
			}
			if c := s.get(got); c == nil || c.Action != NoOp || c.After == nil {
				t.Fatalf("get of a no-op = %+v", c)
			} else {
				c.Note = "touched" // a change held now: the note stays
			}
			if s.has(gone) || !s.has(st.Objects[4].ID) {
				t.Errorf("has(removed) %v, has(untouched) %v", s.has(gone), s.has(st.Objects[4].ID))
			}
			cs, quiet := s.take(false)
			byID := map[object.ID]Change{}
			for _, c := range cs {
				byID[c.ID] = c
			}
			listed := 4 // the warned, the got, the changed one and the delete
			if !byPosition {
				listed = len(st.Objects) // every no-op but the removed one, and the delete
			}
			if len(cs) != listed || byPosition && quiet != len(st.Objects)-4 || !byPosition && quiet != 0 {
				t.Errorf("take: %d changes (want %d), %d untouched no-ops", len(cs), listed, quiet)
			}
			if len(byID[warned].Warnings) != 1 || byID[changed].Action != Update || byID[got].Note != "touched" {
				t.Errorf("touched changes lost what was said: %+v %+v %+v", byID[warned], byID[changed], byID[got])
			}
			if _, ok := byID[gone]; ok {
				t.Errorf("a removed no-op was taken")
			}
		})
	}
	s := newChangeSet(st, true)
	for _, o := range st.Objects {
		s.put(Change{ID: o.ID, Tenant: o.Tenant, Action: NoOp, After: o.Spec}, o.Refs)
	}
	cs, quiet := s.take(true)
	if len(cs) != len(st.Objects) || quiet != 0 {
		t.Fatalf("take(unchanged): %d changes of %d, %d left out", len(cs), len(st.Objects), quiet)
	}
	for i, c := range cs {
		o := st.Objects[i]
		if c.ID != o.ID || c.Tenant != o.Tenant || c.Action != NoOp || c.After != o.Spec {
			t.Errorf("listed no-op %d = %+v, want the object %s", i, c, o.ID)
		}
	}
}

// Without Unchanged a plan keeps only the no-ops that carry a warning (and
// counts them all); with it, every no-op, as the JSON plan lists them.
func TestQuietNoOpsAreCountedNotListed(t *testing.T) {
	cfg, st := fixture(t, blog, shop)
	l := converged(cfg, st)
	ns := desired.NewIDs(cfg).Kube(object.ServiceAccount, "bookstore-platform-shop", "bookstore-platform-eso")
	delete(l.Present, ns) // shop's store and generator warn: the service account is missing
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
