package diff

import (
	"fmt"
	"slices"

	"github.com/syncd-dev/syncd/internal/object"
)

// checkTargets refuses every ExternalSecret that would take over a Secret
// it did not create: its target exists already and is not one it targets
// (live.State.Targets). ESO replaces such a Secret's data and makes itself
// its owner, so another team's (or another controller's) Secret would get
// the tenant's values and be garbage-collected when the tenant is
// off-boarded. A target that could not be checked is refused as well:
// syncd does not write what it cannot prove safe.
func (b *planner) checkTargets() {
	ids := make([]object.ID, 0, len(b.in.Live.Targets))
	for id, t := range b.in.Live.Targets {
		if t.Exists || t.Err != "" {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, object.Compare) // errors in a stable order
	for _, id := range ids {
		o, ok := b.in.Desired.Get(id)
		if !ok || !b.inScope(o.Tenant) || !b.changes.has(id) {
			continue
		}
		if _, bad := b.failed[id]; bad {
			continue
		}
		t := b.in.Live.Targets[id]
		if t.Err != "" && !b.in.Options.Applying {
			c := b.changes.get(id)
			c.Warnings = append(c.Warnings, fmt.Sprintf("target Secret %s/%s not checked (%s): apply checks it before writing", id.Scope, t.Secret, t.Err))
			continue
		}
		if t.Err != "" {
			b.fail(id, o.Tenant, "target Secret %s/%s could not be checked, so it is not written: %s", id.Scope, t.Secret, t.Err)
			continue
		}
		b.fail(id, o.Tenant, "target Secret %s/%s already exists and this ExternalSecret did not create it: "+
			"ESO would take it over (replace its data, and delete it when the tenant is off-boarded); "+
			"choose another target, or delete the Secret if it is the tenant's to replace", id.Scope, t.Secret)
	}
}
