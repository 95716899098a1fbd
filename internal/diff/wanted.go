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
// included), and the name each owned policy would be renamed to on
// off-boarding, so the plan can tell whether that name is free.
//
// With tenants set, only those tenants' objects are wanted (and only their
// records should be in inv): a plan scoped to one tenant reads that tenant.
func Wanted(cfg *config.Config, s *desired.State, inv *inventory.Inventory, tenants ...string) object.Set {
	want := object.Set{}
	for _, o := range s.Objects {
		if len(tenants) > 0 && !slices.Contains(tenants, o.Tenant) {
			continue
		}
		want.Add(o.ID)
		for _, r := range o.Refs {
			want.Add(r)
		}
	}
	for _, e := range s.External {
		if len(tenants) == 0 || slices.Contains(tenants, e.Tenant) || e.Tenant == "" {
			want.Add(e.ID)
		}
	}
	ids := desired.NewIDs(cfg)
	for _, rec := range inv.Tenants {
		if id, ok := kvPrefixID(cfg, rec); ok && rec.DeprecatedAt != nil {
			want.Add(id) // listed, so the plan says what deleting it deletes
		}
	}
	for id := range inv.Owned() {
		want.Add(id)
		if id.Kind == object.Policy {
			want.Add(ids.Policy(id.Name + config.DeprecatedSuffix))
		}
	}
	return want
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
