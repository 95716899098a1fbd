package diff

import (
	"errors"
	"slices"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/graph"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/version"
)

// creates are the actions that bring an object into (or keep it in) shape.
func creates(a Action) bool { return a == Create || a == Update || a == Adopt }

// removes are the actions that take an object (or its access) away.
func removes(a Action) bool {
	return a == Delete || a == RevokeLeases || a == DeprecatePolicy || a == DeleteDeprecated || a == DeleteKVMetadata
}

// order builds the graph of real references among the changes and assigns
// waves: an object after what it refers to when both are created, before it
// when both go away. Off-boarding adds the domain's order, each edge from an
// index so the cost stays linear:
//   - a database role's leases are revoked only once nothing can create
//     new ones: after the role is deleted (Vault revokes a lease of a
//     deleted role with the revocation statements stored in the lease) and
//     after every change to an object whose live content can create leases
//     under that role (a generator deleted, or updated to point elsewhere),
//     so no credential minted during the off-boarding outlives it;
//   - the tenant's auth role goes after the revocation;
//   - the policy is deprecated after the auth role is gone (a reference);
//   - the deprecated policy and KV data go after every other step of the
//     tenant.
func (b *planner) order() {
	// The graph's objects are the changes that do something, numbered in
	// identity order (entry.node).
	var todo []*entry
	b.changes.each(func(e *entry) {
		if e.c.Action != NoOp {
			e.node = int32(len(todo))
			todo = append(todo, e)
		}
	})
	changeOf := func(k int) *Change { return &todo[k].c }
	g := graph.New(len(todo), func(k int) object.ID { return changeOf(k).ID })
	nodeOf := func(id object.ID) (int, bool) { // a change of id that does something
		if e := b.changes.find(id, false); e != nil && e.c.Action != NoOp {
			return int(e.node), true
		}
		return 0, false
	}
	for k, e := range todo {
		c := &e.c
		for _, ref := range e.refs {
			r, ok := nodeOf(ref)
			switch {
			case !ok:
			case creates(c.Action) && creates(changeOf(r).Action):
				g.DependsOn(k, r)
			case removes(c.Action) && removes(changeOf(r).Action):
				g.DependsOn(r, k) // reversed: the referrer goes first
			}
		}
	}
	leaseMakers := map[string][]int{} // database role -> changes to objects that use it
	revokes := map[string][]int{}     // tenant -> its lease revocations
	steps := map[string][]int{}       // tenant -> its removal steps
	for k := range todo {             // no change is put or removed until the waves
		c := changeOf(k)
		if lo, ok := b.in.Live.Get(c.ID); ok && c.ID.System == object.Kubernetes {
			for _, ref := range liveRefs(b.ids, b.in.Config, lo) {
				if ref.Kind == object.DatabaseRole {
					leaseMakers[ref.Name] = append(leaseMakers[ref.Name], k)
				}
			}
		}
		switch {
		case c.Action == RevokeLeases:
			revokes[c.Tenant] = append(revokes[c.Tenant], k)
		case removes(c.Action) && c.Action != DeleteDeprecated && c.Action != DeleteKVMetadata:
			steps[c.Tenant] = append(steps[c.Tenant], k)
		}
	}
	for k := range todo {
		c := changeOf(k)
		switch c.Action {
		case RevokeLeases:
			for _, maker := range leaseMakers[c.ID.Name] {
				g.DependsOn(k, maker)
			}
			if role, ok := nodeOf(desired.RoleOf(c.ID)); ok {
				g.DependsOn(k, role) // no role, no new credentials: the sweep is final
			}
		case Delete:
			if c.ID.Kind == object.DatabaseRole { // a generator points away first, so it never reads a missing role
				for _, maker := range leaseMakers[c.ID.Name] {
					g.DependsOn(k, maker)
				}
			}
			if c.ID.Kind == object.AuthRole {
				for _, r := range revokes[c.Tenant] {
					g.DependsOn(k, r)
				}
			}
		case DeleteDeprecated, DeleteKVMetadata:
			if !b.present[c.Tenant] {
				for _, s := range steps[c.Tenant] {
					g.DependsOn(k, s)
				}
			}
		}
	}
	waves, err := g.Waves()
	for w, ks := range waves {
		for _, k := range ks {
			c := changeOf(k)
			c.Wave = w
			if deps := g.Deps(k); len(deps) > 0 {
				c.DependsOn = make([]object.ID, len(deps))
				for d, r := range deps {
					c.DependsOn[d] = changeOf(r).ID
				}
			}
		}
	}
	var cyc *graph.CycleError
	if errors.As(err, &cyc) {
		for _, id := range cyc.IDs {
			b.fail(id, b.changes.get(id).Tenant, "%v", err)
		}
		for _, id := range cyc.Blocked {
			if c := b.changes.get(id); c != nil {
				b.skip(id, c.Tenant, cyc.IDs[0])
			}
		}
	}
}

