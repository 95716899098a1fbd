package apply

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/object"
)

// Store is the part of inventory.Store the recorder needs.
type Store interface {
	SaveTenant(ctx context.Context, name string, t *inventory.Tenant) error
	DeleteTenant(ctx context.Context, name string) error
}

// InventoryRecorder records ownership in the inventory, one tenant's record
// at a time, each write checked-and-set against the version last read or
// written.
type InventoryRecorder struct {
	Store  Store
	Config *config.Config
	// Inventory is the inventory as read for this apply; Desired the
	// tenants as their files say.
	Inventory *inventory.Inventory
	Desired   *desired.State

	mu sync.Mutex
}

func (r *InventoryRecorder) record(tenant string) *inventory.Tenant {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.Inventory.Tenants[tenant]
	if !ok {
		t = &inventory.Tenant{}
		r.Inventory.Tenants[tenant] = t
	}
	return t
}

func (r *InventoryRecorder) desiredTenant(name string) (desired.Tenant, bool) {
	i, ok := slices.BinarySearchFunc(r.Desired.Tenants, name, func(t desired.Tenant, n string) int {
		switch {
		case t.Name < n:
			return -1
		case t.Name > n:
			return 1
		}
		return 0
	})
	if !ok {
		return desired.Tenant{}, false
	}
	return r.Desired.Tenants[i], true
}

// Begin records the tenant's intents: objects about to be created or
// adopted become pending (owned from now on, confirmed after), a policy
// about to be deprecated names its copy, a present tenant's locations are
// brought up to date and a deprecation is cancelled. The write is checked
// and set against the version the plan read: a tenant changed since is not
// touched.
func (r *InventoryRecorder) Begin(ctx context.Context, tenant string, version int, changes []diff.Change) error {
	t := r.record(tenant)
	if t.Version != version {
		return fmt.Errorf("changed since the plan (record version %d, the plan read %d): plan again: %w", t.Version, version, inventory.ErrConflict)
	}
	next := *t
	next.Objects, next.Pending = slices.Clone(t.Objects), slices.Clone(t.Pending)
	for _, c := range changes {
		switch c.Action {
		case diff.Create, diff.Adopt, diff.Update:
			if !slices.Contains(next.Objects, c.ID) && !slices.Contains(next.Pending, c.ID) {
				next.Pending = append(next.Pending, c.ID)
			}
		case diff.DeprecatePolicy:
			next.DeprecatedPolicy = c.ID.Name + config.DeprecatedSuffix
		}
	}
	if d, ok := r.desiredTenant(tenant); ok {
		next.Namespace, next.KVMount, next.KVPrefix = d.Namespace, r.Config.Vault.Mounts.KV, d.KVPrefix
		next.DeprecatedAt = nil // re-added: off-boarding cancelled
	}
	if err := r.Store.SaveTenant(ctx, tenant, &next); err != nil {
		return err
	}
	*t = next
	return nil
}

// Deprecated records the start of the tenant's grace period.
func (r *InventoryRecorder) Deprecated(ctx context.Context, tenant string, at time.Time) error {
	t := r.record(tenant)
	next := *t
	next.DeprecatedAt = &at
	if err := r.Store.SaveTenant(ctx, tenant, &next); err != nil {
		return err
	}
	*t = next
	return nil
}

// Finish confirms what was applied: created and adopted objects move from
// pending to owned (a failed create stays pending: it may exist), deleted
// ones leave the record, and a tenant whose off-boarding completed leaves
// the inventory.
func (r *InventoryRecorder) Finish(ctx context.Context, tenant string, results []ChangeResult) error {
	t := r.record(tenant)
	next := *t
	next.Objects, next.Pending = slices.Clone(t.Objects), slices.Clone(t.Pending)
	all, finalSteps := true, 0
	for _, c := range results {
		if c.Status != Applied {
			all = false
			continue
		}
		switch c.Action {
		case diff.Create, diff.Adopt, diff.Update, diff.Confirm:
			next.Pending = without(next.Pending, c.ID)
			if !slices.Contains(next.Objects, c.ID) {
				next.Objects = append(next.Objects, c.ID)
			}
		case diff.Delete, diff.DeprecatePolicy, diff.Forget:
			next.Objects, next.Pending = without(next.Objects, c.ID), without(next.Pending, c.ID)
		case diff.DeleteDeprecated:
			next.DeprecatedPolicy = ""
			finalSteps++
		case diff.DeleteKVMetadata:
			finalSteps++
		}
	}
	slices.SortFunc(next.Objects, object.Compare)
	_, present := r.desiredTenant(tenant)
	if !present && all && finalSteps > 0 && next.DeprecatedAt != nil && next.DeprecatedPolicy == "" {
		return r.Store.DeleteTenant(ctx, tenant) // off-boarding complete
	}
	if err := r.Store.SaveTenant(ctx, tenant, &next); err != nil {
		return err
	}
	*t = next
	return nil
}

func without(ids []object.ID, drop object.ID) []object.ID {
	return slices.DeleteFunc(ids, func(id object.ID) bool { return id == drop })
}
