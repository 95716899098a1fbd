package diff

import (
	"slices"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/object"
)

// Wanted is every object a plan must read: the desired objects and what they
// refer to, everything the inventory says syncd owns (deprecated policies
// included), and the name each policy of a removed tenant would be renamed
// to on off-boarding, so the plan can tell whether that name is free.
//
// With tenants set, only those tenants' objects are wanted (and only their
// records should be in inv): a plan scoped to one tenant reads that tenant.
func Wanted(cfg *config.Config, s *desired.State, inv *inventory.Inventory, tenants ...string) *Want {
	w := &Want{others: object.Set{}}
	if len(tenants) == 0 {
		w.state = s // every desired object and external, found in s
		for _, o := range s.Objects {
			for _, r := range o.Refs {
				w.add(r)
			}
		}
	} else {
		for _, o := range s.Objects {
			if !slices.Contains(tenants, o.Tenant) {
				continue
			}
			w.add(o.ID)
			for _, r := range o.Refs {
				w.add(r)
			}
		}
		for _, e := range s.External {
			if slices.Contains(tenants, e.Tenant) || e.Tenant == "" {
				w.add(e.ID)
			}
		}
	}
	ids := desired.NewIDs(cfg)
	present := make(map[string]bool, len(s.Tenants))
	for _, t := range s.Tenants {
		present[t.Name] = true
	}
	for name, rec := range inv.Tenants {
		if id, ok := kvPrefixID(cfg, rec); ok && rec.DeprecatedAt != nil {
			w.add(id) // listed, so the plan says what deleting it deletes
		}
		for _, owned := range [][]object.ID{rec.Objects, rec.Pending} {
			for _, id := range owned {
				w.add(id)
				if id.Kind == object.Policy && !present[name] { // off-boarded by this plan: renamed
					w.add(ids.Policy(id.Name + config.DeprecatedSuffix))
				}
			}
		}
		if id, ok := rec.DeprecatedID(); ok {
			w.add(id)
		}
	}
	return w
}

// Want is what a plan reads (Wanted). An unscoped plan wants every desired
// object and external: those are found in the desired state itself, by
// binary search, and only the rest (owned objects no longer desired,
// deprecated names) are held in a set. At 10,000 tenants a set of
// everything was 20 MB for the whole read.
type Want struct {
	state  *desired.State // nil: everything wanted is in others
	others object.Set     // never what state holds
	drop   object.Kind
}

// Has reports whether id is wanted.
func (w *Want) Has(id object.ID) bool {
	if w.drop != "" && id.Kind == w.drop {
		return false
	}
	return w.inState(id) || w.others.Has(id)
}

func (w *Want) inState(id object.ID) bool {
	if w.state == nil {
		return false
	}
	if _, ok := w.state.Index(id); ok {
		return true
	}
	_, ok := w.state.ExternalIndex(id)
	return ok
}

// Each calls fn with every wanted identity, once each.
func (w *Want) Each(fn func(object.ID)) {
	if w.state != nil {
		for i := range w.state.Objects {
			if id := w.state.Objects[i].ID; id.Kind != w.drop {
				fn(id)
			}
		}
		for i := range w.state.External {
			if id := w.state.External[i].ID; id.Kind != w.drop {
				fn(id)
			}
		}
	}
	for id := range w.others {
		if id.Kind != w.drop {
			fn(id)
		}
	}
}

// Without stops wanting objects of kind (the plan reads KV secrets later,
// for the objects it writes only).
func (w *Want) Without(kind object.Kind) { w.drop = kind }

func (w *Want) add(id object.ID) {
	if !w.inState(id) {
		w.others.Add(id)
	}
}

// kvPrefixID is a tenant's KV prefix in the mount recorded with it (or, for
// a record older than that field, the configured KV mount).
func kvPrefixID(cfg *config.Config, rec *inventory.Tenant) (object.ID, bool) {
	if rec.KVPrefix == "" {
		return object.ID{}, false
	}
	mount := rec.KVMount
	if mount == "" {
		mount = cfg.Vault.Mounts.KV
	}
	return object.ID{System: object.Vault, Kind: object.KVPrefix, Scope: mount, Name: rec.KVPrefix}, true
}
