package diff

import (
	"fmt"
	"slices"
	"strings"
)

// guard weighs every destructive step of the plan — deletes, lease
// revocations, policy deprecations and KV deletions, whether a tenant was
// removed or a config change renamed its objects — by the tenants they
// touch. It refuses a plan that would touch tenants while no valid tenant
// file was found (an empty or broken tenants/ must never off-board
// everyone), or that touches more tenants than guard.maxDeletes or
// guard.maxDeletePercent of the tenants syncd actively manages (owned,
// neither held nor waiting out a grace period). Unless allowed, a refused
// plan keeps its creates and updates and drops every destructive step.
// Cancelling a re-added tenant's off-boarding is not destructive.
func (b *planner) guard() {
	inv := b.in.Live.Inventory
	touched := map[string]int{}
	b.changes.each(func(e *entry) {
		if destructive(&e.c, b.present) {
			touched[e.c.Tenant]++
		}
	})
	waiting := map[string]bool{}
	for _, w := range b.p.Waiting {
		if touched[w.Tenant] == 0 {
			waiting[w.Tenant] = true
		}
	}
	// The base is every tenant syncd actively manages, in scope or not: a
	// plan of one removed tenant (the daemon's incremental run) weighs one
	// tenant against all of them, not against itself. Tenants outside the
	// scope count as active (their records were not read).
	active := inv.Unread
	for _, name := range inv.TenantNames() {
		if !b.inScope(name) || !slices.Contains(b.p.Held, name) && !waiting[name] {
			active++
		}
	}
	g := Guard{OwnedTenants: len(inv.Tenants), ActiveTenants: active, TouchedTenants: len(touched)}
	for _, n := range touched {
		g.DestructiveSteps += n
	}
	names := make([]string, 0, len(touched))
	for name := range touched {
		names = append(names, name)
		if !b.present[name] {
			g.RemovedTenants++
		}
	}
	slices.Sort(names)
	list := strings.Join(names, ", ")
	limit := b.in.Config.Guard
	switch {
	case len(touched) == 0:
	case len(b.in.Desired.Tenants) == 0:
		g.Reason = fmt.Sprintf("no valid tenant file was found, yet %d destructive steps would touch %d tenants (%s)", g.DestructiveSteps, len(touched), list)
	case len(touched) > limit.MaxDeletes:
		g.Reason = fmt.Sprintf("%d destructive steps would touch %d tenants (%s), more than guard.maxDeletes=%d", g.DestructiveSteps, len(touched), list, limit.MaxDeletes)
	case len(touched)*100 > limit.MaxDeletePercent*active:
		g.Reason = fmt.Sprintf("%d destructive steps would touch %d of %d actively managed tenants (%s), more than guard.maxDeletePercent=%d%%", g.DestructiveSteps, len(touched), active, list, limit.MaxDeletePercent)
	}
	if g.Reason != "" && !b.in.Options.AllowDeletes {
		g.Refused = true
		b.p.Errors = append(b.p.Errors, Problem{Message: "deletion guard: " + g.Reason + "; no destructive step is planned (re-run with --allow-deletes if this is intended)"})
		b.changes.each(func(e *entry) {
			if destructive(&e.c, b.present) {
				b.changes.remove(e.c.ID)
			}
		})
	}
	b.p.Guard = g
}

// destructive reports whether c takes something away. Deleting the
// deprecated copy of a re-added tenant's policy does not: no token carries
// that name, and restoring removed tenant files is the way back from an
// accident, which the guard must not block.
func destructive(c *Change, present map[string]bool) bool {
	return removes(c.Action) && !(c.Action == DeleteDeprecated && present[c.Tenant])
}
