package apply

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/par"
)

// Store is the part of inventory.Store the recorder needs.
type Store interface {
	Index(ctx context.Context, add, remove []string) error
	Recorded(ctx context.Context, names []string) error
	SaveRecord(ctx context.Context, name string, t *inventory.Tenant) error
	DeleteRecord(ctx context.Context, name string) error
	Claim(ctx context.Context, w inventory.WriterRef, until time.Time) error
	Release(ctx context.Context, w inventory.WriterRef) error
	Held(ctx context.Context, w inventory.WriterRef, now time.Time) (bool, time.Time, error)
}

// InventoryRecorder records ownership in the inventory: the index once per
// apply for every tenant it adds or removes, then each tenant's record, in
// parallel, each write checked-and-set against the version last read or
// written.
type InventoryRecorder struct {
	Store  Store
	Config *config.Config
	// Inventory is the inventory as read for this apply; Tenants the
	// desired state's tenants (sorted by name), as their files say.
	Inventory *inventory.Inventory
	Tenants   []desired.Tenant
	// Parallelism bounds the record writes in flight (DefaultParallelism
	// when zero).
	Parallelism int
	// Clock tells the time a deprecation is recorded at: Vault's, so the
	// grace period is measured on one clock whichever machine applies and
	// whichever plans later (nil: this machine's, for tests).
	Clock func(context.Context) (time.Time, error)
	// Writer, when set, is this apply's name in the records it writes: one
	// writer per tenant at a time. Begin claims its lease (renewed while
	// the apply runs, released by Finish) and refuses a tenant whose
	// record names another writer with a live lease.
	Writer inventory.WriterRef
	// LeaseTTL is how long the lease lives unrenewed (inventory.LeaseTTL
	// when zero): a writer killed mid-apply holds its tenants that long.
	LeaseTTL time.Duration

	held      map[string]error // writer ID -> why its tenants are refused (nil: free)
	stopRenew context.CancelFunc
	refused   map[string]bool // tenants Begin refused: Finish leaves their records alone

	mu sync.Mutex
}

