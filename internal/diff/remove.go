package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

// removals handles what syncd owns but no longer desires. A tenant whose
// file failed is held untouched. A present tenant's dropped objects are
// deleted; if it was being off-boarded (re-added during its grace period),
// the off-boarding is cancelled. A removed tenant is off-boarded; one already
// deprecated has its leftovers retried and, after the grace period, its
// deprecated policy and KV data deleted. The deletion guard then weighs every
// destructive step.
func (b *planner) removals() {
	inv := b.in.Live.Inventory
	for _, name := range inv.TenantNames() {
		rec := inv.Tenants[name]
		if !b.inScope(name) {
			continue
		}
		switch {
		case b.in.Unknown[name] != nil:
			b.p.Held = append(b.p.Held, name)
		case b.present[name]:
			if rec.DeprecatedAt != nil || rec.DeprecatedPolicy != "" {
				b.cancelOffboarding(name, rec)
			}
			for _, id := range rec.Recorded() {
				if _, desired := b.in.Desired.Index(id); !desired {
					b.deleteObject(name, id, "no longer derived from the tenant file")
				}
			}
		default:
			b.offboard(name, rec)
			if rec.DeprecatedAt != nil {
				b.afterGrace(name, rec)
			}
		}
	}
	b.guard()
}

// deleteObject plans the deletion of one owned object that is still live,
// or its removal from the inventory when it is gone already. A database
// role's leases are revoked after it, live or gone: a role the record
// still names may have been deleted by a run that never revoked (it was
// killed, or the revocation failed), and the record keeps the role until a
// revocation is recorded (apply.InventoryRecorder).
func (b *planner) deleteObject(tenant string, id object.ID, note string) {
	lo, exists := b.in.Live.Get(id)
	if !exists {
		b.add(Change{ID: id, Tenant: tenant, Action: Forget, Note: "gone already: leaves the inventory"}, nil)
	} else {
		b.add(Change{ID: id, Tenant: tenant, Action: Delete, Note: note, UID: lo.UID}, liveRefs(b.ids, b.in.Config, lo))
	}
	if id.Kind == object.DatabaseRole && b.changes.get(id) != nil { // not when the role's own change was refused
		b.add(Change{ID: desired.LeasesOf(id), Tenant: tenant, Action: RevokeLeases,
			Note: fmt.Sprintf("revoke every lease under %s/creds/%s, once nothing can create new ones", id.Scope, id.Name)}, nil)
	}
}

// offboard plans off-boarding a removed tenant: delete its ESO objects and
// its database roles, revoke its dynamic leases, delete its auth role, and
// rename its policy to <policy>-deprecated. Every object its record names
// is covered, pending or confirmed. For a tenant already
// deprecated it retries whatever is still live (a partly failed run, or an
// object recreated out of band); its original policy is then deleted, the
// copy exists already.
func (b *planner) offboard(tenant string, rec *inventory.Tenant) {
	why := "tenant file removed: off-boarding"
	if rec.DeprecatedAt != nil {
		why = "off-boarding leftover, retried"
	}
	for _, id := range rec.Recorded() { // pending too: a write may have landed unconfirmed
		lo, exists := b.in.Live.Get(id)
		if !exists && id.Kind == object.Policy && rec.DeprecatedAt == nil && rec.DeprecatedPolicy == id.Name+config.DeprecatedSuffix {
			continue // an interrupted deprecation: finished below, which also drops it from the record
		}
		if exists && id.Kind == object.Policy && rec.DeprecatedAt == nil {
			b.deprecate(tenant, rec, id, lo)
			continue
		}
		b.deleteObject(tenant, id, why)
	}
	// A deprecation interrupted after the copy was named but before its
	// time was recorded: finish it (apply writes the copy if missing and
	// records the time), so the grace period starts and the copy is not lost.
	if rec.DeprecatedAt == nil && rec.DeprecatedPolicy != "" {
		orig := b.ids.Policy(strings.TrimSuffix(rec.DeprecatedPolicy, config.DeprecatedSuffix))
		if _, live := b.in.Live.Get(orig); !live {
			b.add(Change{ID: orig, Tenant: tenant, Action: DeprecatePolicy,
				Note: fmt.Sprintf("finishing an interrupted deprecation: %s stays, its grace period starts now", rec.DeprecatedPolicy)}, nil)
		}
	}
}

