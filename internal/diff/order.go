package diff

import (
	"errors"
	"slices"

	"github.com/syncd-dev/syncd/internal/graph"
	"github.com/syncd-dev/syncd/internal/object"
)

// creates are the actions that bring an object into (or keep it in) shape.
func creates(a Action) bool { return a == Create || a == Update || a == Adopt }

// removes are the actions that take an object (or its access) away.
func removes(a Action) bool {
	return a == Delete || a == RevokeLeases || a == DeprecatePolicy || a == DeleteDeprecated || a == DeleteKVMetadata
}

// order builds the graph of real references among the changes and assigns
// waves: an object after what it refers to when both are created, before it
// when both go away. Off-boarding adds the domain's order: leases are revoked
// before the database role and the tenant's auth role go, and the policy is
// deprecated only after the auth role is gone.
func (b *planner) order() {
	g := graph.New()
	for id, c := range b.changes {
		if c.Action != NoOp {
			g.Add(id)
		}
	}
	for id, c := range b.changes {
		for _, ref := range b.refs[id] {
			rc, ok := b.changes[ref]
			switch {
			case !ok:
			case creates(c.Action) && creates(rc.Action):
				g.DependsOn(id, ref)
			case removes(c.Action) && removes(rc.Action):
				g.DependsOn(ref, id) // reversed: the referrer goes first
			}
		}
	}
	for id, c := range b.changes {
		if c.Action != RevokeLeases {
			continue
		}
		role := object.ID{System: object.Vault, Kind: object.DatabaseRole, Scope: b.in.Config.Vault.Mounts.Database, Name: id.Name}
		if g.Has(role) {
			g.DependsOn(role, id)
		}
		for rid, rc := range b.changes { // the tenant's auth role goes after its leases
			if rid.Kind == object.AuthRole && rc.Action == Delete && rc.Tenant == c.Tenant {
				g.DependsOn(rid, id)
			}
		}
	}
	waves, err := g.Waves()
	var cyc *graph.CycleError
	if errors.As(err, &cyc) {
		for _, id := range cyc.IDs {
			b.fail(id, b.changes[id].Tenant, "%v", err)
		}
		for _, id := range cyc.Blocked {
			if c, ok := b.changes[id]; ok {
				b.skip(id, c.Tenant, cyc.IDs[0])
			}
		}
	}
	for w, ids := range waves {
		for _, id := range ids {
			if c, ok := b.changes[id]; ok {
				c.Wave = w
				c.DependsOn = g.Deps(id)
			}
		}
	}
}

// finish sorts the changes (by wave, then ID; no-ops last) and counts them.
func (b *planner) finish() {
	p := b.p
	for _, c := range b.changes {
		if c.Action == NoOp {
			c.Wave = -1
		}
		p.Changes = append(p.Changes, *c)
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
	for _, c := range p.Changes {
		for _, w := range c.Warnings {
			p.Warnings = append(p.Warnings, Problem{ID: c.ID, Tenant: c.Tenant, Message: w})
		}
	}
	slices.SortFunc(p.Errors, func(a, c Problem) int { return object.Compare(a.ID, c.ID) })
	p.Summary.Errors = len(p.Errors)
	p.Live = Fingerprint{Hash: b.in.Live.Fingerprint(), InventoryVersion: b.in.Live.Inventory.Version}
}

func sortedIDs[V any](m map[object.ID]V) []object.ID {
	out := make([]object.ID, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	slices.SortFunc(out, object.Compare)
	return out
}
