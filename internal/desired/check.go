package desired

import (
	"slices"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// Checked is what Check proves of a set of tenants: how much Build would
// hold, and CheckIsolation's verdict on it.
type Checked struct {
	Tenants, Objects int
	// Isolation is CheckIsolation's error on the state Build would return.
	Isolation error
}

// Check is Build followed by CheckIsolation, without the state: each
// tenant's objects are proven on its core as soon as they are derived, then
// dropped, so checking 10,000 tenants holds their identities rather than
// their objects. It is what validate needs. Set is updated as Build updates
// it, and the verdict is CheckIsolation's, errors in the same order
// (TestCheckAgreesWithBuild).
func Check(cfg *config.Config, set *tenant.Set) (*Checked, error) {
	n := len(set.Tenants)
	proofs := make([][]error, n)
	counts := make([]int, n)
	built, err := derive(cfg, set, nil, func(i int, tb *tenantBuild) {
		if i < n { // set.Failed are built for their claims only
			proofs[i] = prove(cfg, tb)
			counts[i] = len(tb.objects)
		}
		tb.dropObjects()
	})
	if err != nil {
		return nil, err
	}
	c := &Checked{}
	tenants := make([]Tenant, 0, len(set.Tenants))
	var kept [][]error
	stillValid(set, built, func(i int, tb *tenantBuild) {
		c.Tenants++
		c.Objects += counts[i]
		tenants = append(tenants, tb.summary)
		kept = append(kept, proofs[i])
	})
	c.Isolation = verdict(cfg, tenants, kept)
	return c, nil
}

// BuildChecked is Build and CheckIsolation in one pass: each tenant's
// objects are proven on its core as soon as they are derived, while the
// tenant's build is at hand, rather than after the whole state is built
// (at 10,000 tenants the proof's garbage then came on top of the state at
// its largest). It returns the state and the isolation verdict that Build
// and CheckIsolation return (TestCheckAgreesWithBuild).
func BuildChecked(cfg *config.Config, set *tenant.Set) (st *State, isolation, err error) {
	n := len(set.Tenants)
	proofs := make([][]error, n)
	sl := newSlab(&builder{cfg: cfg}, set.Tenants)
	built, err := derive(cfg, set, sl, func(i int, tb *tenantBuild) {
		if i < n {
			proofs[i] = prove(cfg, tb)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	if st, err = assemble(set, built, sl); err != nil {
		return nil, nil, err
	}
	kept := make([][]error, 0, len(st.Tenants))
	stillValid(set, built, func(i int, _ *tenantBuild) { kept = append(kept, proofs[i]) }) // st.Tenants' order
	return st, verdict(cfg, st.Tenants, kept), nil
}

// prove runs one tenant's isolation proof on its build, its objects in the
// state's order (as CheckIsolation sees them).
func prove(cfg *config.Config, tb *tenantBuild) []error {
	objects := make([]*Object, len(tb.objects))
	for j := range tb.objects {
		objects[j] = &tb.objects[j]
	}
	slices.SortFunc(objects, func(a, b *Object) int { return object.Compare(a.ID, b.ID) })
	return checkTenant(cfg, tb.summary, objects)
}
