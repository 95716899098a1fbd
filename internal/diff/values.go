package diff

import (
	"fmt"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

// ValueRefs returns the KV secrets that the plan's creates, updates and
// adoptions refer to: the values worth checking before ESO objects go out,
// one read each. A converged plan has none, so it reads no KV metadata; an
// unchanged ExternalSecret's missing value is ESO's to report
// (SecretSyncedError in its status).
func ValueRefs(p *Plan, st *desired.State) object.Set {
	out := object.Set{}
	for _, c := range p.Changes {
		if !writesObject(c.Action) {
			continue
		}
		if o, ok := st.Get(c.ID); ok {
			for _, r := range o.Refs {
				if r.Kind == object.KVSecret {
					out.Add(r)
				}
			}
		}
	}
	return out
}

// WarnMissingValues warns on each create, update or adoption that refers
// to a KV secret lv looked for and found without a value.
func WarnMissingValues(p *Plan, st *desired.State, lv *live.State) {
	added := false
	for i := range p.Changes {
		c := &p.Changes[i]
		if !writesObject(c.Action) {
			continue
		}
		o, ok := st.Get(c.ID)
		if !ok {
			continue
		}
		for _, r := range o.Refs {
			if r.Kind == object.KVSecret && lv.Looked.Has(r) && !lv.Present.Has(r) {
				c.Warnings = append(c.Warnings, fmt.Sprintf("KV secret %s/%s has no value yet; ESO cannot sync it until one is written", r.Scope, r.Name))
				added = true
			}
		}
	}
	if added {
		gatherWarnings(p)
	}
}

func writesObject(a Action) bool { return a == Create || a == Update || a == Adopt }