// deprecate renames a removed tenant's policy, unless the new name is taken
// by a policy that is not this tenant's.
func (b *planner) deprecate(tenant string, rec *inventory.Tenant, id object.ID, lo live.Object) {
	target := b.ids.Policy(id.Name + config.DeprecatedSuffix)
	if _, taken := b.in.Live.Get(target); taken && rec.DeprecatedPolicy != target.Name {
		b.fail(id, tenant, "cannot rename to %s: that policy exists and is not this tenant's; delete or rename it first", target.Name)
		return
	}
	b.add(Change{ID: id, Tenant: tenant, Action: DeprecatePolicy, Note: fmt.Sprintf(
		"tenant file removed: copy to %s, delete %s (access through it ends); the copy is kept %s for audit and recovery",
		target.Name, id.Name, b.in.Config.Offboarding.GracePeriod)}, liveRefs(b.ids, b.in.Config, lo))
}

// afterGrace deletes a deprecated policy and the tenant's KV data once the
// grace period has passed since deprecation.
func (b *planner) afterGrace(tenant string, rec *inventory.Tenant) {
	deleteAfter := rec.DeprecatedAt.Add(b.in.Config.Offboarding.GracePeriod.Duration())
	if b.in.Now.Before(deleteAfter) {
		b.p.Waiting = append(b.p.Waiting, Waiting{Tenant: tenant, Policy: rec.DeprecatedPolicy, DeleteAfter: deleteAfter.UTC()})
		return
	}
	note := fmt.Sprintf("grace period over (deprecated %s)", rec.DeprecatedAt.UTC().Format("2006-01-02T15:04:05Z"))
	if id, ok := rec.DeprecatedID(); ok { // planned even if gone already: apply then closes the record
		b.add(Change{ID: id, Tenant: tenant, Action: DeleteDeprecated, Note: note}, nil)
	}
	if id, ok := kvPrefixID(b.in.Config, rec); ok {
		what := "every secret"
		if keys, listed := b.in.Live.KVKeys[id]; listed {
			what = fmt.Sprintf("%d secrets", len(keys))
		}
		b.add(Change{ID: id, Tenant: tenant, Action: DeleteKVMetadata,
			Note: fmt.Sprintf("%s: delete %s (every version and the metadata) under %s/%s/", note, what, id.Scope, id.Name)}, nil)
	}
}

// cancelOffboarding: a tenant re-added while being off-boarded gets its
// objects back as creates, keeps its KV data, and loses the deprecated copy
// of its policy; apply clears the deprecation from its record, so a later
// removal starts a full grace period.
func (b *planner) cancelOffboarding(tenant string, rec *inventory.Tenant) {
	id, ok := rec.DeprecatedID()
	if !ok {
		return
	}
	if _, live := b.in.Live.Get(id); live {
		b.add(Change{ID: id, Tenant: tenant, Action: DeleteDeprecated,
			Note: "tenant re-added during off-boarding: off-boarding cancelled; the deprecated copy goes, the KV data stays"}, nil)
	}
}

// liveRefs derives what a live object refers to from its content, so changes
// to objects no longer in any tenant file are ordered by real references.
func liveRefs(ids desired.IDs, cfg *config.Config, lo live.Object) []object.ID {
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
		obj := s.Object()
		spec, _ := obj["spec"].(map[string]any)
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
		if login, ok, _ := s.Login(); ok { // unreadable: the API server's schema makes it impossible
			out = append(out, ids.AuthRole(login.Role))
			if login.ServiceAccount != "" {
				out = append(out, ids.Kube(object.ServiceAccount, ns, login.ServiceAccount))
			}
		}
		if ns != "" { // a namespaced object goes before its namespace
			out = append(out, ids.Namespace(ns))
		}
		// A generator reads a database role's credentials: it can create
		// leases under that role for as long as it exists.
		if path, ok := spec["path"].(string); ok && lo.ID.Kind == object.VaultDynamicSecret {
			if role, ok := strings.CutPrefix(path, cfg.Vault.Mounts.Database+"/creds/"); ok {
				out = append(out, ids.DatabaseRole(role))
			}
		}
	}
	slices.SortFunc(out, object.Compare)
	return slices.Compact(out)
}
