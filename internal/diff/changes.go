package diff

import (
	"slices"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
)

// changeSet holds a plan's changes while it is computed. A desired
// object's change is found through the object's position in the desired
// state (binary search); every other change (deletes, off-boarding steps,
// and every change of a plan scoped to some tenants) through a map.
//
// A no-op with nothing to say is only a mark at its object's position: it
// becomes a change when something touches it (a warning, a dropped grant)
// or when the plan lists unchanged objects: a converged plan holds
// O(changes). Each entry is its own allocation, so a pointer to a change
// stays valid while the set grows.
type changeSet struct {
	desired    *desired.State
	byPosition bool
	at         []int32             // by desired position: entry number, none or quiet
	entries    []*entry            // entry number k is entries[k-1]
	others     map[object.ID]int32 // entry numbers of the changes without a position
	scratch    entry               // each's copy of an untouched no-op
}

// entry is a change and what its object depends on.
type entry struct {
	c    Change
	refs []object.ID
	node int32 // the change's number in the plan's graph (order)
}

const (
	none  int32 = 0  // at: no change
	quiet int32 = -1 // at: an untouched no-op, the desired object's
)

// newChangeSet makes a set for the changes of st's objects.
func newChangeSet(st *desired.State, byPosition bool) *changeSet {
	s := &changeSet{desired: st, byPosition: byPosition, others: map[object.ID]int32{}}
	if byPosition {
		s.at = make([]int32, len(st.Objects))
	}
	return s
}

// entry returns entry number k (1-based: at's zero is none).
func (s *changeSet) entry(k int32) *entry { return s.entries[k-1] }

func (s *changeSet) newEntry(e entry) int32 {
	s.entries = append(s.entries, &e)
	return int32(len(s.entries))
}

// noOp is the untouched no-op of the object at desired position p.
func (s *changeSet) noOp(p int) entry {
	o := &s.desired.Objects[p]
	return entry{c: Change{ID: o.ID, Tenant: o.Tenant, Action: NoOp, After: o.Spec}, refs: o.Refs}
}

// position returns id's desired position when the set holds it by position.
func (s *changeSet) position(id object.ID) (int, bool) {
	if !s.byPosition {
		return 0, false
	}
	return s.desired.Index(id)
}

// find returns id's entry, or nil (a removed change has none). An
// untouched no-op gets one when touch is set (its caller may change it);
// otherwise it has none.
func (s *changeSet) find(id object.ID, touch bool) *entry {
	if p, ok := s.position(id); ok {
		switch k := s.at[p]; {
		case k > 0:
			return s.entry(k)
		case k == quiet && touch:
			s.at[p] = s.newEntry(s.noOp(p))
			return s.entry(s.at[p])
		}
		return nil
	}
	if k, ok := s.others[id]; ok {
		return s.entry(k)
	}
	return nil
}

// get returns the change of id, or nil. The pointer stays valid.
func (s *changeSet) get(id object.ID) *Change {
	if e := s.find(id, true); e != nil {
		return &e.c
	}
	return nil
}

// has reports whether id has a change (an untouched no-op too).
func (s *changeSet) has(id object.ID) bool {
	if p, ok := s.position(id); ok {
		return s.at[p] != none
	}
	_, ok := s.others[id]
	return ok
}

// put stores c (whose ID has no change) and what it depends on. A no-op of
// a desired object with nothing to say (no field, note or warning), for
// its tenant, of its spec and refs, is kept as a mark.
func (s *changeSet) put(c Change, refs []object.ID) {
	p, ok := s.position(c.ID)
	switch {
	case ok && s.untouched(p, &c, refs):
		s.at[p] = quiet
	case ok:
		s.at[p] = s.newEntry(entry{c: c, refs: refs})
	default:
		s.others[c.ID] = s.newEntry(entry{c: c, refs: refs})
	}
}

// remove drops the change of id, if any.
func (s *changeSet) remove(id object.ID) {
	if p, ok := s.position(id); ok {
		if k := s.at[p]; k > 0 {
			*s.entry(k) = entry{}
		}
		s.at[p] = none
		return
	}
	if k, ok := s.others[id]; ok {
		*s.entry(k) = entry{}
		delete(s.others, id)
	}
}

// each calls fn with every change, in identity order: the desired
// positions are in it already, the others are sorted and merged in. An
// untouched no-op is handed as a copy, kept only if fn changed it. fn may
// remove changes (its own or later ones), not put any, nor get its own.
func (s *changeSet) each(fn func(e *entry)) {
	others := make([]int32, 0, len(s.others))
	for _, k := range s.others {
		others = append(others, k)
	}
	slices.SortFunc(others, func(a, b int32) int { return object.Compare(s.entry(a).c.ID, s.entry(b).c.ID) })
	positions := len(s.at)
	for p, o := 0, 0; p < positions || o < len(others); {
		if o == len(others) || p < positions && object.Compare(s.desired.Objects[p].ID, s.entry(others[o]).c.ID) < 0 {
			s.visit(p, fn)
			p++
			continue
		}
		if e := s.entry(others[o]); e.c.Action != "" {
			fn(e)
		}
		o++
	}
}

func (s *changeSet) visit(p int, fn func(e *entry)) {
	switch k := s.at[p]; {
	case k > 0:
		fn(s.entry(k))
	case k == quiet:
		s.scratch = s.noOp(p) // one copy for every mark: not an allocation each
		fn(&s.scratch)
		if s.at[p] == quiet && !s.untouched(p, &s.scratch.c, s.scratch.refs) {
			s.at[p] = s.newEntry(s.scratch)
		}
		s.scratch = entry{}
	}
}

// untouched reports whether c, with refs, is the no-op of the object at
// desired position p with nothing to say.
func (s *changeSet) untouched(p int, c *Change, refs []object.ID) bool {
	o := &s.desired.Objects[p]
	sameRefs := len(refs) == len(o.Refs) && (len(refs) == 0 || &refs[0] == &o.Refs[0])
	return c.Action == NoOp && len(c.Fields) == 0 && c.Note == "" && len(c.Warnings) == 0 && c.UID == "" &&
		len(c.DependsOn) == 0 && c.Tenant == o.Tenant && c.After == o.Spec && sameRefs // specs are pointers
}

// take returns the changes, and how many untouched no-ops it left out:
// none with unchanged, which lists them too. The set is empty after.
func (s *changeSet) take(unchanged bool) ([]Change, int) {
	n, quiets := 0, 0
	for _, e := range s.entries {
		if e.c.Action != "" {
			n++
		}
	}
	for _, k := range s.at {
		if k == quiet {
			quiets++
		}
	}
	if unchanged {
		n += quiets
	}
	out := make([]Change, 0, n)
	for i, e := range s.entries {
		if e.c.Action != "" {
			out = append(out, e.c)
		}
		s.entries[i] = nil // each goes as it is copied
	}
	if unchanged {
		for p, k := range s.at {
			if k == quiet {
				out = append(out, s.noOp(p).c)
			}
		}
		quiets = 0
	}
	s.at, s.entries, s.others = nil, nil, map[object.ID]int32{}
	return out, quiets
}
