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
	// Version is the KV v2 version it was read at (0: none stored yet);
	// saving uses it for check-and-set.
	Version int `json:"-"`
}

// Tenant is what one tenant owns.
type Tenant struct {
	Objects []object.ID `json:"objects"`
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
}

// DeprecatedID identifies the tenant's deprecated policy, if it has one.
func (t *Tenant) DeprecatedID() (object.ID, bool) {
	if t.DeprecatedPolicy == "" {
		return object.ID{}, false
	}
	return object.ID{System: object.Vault, Kind: object.Policy, Scope: "sys", Name: t.DeprecatedPolicy}, true
}

// owned is every object t owns: its objects and its deprecated policy.
func (t *Tenant) owned() []object.ID {
	if id, ok := t.DeprecatedID(); ok {
		return append(slices.Clip(t.Objects), id)
	}
	return t.Objects
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
