package diff

import (
	"fmt"
	"slices"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

// removals handles what syncd owns but no longer desires: objects a present
// tenant dropped are deleted; a removed tenant is off-boarded (if the
// deletion guard allows); a tenant whose file failed is held untouched.
func (b *planner) removals() {
	inv := b.in.Live.Inventory
	present := map[string]bool{}
	for _, t := range b.in.Desired.Tenants {
		present[t.Name] = true
	}
	want := b.in.Desired.IDs()
	var removed []string
	for _, name := range inv.TenantNames() {
		rec := inv.Tenants[name]
		switch {
		case present[name]:
			for _, id := range rec.Objects {
				if !want.Has(id) {
					b.deleteObject(name, id, "")
				}
			}
		case b.in.Unknown[name] != nil:
			b.p.Held = append(b.p.Held, name)
		case rec.DeprecatedAt != nil:
			b.afterGrace(name, rec) // off-boarding already under way
		default:
			removed = append(removed, name)
		}
	}
	b.guard(len(inv.Tenants), removed)
	if b.p.Guard.Refused {
		return
	}
	for _, name := range removed {
		b.offboard(name, inv.Tenants[name])
	}
}

// guard refuses a plan that off-boards every tenant because no tenant file
// was found, or more tenants than the configured cap, unless allowed.
func (b *planner) guard(owned int, removed []string) {
	g := Guard{OwnedTenants: owned, RemovedTenants: len(removed)}
	limit := b.in.Config.Guard
	switch {
	case len(removed) == 0:
	case len(b.in.Desired.Tenants) == 0 && len(b.in.Unknown) == 0:
		g.Reason = fmt.Sprintf("no tenant files were found, which would off-board all %d tenants syncd owns", owned)
	case len(removed) > limit.MaxDeletes:
		g.Reason = fmt.Sprintf("%d tenants would be off-boarded (%v), more than guard.maxDeletes=%d", len(removed), removed, limit.MaxDeletes)
	case len(removed)*100 > limit.MaxDeletePercent*owned:
		g.Reason = fmt.Sprintf("%d of %d owned tenants would be off-boarded (%v), more than guard.maxDeletePercent=%d%%", len(removed), owned, removed, limit.MaxDeletePercent)
	}
	if g.Reason != "" && !b.in.Options.AllowDeletes {
		g.Refused = true
		b.p.Errors = append(b.p.Errors, Problem{Message: "deletion guard: " + g.Reason + "; nothing is off-boarded (re-run with --allow-deletes if this is intended)"})
	}
	b.p.Guard = g
}

// deleteObject plans the deletion of one owned object that is still live. A
// database role's leases are revoked first.
func (b *planner) deleteObject(tenant string, id object.ID, note string) {
	lo, exists := b.in.Live.Objects[id]
	if !exists {
		return // already gone; apply drops it from the inventory
	}
	b.add(&Change{ID: id, Tenant: tenant, Action: Delete, Note: note}, liveRefs(b.ids, lo))
	if id.Kind == object.DatabaseRole {
		leases := b.leasesID(id.Name)
		b.add(&Change{ID: leases, Tenant: tenant, Action: RevokeLeases,
			Note: fmt.Sprintf("revoke every lease under %s/creds/%s", b.in.Config.Vault.Mounts.Database, id.Name)}, nil)
	}
}

func (b *planner) leasesID(role string) object.ID {
	return object.ID{System: object.Vault, Kind: object.Leases, Scope: b.in.Config.Vault.Mounts.Database + "/creds", Name: role}
}

// offboard plans the first part of off-boarding a removed tenant: delete its
// ESO objects, revoke its dynamic leases, delete its database roles and its
// auth role, and rename its policy to <policy>-deprecated.
func (b *planner) offboard(tenant string, rec *inventory.Tenant) {
	const why = "tenant file removed: off-boarding"
	for _, id := range rec.Objects {
		lo, exists := b.in.Live.Objects[id]
		if !exists {
			continue
		}
		if id.Kind == object.Policy {
			b.add(&Change{ID: id, Tenant: tenant, Action: DeprecatePolicy,
				Note: fmt.Sprintf("%s: rename to %s-deprecated; deleted after the %s grace period", why, id.Name, b.in.Config.Offboarding.GracePeriod)},
				liveRefs(b.ids, lo))
			continue
		}
		b.deleteObject(tenant, id, why)
	}
}

// afterGrace deletes a deprecated policy and the tenant's KV metadata once the
// grace period has passed since deprecation.
func (b *planner) afterGrace(tenant string, rec *inventory.Tenant) {
	deleteAfter := rec.DeprecatedAt.Add(b.in.Config.Offboarding.GracePeriod.Duration())
	if b.in.Now.Before(deleteAfter) {
		b.p.Waiting = append(b.p.Waiting, Waiting{Tenant: tenant, Policy: rec.DeprecatedPolicy, DeleteAfter: deleteAfter.UTC()})
		return
	}
	note := fmt.Sprintf("grace period over (deprecated %s)", rec.DeprecatedAt.UTC().Format("2006-01-02T15:04:05Z"))
	if rec.DeprecatedPolicy != "" {
		b.add(&Change{ID: b.ids.Policy(rec.DeprecatedPolicy), Tenant: tenant, Action: DeleteDeprecated, Note: note}, nil)
	}
	if rec.KVPrefix != "" {
		b.add(&Change{ID: object.ID{System: object.Vault, Kind: object.KVPrefix, Scope: b.in.Config.Inventory.Mount, Name: rec.KVPrefix},
			Tenant: tenant, Action: DeleteKVMetadata, Note: note + ": delete all versions and metadata under the prefix"}, nil)
	}
}

// liveRefs derives what a live object refers to from its content, so deletes
// of objects no longer in any tenant file are ordered by real references.
func liveRefs(ids desired.IDs, lo live.Object) []object.ID {
	var out []object.ID
	switch s := lo.Spec.(type) {
	case *desired.AuthRoleSpec:
		for _, p := range s.TokenPolicies {
			out = append(out, ids.Policy(p))
		}
	case *desired.DatabaseRoleSpec:
		out = append(out, ids.DatabaseConnection(s.DBName))
	case *desired.ManifestSpec:
		ns := lo.ID.Scope
		spec, _ := s.Object["spec"].(map[string]any)
		if ref, ok := spec["secretStoreRef"].(map[string]any); ok {
			out = append(out, ids.Kube(object.SecretStore, ns, fmt.Sprint(ref["name"])))
		}
		dataFrom, _ := spec["dataFrom"].([]any)
		for _, d := range dataFrom {
			src, _ := d.(map[string]any)["sourceRef"].(map[string]any)
			if gen, ok := src["generatorRef"].(map[string]any); ok {
				out = append(out, ids.Kube(object.VaultDynamicSecret, ns, fmt.Sprint(gen["name"])))
			}
		}
		if role, ok := desired.LoginRole(s.Object); ok {
			out = append(out, ids.AuthRole(role))
		}
	}
	slices.SortFunc(out, object.Compare)
	return slices.Compact(out)
}
