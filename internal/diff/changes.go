package diff

import (
	"slices"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
)

// changeSet holds a plan's changes while it is computed, in one array that
// becomes the plan's list. A desired object's change sits at the object's
// position in the desired state, found by binary search; every other
// change (deletes, off-boarding steps, and every change of a plan scoped
// to some tenants, which would leave most positions empty) goes after
// them, found through a map. A removed change is a zero Change (no
// Action). At 10,000 converged tenants, a map entry and an allocation for
// each of 76,667 changes, a map of their references and the plan's copy
// of them all were 60 MB beside the changes themselves.
type changeSet struct {
	desired    *desired.State
	byPosition bool
	list       []Change
	refs       [][]object.ID // beside list: what each change's object depends on
	others     map[object.ID]int
	grown      int // times the array outgrew its room (a test's check)
}

// newChangeSet makes a set for the changes of st's objects, with room for
// about room others after them by position: growing the array for the
// first delete would copy every change (17 MB at 10,000 tenants).
func newChangeSet(st *desired.State, byPosition bool, room int) *changeSet {
	s := &changeSet{desired: st, byPosition: byPosition, others: map[object.ID]int{}}
	if byPosition {
		s.list = make([]Change, len(st.Objects), len(st.Objects)+room)
		s.refs = make([][]object.ID, len(st.Objects), len(st.Objects)+room)
	}
	return s
}

// slot returns where the change of id is or would go: its desired
// position, or its place among the others (ok false when it has none).
func (s *changeSet) slot(id object.ID) (int, bool) {
	if s.byPosition {
		if i, ok := s.desired.Index(id); ok {
			return i, true
		}
	}
	i, ok := s.others[id]
	return i, ok
}

// get returns the change of id, or nil. The pointer is valid until the
// next put.
func (s *changeSet) get(id object.ID) *Change {
	if i, ok := s.slot(id); ok && s.list[i].Action != "" {
		return &s.list[i]
	}
	return nil
}

// has reports whether id has a change.
func (s *changeSet) has(id object.ID) bool { return s.get(id) != nil }

// put stores c (whose ID has no change) and what it depends on.
func (s *changeSet) put(c Change, refs []object.ID) {
	i, ok := s.slot(c.ID)
	if !ok {
		i = len(s.list)
		if s.byPosition && len(s.list) == cap(s.list) {
			s.grown++
		}
		s.list = append(s.list, Change{})
		s.refs = append(s.refs, nil)
		s.others[c.ID] = i
	}
	s.list[i], s.refs[i] = c, refs
}

// remove drops the change of id, if any.
func (s *changeSet) remove(id object.ID) {
	if i, ok := s.slot(id); ok {
		s.list[i], s.refs[i] = Change{}, nil
	}
}

// each calls fn with every change and its position, in identity order:
// the desired positions are in it already, the others are sorted and
// merged in. fn may remove changes (its own or later ones), not put any.
func (s *changeSet) each(fn func(i int, c *Change)) {
	others := make([]int, 0, len(s.others))
	for _, i := range s.others {
		if s.list[i].Action != "" {
			others = append(others, i)
		}
	}
	slices.SortFunc(others, func(a, b int) int { return object.Compare(s.list[a].ID, s.list[b].ID) })
	positions := 0
	if s.byPosition {
		positions = len(s.desired.Objects)
	}
	for p, o := 0, 0; p < positions || o < len(others); {
		var i int
		if o == len(others) || p < positions && object.Compare(s.desired.Objects[p].ID, s.list[others[o]].ID) < 0 {
			i, p = p, p+1
		} else {
			i, o = others[o], o+1
		}
		if s.list[i].Action != "" {
			fn(i, &s.list[i])
		}
	}
}

// take returns the changes, the array compacted in place; the set is
// empty after.
func (s *changeSet) take() []Change {
	n := 0
	for i := range s.list {
		if s.list[i].Action != "" {
			s.list[n] = s.list[i]
			n++
		}
	}
	clear(s.list[n:])
	out := s.list[:n:n]
	s.list, s.refs, s.others = nil, nil, map[object.ID]int{}
	return out
}
