// Package inventory records what one syncd instance owns — so it never updates
// or deletes an object it did not create — and the off-boarding progress of
// removed tenants, which must survive restarts. It is stored in Vault KV v2
// with check-and-set, so two syncd instances cannot overwrite each other.
package inventory

import (
	"fmt"
	"slices"
	"time"

	"github.com/syncd-dev/syncd/internal/object"
)

// Inventory is one instance's record of ownership.
type Inventory struct {
	// Tenants maps tenant names to what syncd created for them.
	Tenants map[string]*Tenant `json:"tenants"`
	// Version is the KV v2 version of the index it was read at (0: none
	// stored yet).
	Version int `json:"-"`
	// Unread counts the indexed tenants whose records were not read (a
	// plan of a few tenants reads only theirs): the deletion guard still
	// weighs a step against every tenant.
	Unread int `json:"-"`
	// Unrecorded are the tenants read whose first record may not be
	// written yet; apply marks them recorded once it wrote one.
	Unrecorded []string `json:"-"`
}

// Tenant is what one tenant owns. Each tenant's record is stored on its own,
// with check-and-set on Version, so two tenants' updates never contend.
type Tenant struct {
	// Objects are the objects syncd created (or adopted) for the tenant.
	Objects []object.ID `json:"objects"`
	// Pending are objects apply is about to create: recorded before the
	// write, moved to Objects after it, so a crash in between never leaves
	// an object that the next plan calls "not owned". The planner treats
	// them as recorded, not owned: see diff.
	Pending []object.ID `json:"pending,omitempty"`
	// Version is the KV v2 version of the record as read (0: not stored).
	Version int `json:"-"`
	// Namespace, KVMount and KVPrefix are remembered so a removed tenant
	// can be off-boarded without its file, and after a config change.
	Namespace string `json:"namespace,omitempty"`
	KVMount   string `json:"kvMount,omitempty"`
	KVPrefix  string `json:"kvPrefix,omitempty"`
	// DeprecatedAt is set when off-boarding renamed the tenant's policy to
	// DeprecatedPolicy; once the grace period has passed since, the policy
	// and the tenant's KV metadata are deleted.
	DeprecatedAt     *time.Time `json:"deprecatedAt,omitempty"`
	DeprecatedPolicy string     `json:"deprecatedPolicy,omitempty"`
	// Writer is the apply writing the tenant now (nil: none): one writer
	// per tenant at a time, across CLI and daemon.
	Writer *WriterRef `json:"writer,omitempty"`
}

// DeprecatedID identifies the tenant's deprecated policy, if it has one.
func (t *Tenant) DeprecatedID() (object.ID, bool) {
	if t.DeprecatedPolicy == "" {
		return object.ID{}, false
	}
	return object.ID{System: object.Vault, Kind: object.Policy, Scope: "sys", Name: t.DeprecatedPolicy}, true
}

// Recorded is every object the record names, confirmed then pending: what
// a removal must cover, since a pending write may have landed.
func (t *Tenant) Recorded() []object.ID { return append(slices.Clip(t.Objects), t.Pending...) }

// Empty reports whether the record names nothing any more: no object,
// pending or confirmed, and no deprecated policy.
func (t *Tenant) Empty() bool {
	return len(t.Objects) == 0 && len(t.Pending) == 0 && t.DeprecatedPolicy == ""
}

// owned is every object t owns: its objects, its pending ones and its
// deprecated policy.
func (t *Tenant) owned() []object.ID {
	out := t.Recorded()
	if id, ok := t.DeprecatedID(); ok {
		out = append(out, id)
	}
	return out
}

// Owners maps every owned object to its tenant. Validate has proved that no
// object is recorded for two tenants.
func (inv *Inventory) Owners() map[object.ID]string {
	out := map[object.ID]string{}
	if inv == nil {
		return out
	}
	for name, t := range inv.Tenants {
		for _, id := range t.owned() {
			out[id] = name
		}
	}
	return out
}

// Owned returns every owned object.
func (inv *Inventory) Owned() object.Set {
	out := object.Set{}
	if inv == nil {
		return out
	}
	for _, t := range inv.Tenants {
		for _, id := range t.owned() {
			out.Add(id)
		}
	}
	return out
}

// Validate checks what a decoded inventory must hold: a record for every
// tenant, and no object recorded for two tenants.
func (inv *Inventory) Validate() error {
	owner := map[object.ID]string{}
	for _, name := range inv.TenantNames() {
		t := inv.Tenants[name]
		if t == nil {
			return fmt.Errorf("tenant %q has no record", name)
		}
		for _, id := range t.owned() {
			if prev, dup := owner[id]; dup && prev != name {
				return fmt.Errorf("%s is recorded for tenants %s and %s", id, prev, name)
			}
			owner[id] = name
		}
	}
	return nil
}

// TenantNames returns the owned tenants, sorted.
func (inv *Inventory) TenantNames() []string {
	if inv == nil {
		return nil
	}
	var out []string
	for name := range inv.Tenants {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