// each runs fn for every tenant on the recorder's pool and returns the
// failures by tenant.
func (r *InventoryRecorder) each(tenants []string, fn func(string) error) map[string]error {
	errs := make([]error, len(tenants))
	n := r.Parallelism
	if n <= 0 {
		n = DefaultParallelism
	}
	par.Bounded(len(tenants), n, func(i int) { errs[i] = fn(tenants[i]) })
	out := map[string]error{}
	for i, err := range errs {
		if err != nil {
			out[tenants[i]] = err
		}
	}
	return out
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
	i, ok := slices.BinarySearchFunc(r.Tenants, name, func(t desired.Tenant, n string) int {
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
	return r.Tenants[i], true
}

// Begin records every tenant's intents. Tenants without a record are
// indexed first, all in one write; if that fails, no tenant is touched.
// Once their records are written they are marked recorded in a second
// index write (and so is any tenant an interrupted run left unmarked), so
// a record deleted out of band later is an error, never "nothing owned";
// a tenant that cannot be marked is not touched.
func (r *InventoryRecorder) Begin(ctx context.Context, versions map[string]int, changes map[string][]*diff.Change) map[string]error {
	tenants := slices.Sorted(maps.Keys(changes))
	if r.Writer.ID != "" {
		if err := r.claim(ctx); err != nil {
			out := map[string]error{}
			for _, name := range tenants {
				out[name] = err
			}
			return out
		}
	}
	var fresh []string
	for _, name := range tenants {
		if r.record(name).Version == 0 {
			fresh = append(fresh, name)
		}
	}
	if err := r.Store.Index(ctx, fresh, nil); err != nil {
		out := map[string]error{}
		for _, name := range tenants {
			out[name] = err
		}
		return out
	}
	errs := r.each(tenants, func(name string) error { return r.begin(ctx, name, versions[name], changes[name]) })
	r.refused = map[string]bool{}
	for name := range errs {
		r.refused[name] = true
	}
	var mark []string
	seen := map[string]bool{}
	for _, name := range slices.Concat(fresh, r.Inventory.Unrecorded) {
		if _, failed := errs[name]; !failed && !seen[name] && r.record(name).Version > 0 {
			seen[name] = true
			mark = append(mark, name)
		}
	}
	if err := r.Store.Recorded(ctx, mark); err != nil {
		for _, name := range mark {
			errs[name] = err
		}
		return errs
	}
	r.Inventory.Unrecorded = nil
	return errs
}

// begin records the tenant's intents: objects about to be created or
// adopted become pending (owned from now on, confirmed after), a policy
// about to be deprecated names its copy, a present tenant's locations are
// brought up to date and a deprecation is cancelled. The write is checked
// and set against the version the plan read: a tenant changed since is not
// touched.
func (r *InventoryRecorder) begin(ctx context.Context, tenant string, version int, changes []*diff.Change) error {
	t := r.record(tenant)
	if t.Version != version {
		return fmt.Errorf("changed since the plan (record version %d, the plan read %d): plan again: %w", t.Version, version, inventory.ErrConflict)
	}
	if err := r.checkWriter(ctx, t); err != nil {
		return err
	}
	next := *t
	if r.Writer.ID != "" {
		next.Writer = &r.Writer
	}
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
	if err := r.Store.SaveRecord(ctx, tenant, &next); err != nil {
		return err
	}
	*t = next
	return nil
}

// Deprecated records the start of the tenant's grace period, by Clock.
func (r *InventoryRecorder) Deprecated(ctx context.Context, tenant string) error {
	at, err := r.now(ctx)
	if err != nil {
		return err
	}
	at = at.UTC()
	t := r.record(tenant)
	next := *t
	next.DeprecatedAt = &at
	if err := r.Store.SaveRecord(ctx, tenant, &next); err != nil {
		return err
	}
	*t = next
	return nil
}

// Finish records how every tenant's changes ended (a tenant Begin
// refused was not touched, and its record, perhaps another writer's now,
// is not either); tenants whose off-boarding completed leave the index in
// one write, then lose their records. Then the writer lease is released.
func (r *InventoryRecorder) Finish(ctx context.Context, results map[string][]*ChangeResult) map[string]error {
	defer func() { _ = r.release(ctx) }() // a lease left behind expires within inventory.LeaseTTL
	var tenants []string
	for _, name := range slices.Sorted(maps.Keys(results)) {
		if !r.refused[name] {
			tenants = append(tenants, name)
		}
	}
	var mu sync.Mutex
	var complete []string
	errs := r.each(tenants, func(name string) error {
		done, err := r.finish(ctx, name, results[name])
		if done {
			mu.Lock()
			complete = append(complete, name)
			mu.Unlock()
		}
		return err
	})
	if len(complete) == 0 {
		return errs
	}
	slices.Sort(complete)
	if err := r.Store.Index(ctx, nil, complete); err != nil {
		for _, name := range complete {
			errs[name] = err
		}
		return errs
	}
	for name, err := range r.each(complete, func(name string) error { return r.Store.DeleteRecord(ctx, name) }) {
		errs[name] = err
	}
	return errs
}

// finish confirms what was applied: created and adopted objects move from
// pending to owned (a failed create stays pending: it may exist), deleted
// ones leave the record. It reports a tenant whose off-boarding completed
// instead of saving its record: it leaves the inventory.
func (r *InventoryRecorder) finish(ctx context.Context, tenant string, results []*ChangeResult) (complete bool, err error) {
	t := r.record(tenant)
	next := *t
	next.Objects, next.Pending = slices.Clone(t.Objects), slices.Clone(t.Pending)
	next.Writer = nil
	all, finalSteps := true, 0
	revoked := map[string]bool{} // database roles whose leases this run revoked
	for _, c := range results {
		if c.Status == Applied && c.Action == diff.RevokeLeases {
			revoked[c.ID.Name] = true
		}
	}
	for _, c := range results {
		if c.Status != Applied {
			all = false
			continue
		}
		if c.ID.Kind == object.DatabaseRole && (c.Action == diff.Delete || c.Action == diff.Forget) && !revoked[c.ID.Name] {
			all = false // its leases may live on: the next plan revokes them
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
	if !present && all && finalSteps > 0 && next.DeprecatedAt != nil && next.Empty() {
		return true, nil // off-boarding complete: the record names nothing
	}
	if err := r.Store.SaveRecord(ctx, tenant, &next); err != nil {
		return false, err
	}
	*t = next
	return false, nil
}

func without(ids []object.ID, drop object.ID) []object.ID {
	return slices.DeleteFunc(ids, func(id object.ID) bool { return id == drop })
}
