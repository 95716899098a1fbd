package diff

import (
	"fmt"
	"time"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

// Input is everything a plan is computed from.
type Input struct {
	Config  *config.Config
	Desired *desired.State
	// Unknown are tenants whose files failed: their objects are held.
	Unknown map[string]error
	Live    *live.State
	Now     time.Time
	Options Options
	// Problems found before planning (tenant files that failed) are
	// reported with the plan's errors.
	Problems []Problem
	// Files digests the platform config and tenant files the desired state
	// came from; a saved plan is stale when they change.
	Files string
}

// Options change what the plan may do.
type Options struct {
	// Adopt takes over unowned live objects that hold desired names,
	// instead of reporting them as conflicts.
	Adopt bool
	// AllowDeletes lifts the deletion guard.
	AllowDeletes bool
	// Tenants, when set, limits the plan to these tenants: nothing of any
	// other tenant is planned (created, updated, deleted or off-boarded).
	Tenants []string
	// Unchanged keeps every no-op in Changes, as the JSON plan lists them.
	// Without it a no-op is counted in the summary and listed only when it
	// carries a warning: at 10,000 converged tenants the 76,667 no-ops
	// were 17 MB for the rest of a run that never shows them one by one.
	Unchanged bool
	// Applying says the plan is applied next: a safety check that could
	// not run (the identity may not make it) is an error on what it
	// guards, where a plan only shown (a read-only PR check) warns.
	Applying bool
}

// planner builds one plan.
type planner struct {
	in      Input
	ids     desired.IDs
	p       *Plan
	changes *changeSet
	failed  map[object.ID]object.ID // objects with errors -> the root failure
	present map[string]bool         // tenants with a valid file
	scope   map[string]bool         // --tenant: only these (nil: all)
}

// Compute pairs desired with live and returns the ordered plan.
func Compute(in Input) *Plan { return compute(in).p }

func compute(in Input) *planner {
	b := &planner{
		in: in, ids: desired.NewIDs(in.Config),
		p:      &Plan{Version: SchemaVersion, CreatedAt: in.Now.UTC()},
		failed: map[object.ID]object.ID{},
	}
	b.present = map[string]bool{}
	for _, t := range in.Desired.Tenants {
		b.present[t.Name] = true
	}
	if len(in.Options.Tenants) > 0 {
		b.scope = map[string]bool{}
		for _, t := range in.Options.Tenants {
			b.scope[t] = true
		}
	}
	b.p.Errors = append(b.p.Errors, in.Problems...)
	b.pairDesired()
	b.checkNamespaces()
	b.checkTargets()
	b.removals()
	b.checkRefs()
	b.order()
	b.finish()
	WarnMissingValues(b.p, in.Desired, in.Live)
	return b
}

// add plans c. One object gets at most one change: a second one (two
// tenants, or a desired object and an off-boarding step) is an error on the
// object and neither is applied — never a silent overwrite.
func (b *planner) add(c Change, refs []object.ID) {
	if prev := b.changes.get(c.ID); prev != nil {
		b.fail(c.ID, c.Tenant, "two changes planned for one object: %s for tenant %s and %s for tenant %s; neither is applied",
			prev.Action, prev.Tenant, c.Action, c.Tenant)
		return
	}
	if _, bad := b.failed[c.ID]; bad {
		b.p.Errors = append(b.p.Errors, Problem{ID: c.ID, Tenant: c.Tenant,
			Message: fmt.Sprintf("%s for tenant %s not planned: the object already has an error", c.Action, c.Tenant)})
		return
	}
	b.changes.put(c, refs)
}

// fail records an error on id: it gets no change and its dependents are
// skipped.
func (b *planner) fail(id object.ID, tenant, format string, args ...any) {
	b.failed[id] = id
	b.changes.remove(id)
	b.p.Errors = append(b.p.Errors, Problem{ID: id, Tenant: tenant, Message: fmt.Sprintf(format, args...)})
}

// skip records that id cannot be applied because ref failed: one note naming
// the root failure, not a cascade of errors.
func (b *planner) skip(id object.ID, tenant string, ref object.ID) {
	root := b.failed[ref]
	b.failed[id] = root
	b.changes.remove(id)
	msg := fmt.Sprintf("skipped: depends on %s, which cannot be applied", ref.Short())
	if root != ref {
		msg += fmt.Sprintf(" (upstream failure: %s)", root.Short())
	}
	b.p.Errors = append(b.p.Errors, Problem{ID: id, Tenant: tenant, Message: msg})
}

// pairDesired pairs each desired object with the live object of the same
// identity: none is a create; one syncd owns is an update or a no-op; one it
// does not own is a conflict, or an adoption when allowed. An object the
// inventory records for another tenant is never planned for this one, live
// or not.
func (b *planner) pairDesired() {
	owners, pending := b.desiredOwners()
	b.changes = newChangeSet(b.in.Desired, b.scope == nil)
	for i, o := range b.in.Desired.Objects {
		if !b.inScope(o.Tenant) {
			continue
		}
		lo, exists := b.in.Live.Get(o.ID)
		owner, owned := owners[i], owners[i] != ""
		c := Change{ID: o.ID, Tenant: o.Tenant, After: o.Spec}
		switch {
		case owned && owner != o.Tenant:
			b.fail(o.ID, o.Tenant, "is owned by tenant %s (recorded in the inventory); it is never planned for another tenant", owner)
			continue
		case !exists:
			c.Action = Create // its fields are listed when shown (Change.FieldList)
		case owned && pending[i] && !b.landed(o.Spec, lo):
			if !b.in.Options.Adopt {
				b.fail(o.ID, o.Tenant, "%s; plan with --adopt to take it over", notLanded(lo))
				continue
			}
			c.Action = Adopt
			c.Fields = Compare(o.Spec, lo.Spec)
		case owned:
			c.Fields = Compare(o.Spec, lo.Spec)
			c.Action = Update
			if len(c.Fields) == 0 {
				c.Action = NoOp
				if pending[i] {
					c.Action, c.Note = Confirm, "written by an interrupted run: recorded as owned"
				}
			}
			c.Note = replaceNote(c.Fields)
		case b.in.Options.Adopt:
			c.Action = Adopt
			c.Fields = Compare(o.Spec, lo.Spec)
		default:
			b.fail(o.ID, o.Tenant, "already exists and syncd does not own it; plan with --adopt to take it over")
			continue
		}
		b.add(c, o.Refs)
	}
}

// landed reports whether a live object recorded only as pending is the
// write syncd began: as desired, and (in Kubernetes) written by syncd's
// field manager. Anything else may be someone else's object that appeared
// after a create failed: pending is an intent, not ownership.
func (b *planner) landed(want desired.Spec, lo live.Object) bool {
	return !lo.Foreign && len(Compare(want, lo.Spec)) == 0
}

func notLanded(lo live.Object) string {
	if lo.Foreign {
		return "recorded as pending (a write syncd began and never confirmed), but no field of the live object is syncd's: someone else created it"
	}
	return "recorded as pending (a write syncd began and never confirmed), but the live object differs from what syncd writes: it may not be syncd's"
}

// desiredOwners returns, by position in the desired objects, the tenant
// the inventory records each for ("": none) and whether only as pending.
// Slices beside the desired state, not maps of every owned identity: at
// 10,000 tenants those were 15 MB more while the plan was computed.
func (b *planner) desiredOwners() (owner []string, pending []bool) {
	objs := b.in.Desired.Objects
	owner, pending = make([]string, len(objs)), make([]bool, len(objs))
	record := func(name string, id object.ID, isPending bool) {
		if i, ok := b.in.Desired.Index(id); ok {
			owner[i] = name
			pending[i] = pending[i] || isPending
		}
	}
	if b.in.Live.Inventory == nil {
		return owner, pending
	}
	for name, t := range b.in.Live.Inventory.Tenants {
		for _, id := range t.Objects {
			record(name, id, false)
		}
		for _, id := range t.Pending {
			record(name, id, true)
		}
		if id, ok := t.DeprecatedID(); ok {
			record(name, id, false)
		}
	}
	return owner, pending
}

// replaceNote explains an update Vault cannot make in place: it keeps a
// database role's credential_config when written with an empty one (1.21,
// setCredentialConfig), so clearing one set out of band needs the role
// deleted and written again.
func replaceNote(fields []Field) string {
	for _, f := range fields {
		if f.Path == "credential_config" && f.After == "" {
			return "Vault keeps a credential_config when a role is written without one: healing it needs the role deleted and written again"
		}
	}
	return ""
}

// inScope reports whether tenant's changes belong in this plan.
func (b *planner) inScope(tenant string) bool { return b.scope == nil || b.scope[tenant] }