// finish sorts the changes (by wave, then ID; no-ops last) and counts them.
func (b *planner) finish() {
	p := b.p
	var quiet int
	p.Changes, quiet = b.changes.take(b.in.Options.Unchanged)
	p.Summary.NoOp = quiet // untouched no-ops, not listed; the listed ones are counted below
	for i := range p.Changes {
		c := &p.Changes[i]
		if c.Action == NoOp {
			c.Wave = -1
		}
		switch c.Action {
		case Create:
			p.Summary.Create++
		case Update:
			p.Summary.Update++
		case Adopt:
			p.Summary.Adopt++
		case Delete:
			p.Summary.Delete++
		case NoOp:
			p.Summary.NoOp++
		case Confirm, Forget:
			p.Summary.Record++
		default:
			p.Summary.Offboard++
		}
	}
	slices.SortFunc(p.Changes, func(a, c Change) int {
		wa, wc := a.Wave, c.Wave
		if wa < 0 {
			wa = 1 << 30
		}
		if wc < 0 {
			wc = 1 << 30
		}
		if wa != wc {
			return wa - wc
		}
		return object.Compare(a.ID, c.ID)
	})
	if !b.in.Options.Unchanged {
		p.Changes = withoutQuietNoOps(p.Changes)
	}
	gatherWarnings(p)
	slices.SortFunc(p.Errors, func(a, c Problem) int { return object.Compare(a.ID, c.ID) })
	p.Summary.Errors = len(p.Errors)
	p.SyncdVersion = version.String()
	p.Errored = len(p.Errors) > 0
	p.Applyable = !p.Errored && p.HasChanges()
	p.Live = Fingerprint{Hash: b.in.Live.Fingerprint(), InventoryVersion: b.in.Live.Inventory.Version, Files: b.in.Files}
	for name, t := range b.in.Live.Inventory.Tenants {
		if p.Live.TenantVersions == nil {
			p.Live.TenantVersions = map[string]int{}
		}
		p.Live.TenantVersions[name] = t.Version
	}
}

// withoutQuietNoOps returns the changes but the no-ops without warnings,
// in a list of their own size (the array that held every change goes), or
// cs itself when there are none: copying a plan of creates held it twice
// (17 MB more at 10,000 tenants from scratch).
func withoutQuietNoOps(cs []Change) []Change {
	n := 0
	for i := range cs {
		if cs[i].Action != NoOp || len(cs[i].Warnings) > 0 {
			n++
		}
	}
	if n == len(cs) {
		return cs
	}
	out := make([]Change, 0, n)
	for i := range cs {
		if cs[i].Action != NoOp || len(cs[i].Warnings) > 0 {
			out = append(out, cs[i])
		}
	}
	return out
}

// gatherWarnings lists every change's warnings in the plan's, in change
// order (unchanged objects' too).
func gatherWarnings(p *Plan) {
	p.Warnings = p.Warnings[:0]
	for _, c := range p.Changes {
		for _, w := range c.Warnings {
			p.Warnings = append(p.Warnings, Problem{ID: c.ID, Tenant: c.Tenant, Message: w})
		}
	}
}
