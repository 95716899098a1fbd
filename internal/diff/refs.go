package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
)

// checkRefs checks every desired change's references. A database role whose
// connection is missing or does not allow it is an error; so is a reference
// to a managed object that neither exists nor is planned. Errors skip their
// dependents. A missing namespace or service account (another system
// provides them) is a warning on the object that needs it; so is a missing
// KV value (WarnMissingValues).
func (b *planner) checkRefs() {
	b.changes.each(func(e *entry) {
		c := &e.c
		if c.After == nil { // deletes and off-boarding: nothing to check
			return
		}
		for _, ref := range e.refs {
			switch ref.Kind {
			case object.DatabaseConnection:
				b.checkConnection(c, ref)
			case object.Namespace, object.ServiceAccount:
				if !b.changes.has(ref) && b.in.Live.Looked.Has(ref) && !b.in.Live.Present.Has(ref) {
					c.Warnings = append(c.Warnings, fmt.Sprintf("%s does not exist yet (another system creates it); ESO cannot use this object until it does", ref.Short()))
				}
			}
		}
	})
	// Managed references, to a fixpoint: a failure skips its dependents,
	// and theirs.
	for changed := true; changed; {
		changed = false
		b.changes.each(func(e *entry) {
			c := &e.c
			if c.After == nil {
				return
			}
			for _, ref := range e.refs {
				if !managed(ref.Kind) {
					continue
				}
				if _, bad := b.failed[ref]; bad {
					if c.ID.Kind == object.Policy && ref.Kind == object.DatabaseRole {
						b.dropGrant(e, ref) // the rest of the policy still applies
					} else {
						b.skip(c.ID, c.Tenant, ref)
					}
					changed = true
					break
				}
				if _, exists := b.in.Live.Get(ref); !exists && !b.changes.has(ref) {
					b.fail(c.ID, c.Tenant, "refers to %s, which neither exists nor is planned", ref.Short())
					changed = true
					break
				}
			}
		})
	}
}

// dropGrant takes a database role's credentials path out of the tenant's
// policy because the role cannot be applied for this tenant (owned by
// another tenant, unowned, or its connection refuses it): a policy never
// grants a path whose object is not the tenant's.
func (b *planner) dropGrant(e *entry, role object.ID) {
	c := &e.c
	path := b.in.Config.Vault.Mounts.Database + "/creds/" + role.Name
	spec := c.After.(*desired.PolicySpec).Without(func(p string) bool { return p == path })
	c.After = spec
	e.refs = slices.DeleteFunc(slices.Clone(e.refs), func(r object.ID) bool { return r == role })
	var have desired.Spec
	if lo, ok := b.in.Live.Get(c.ID); ok && c.Action != Create {
		have = lo.Spec
	}
	c.Fields = Compare(spec, have)
	if c.Action == Update || c.Action == NoOp {
		c.Action = Update
		if len(c.Fields) == 0 {
			c.Action = NoOp
		}
	}
	c.Warnings = append(c.Warnings, fmt.Sprintf("grant of %s dropped: %s cannot be applied for this tenant", path, role.Short()))
}

func (b *planner) checkConnection(c *Change, ref object.ID) {
	role, _ := c.After.(*desired.DatabaseRoleSpec)
	conn, ok := b.in.Live.Connections[ref]
	switch {
	case !ok:
		b.fail(c.ID, c.Tenant, "database connection %s does not exist in Vault (%s/config/%s)", ref.Name, ref.Scope, ref.Name)
	case role != nil && !allowed(conn.AllowedRoles, role.Name):
		b.fail(c.ID, c.Tenant, "database connection %s does not allow role %s (allowed_roles: %s)", ref.Name, role.Name, strings.Join(conn.AllowedRoles, ", "))
	}
}

// managed reports whether syncd plans objects of kind (rather than expecting
// another system to provide them).
func managed(k object.Kind) bool {
	switch k {
	case object.DatabaseConnection, object.Namespace, object.ServiceAccount, object.KVSecret:
		return false
	}
	return true
}

// allowed matches role against Vault's allowed_roles: "*" or globs with '*'.
func allowed(patterns []string, role string) bool {
	for _, p := range patterns {
		if glob(p, role) {
			return true
		}
	}
	return false
}

func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
